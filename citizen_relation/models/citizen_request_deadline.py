"""Deadlines announced to the requester, late requests and the reminders
of the assigned agents."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Deadline
    # ------------------------------------------------------------------

    @api.depends("category_id", "date_received", "company_id")
    def _compute_date_deadline(self):
        for request in self:
            # Frozen at intake: a saved request keeps its announced deadline.
            if request._origin.id and request.date_deadline:
                continue
            request.date_deadline = request._get_deadline_from_category()

    def _get_deadline_from_category(self):
        """Deadline announced for this request: the category delay in working
        days of the company calendar, counted from the day after receipt (the
        day of receipt never counts, whatever the hour or the channel)."""
        self.ensure_one()
        delay = self.category_id.delay_days
        if not self.category_id or delay <= 0:
            return False
        received = self.date_received or fields.Datetime.now()
        deadline = self.company_id.resource_calendar_id._citizen_add_working_days(
            received, delay
        )
        return deadline.date() if deadline else False

    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.is_late = bool(
                not request.is_closed
                and request.date_deadline
                and request.date_deadline < today
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the late flag."))
        today = fields.Date.context_today(self)
        domain = [
            ("is_closed", "=", False),
            ("date_deadline", "!=", False),
            ("date_deadline", "<", today),
        ]
        if (operator == "=") != value:
            return ["!", *expression.normalize_domain(domain)]
        return domain

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    @api.model
    def _cron_remind_deadline(self):
        """Remind the assigned agents of open requests due tomorrow or late."""
        tomorrow = fields.Date.context_today(self) + timedelta(days=1)
        requests = self.search(
            [
                ("is_closed", "=", False),
                ("user_id", "!=", False),
                ("date_deadline", "<=", tomorrow),
            ]
        )
        activity_type = self._ref("citizen_relation.mail_activity_type_deadline")
        for request in requests:
            if activity_type and request.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ):
                continue
            request.with_context(
                lang=request._get_user_lang(request.user_id)
            ).activity_schedule(
                "citizen_relation.mail_activity_type_deadline",
                date_deadline=request.date_deadline,
                user_id=request.user_id.id,
            )
        return True
