"""Decision by silence and incomplete requests (saisine par voie
électronique, CRPA L.112-11, L.114-5, L.231-1 and following).

A request of a category whose silence is worth a decision gets the date of
that decision, stated in the acknowledgement and on the receipt. An agent
may find it incomplete: the requester is asked for the missing pieces by a
deadline, and the delay of the decision waits for them.

Incompleteness is a flag with its dates, not a stage: it is a legal state
that runs across the town's own workflow (a request taken in charge or in
progress may lack a piece), and the stages are the town's to rename or
archive. The "Waiting for the requester" stage keeps its own meaning
(routing closes requests left waiting too long, which must never happen to
an incomplete request: only an express decision ends it).
"""

from datetime import datetime, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    implicit_decision = fields.Selection(related="category_id.implicit_decision")
    date_implicit_decision = fields.Date(
        string="Decision by Silence on",
        compute="_compute_date_implicit_decision",
        store=True,
        # computed before the INSERT, from the values of the new request
        precompute=True,
        copy=False,
        help="Day on which, without an express decision, the request is "
        "deemed accepted or rejected, as its category says: the date of "
        "receipt plus the category's delay. While the request is incomplete "
        "the delay is suspended (CRPA L.114-5): an implicit acceptance has no "
        "date until the missing pieces are received; an implicit rejection "
        "is pushed back by the time given to send them.",
    )
    is_incomplete = fields.Boolean(
        string="Incomplete",
        readonly=True,
        copy=False,
        tracking=True,
        help="Pieces are missing: the requester was asked for them.",
    )
    missing_pieces = fields.Text(readonly=True, copy=False)
    date_incomplete = fields.Datetime(
        string="Pieces Asked on", readonly=True, copy=False
    )
    date_pieces_deadline = fields.Date(
        string="Pieces Expected by", readonly=True, copy=False
    )
    date_complete = fields.Datetime(
        string="Pieces Received on", readonly=True, copy=False
    )
    days_suspended = fields.Integer(
        readonly=True,
        copy=False,
        help="Days the delay of an implicit rejection was suspended for, by "
        "the missing pieces received so far.",
    )

    # ------------------------------------------------------------------
    # Date of the decision by silence
    # ------------------------------------------------------------------

    # Only the request's own values: editing a category's regime later does
    # not change the date already stated to the requesters of its category.
    @api.depends(
        "category_id",
        "date_received",
        "is_incomplete",
        "date_incomplete",
        "date_complete",
        "date_pieces_deadline",
        "days_suspended",
    )
    def _compute_date_implicit_decision(self):
        for request in self:
            regime = request.category_id.implicit_decision
            if regime == "acceptance":
                date = request._get_implicit_acceptance_date()
            elif regime == "rejection":
                date = request._get_implicit_rejection_date()
            else:
                date = False
            request.date_implicit_decision = date

    def _get_implicit_acceptance_date(self):
        """Silence is worth acceptance once the delay has run from receipt,
        or from the receipt of the missing pieces (CRPA L.114-5): no date
        while they are awaited."""
        self.ensure_one()
        if self.is_incomplete:
            return False
        start = self.date_received or fields.Datetime.now()
        if self.date_incomplete and self.date_complete:
            start = self.date_complete
        return self._add_implicit_decision_delay(self._get_local_date(start))

    def _get_implicit_rejection_date(self):
        """Silence is worth rejection once the delay has run from receipt,
        suspended while missing pieces were awaited, each time at most for
        the time given to send them (CRPA L.114-5). While they are awaited,
        the date is the latest one: that of pieces that never come."""
        self.ensure_one()
        received = self._get_local_date(self.date_received or fields.Datetime.now())
        date = self._add_implicit_decision_delay(received)
        days = self.days_suspended
        if self.is_incomplete:
            days += self._get_days_suspended_until(self.date_pieces_deadline)
        return date + timedelta(days=days)

    def _get_days_suspended_until(self, day):
        """Days of the current suspension if it ends on ``day``: from the day
        the pieces were asked to ``day``, at most to their deadline."""
        self.ensure_one()
        if not self.date_incomplete or not day:
            return 0
        if self.date_pieces_deadline:
            day = min(day, self.date_pieces_deadline)
        return max((day - self._get_local_date(self.date_incomplete)).days, 0)

    def _add_implicit_decision_delay(self, day):
        category = self.category_id
        if category.implicit_decision_delay_unit == "days":
            return day + timedelta(days=category.implicit_decision_delay)
        return day + relativedelta(months=category.implicit_decision_delay)

    def _get_local_date(self, moment):
        """Day of ``moment`` (UTC) in the town's time zone (its calendar's)."""
        self.ensure_one()
        tz = self.company_id.resource_calendar_id.tz or self.env.user.tz or "UTC"
        if not isinstance(moment, datetime):
            return moment
        return pytz.utc.localize(moment).astimezone(pytz.timezone(tz)).date()

    def _get_implicit_decision_delay_label(self):
        """The category's delay as the acknowledgement writes it: "2 months"."""
        self.ensure_one()
        category = self.category_id
        delay = category.implicit_decision_delay
        if category.implicit_decision_delay_unit == "days":
            return self.env._("%(delay)s days", delay=delay)
        if delay == 1:
            return self.env._("1 month")
        return self.env._("%(delay)s months", delay=delay)

    # ------------------------------------------------------------------
    # Incomplete requests
    # ------------------------------------------------------------------

    def action_ask_missing_pieces(self):
        """Open the form asking the requester for the missing pieces."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ask for Missing Pieces"),
            "res_model": "citizen.request.missing.pieces",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def _ask_missing_pieces(self, missing_pieces, date_pieces_deadline):
        """Mark the requests incomplete and ask their requesters, by email,
        for ``missing_pieces`` by ``date_pieces_deadline``: the delay of the
        decision by silence waits for them (CRPA L.114-5)."""
        if self.filtered("is_closed"):
            raise UserError(self.env._("A closed request cannot be incomplete."))
        self.write(
            {
                "is_incomplete": True,
                "missing_pieces": missing_pieces,
                "date_pieces_deadline": date_pieces_deadline,
                "date_incomplete": fields.Datetime.now(),
                "date_complete": False,
            }
        )
        template = self._ref("citizen_relation.mail_template_request_incomplete")
        for request in self:
            request._send_requester_email(template)
        return True

    def action_pieces_received(self):
        """The missing pieces came: the request is complete, the delay runs
        again and the requester is told the new date."""
        now = fields.Datetime.now()
        template = self._ref("citizen_relation.mail_template_request_complete")
        for request in self.filtered("is_incomplete"):
            suspended = request._get_days_suspended_until(request._get_local_date(now))
            request.write(
                {
                    "is_incomplete": False,
                    "date_complete": now,
                    "days_suspended": request.days_suspended + suspended,
                }
            )
            request._send_requester_email(template)
        return True

    def _send_requester_email(self, template):
        """Email ``template`` to the requester, written by the town, kept on
        the request and shown on the citizen's page."""
        self.ensure_one()
        if not template:
            return
        # As for the acknowledgement: the requester is told even when they
        # are the current user.
        is_requester = self.env.user.partner_id == self.partner_id
        self.with_context(mail_notify_author=is_requester).message_post_with_source(
            template,
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
            **self._get_acknowledgement_author(),
        )
