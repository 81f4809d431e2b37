from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_date

from odoo.addons.citizen_relation.models.citizen_request_category import PRIORITIES


class CitizenRequestEscalation(models.Model):
    """One line per breach: a request late on its deadline, not acknowledged
    in time, or waiting too long for its requester. The unique constraint on
    the breach makes the escalation job safe to run again."""

    _name = "citizen.request.escalation"
    _inherit = ["citizen.request.history"]
    _description = "Citizen Request Escalation"
    _order = "date desc, id desc"

    request_id = fields.Many2one(
        "citizen.request", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    kind = fields.Selection(
        [
            ("deadline", "Deadline missed"),
            ("acknowledgement", "Not acknowledged in time"),
            ("waiting_reminder", "Requester reminded"),
            ("waiting_close", "Closed without answer"),
        ],
        required=True,
    )
    breach_date = fields.Date(
        required=True,
        help="Date the breach refers to: the missed deadline, the date the "
        "request was received or the date it started waiting.",
    )
    date = fields.Datetime(string="Escalated on", default=fields.Datetime.now)
    team_id = fields.Many2one("citizen.team")
    leader_id = fields.Many2one("res.users", string="Team Leader Notified")
    old_priority = fields.Selection(PRIORITIES)
    new_priority = fields.Selection(PRIORITIES)

    _sql_constraints = [
        (
            "breach_uniq",
            "unique (request_id, kind, breach_date)",
            "A breach is escalated once.",
        ),
    ]


class CitizenRequest(models.Model):
    """The job that records the breaches above and acts on the requests."""

    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------

    @api.model
    def _cron_escalate(self):
        """Escalate late and unacknowledged requests, then deal with those
        waiting too long for their requester. Each breach is handled once,
        however often the job runs."""
        self._escalate_missed_deadlines()
        self._escalate_missing_acknowledgements()
        self._process_waiting_requests()
        return True

    def _get_escalated_breaches(self, *kinds):
        escalations = self.env["citizen.request.escalation"].search(
            [("request_id", "in", self.ids), ("kind", "in", kinds)]
        )
        return {(e.request_id.id, e.breach_date) for e in escalations}

    @api.model
    def _escalate_missed_deadlines(self):
        today = fields.Date.context_today(self)
        late = self.search([("is_closed", "=", False), ("date_deadline", "<", today)])
        done = late._get_escalated_breaches("deadline")
        for request in late:
            if (request.id, request.date_deadline) not in done:
                env = request._get_staff_env()
                request._escalate(
                    "deadline",
                    request.date_deadline,
                    env._(
                        "The request %(reference)s missed its deadline of "
                        "%(deadline)s.",
                        reference=request.name,
                        deadline=format_date(env, request.date_deadline),
                    ),
                )

    @api.model
    def _escalate_missing_acknowledgements(self):
        now = fields.Datetime.now()
        candidates = self.search(
            [
                ("is_closed", "=", False),
                ("date_acknowledged", "=", False),
                ("team_id.acknowledgement_days", ">", 0),
            ]
        )
        done = candidates._get_escalated_breaches("acknowledgement")
        for request in candidates:
            received = request.date_received
            if (request.id, received.date()) in done:
                continue
            if request._get_acknowledgement_limit() < now:
                env = request._get_staff_env()
                request._escalate(
                    "acknowledgement",
                    received.date(),
                    env._(
                        "The request %(reference)s, received on %(date)s, is "
                        "still not acknowledged.",
                        reference=request.name,
                        date=format_date(env, received.date()),
                    ),
                )

    def _get_staff_env(self):
        """Environment in the language of the staff told about the request:
        its team leader's, else its company's. Scheduled actions run with no
        language of their own, and would otherwise write in English."""
        self.ensure_one()
        lang = self._get_user_lang(self.team_id.leader_id)
        return self.with_context(lang=lang).env

    def _get_acknowledgement_limit(self):
        """Moment after which the request counts as not acknowledged in time:
        the team's delay in working days of its calendar, counted as the
        deadline is."""
        self.ensure_one()
        team = self.team_id
        calendar = team.resource_calendar_id or self.company_id.resource_calendar_id
        days = team.acknowledgement_days
        limit = calendar._citizen_add_working_days(self.date_received, days)
        return limit or self.date_received + timedelta(days=days)

    def _escalate(self, kind, breach_date, message):
        """Record the breach, raise the priority one step and notify the team
        leader (an internal note: the requester is not told)."""
        self.ensure_one()
        leader = self.team_id.leader_id
        old_priority = self.priority or "0"
        new_priority = str(min(int(old_priority) + 1, 3))
        self.env["citizen.request.escalation"].create(
            {
                "request_id": self.id,
                "kind": kind,
                "breach_date": breach_date,
                "team_id": self.team_id.id,
                "leader_id": leader.id,
                "old_priority": old_priority,
                "new_priority": new_priority,
            }
        )
        if new_priority != old_priority:
            self.priority = new_priority
        self.message_post(
            body=message,
            subtype_xmlid="mail.mt_note",
            partner_ids=leader.partner_id.ids,
        )

    @api.model
    def _process_waiting_requests(self):
        waiting_stage = self._get_waiting_stage()
        if not waiting_stage:
            return
        now = fields.Datetime.now()
        requests = self.search(
            [
                ("stage_id", "=", waiting_stage.id),
                ("date_waiting", "!=", False),
                ("category_id.waiting_days", ">", 0),
            ]
        )
        done = requests._get_escalated_breaches("waiting_reminder", "waiting_close")
        template = self.env.ref(
            "citizen_relation_routing.mail_template_request_waiting_reminder",
            raise_if_not_found=False,
        )
        for request in requests:
            category = request.category_id
            breach = request.date_waiting.date()
            if (request.id, breach) in done:
                continue
            if request.date_waiting + timedelta(days=category.waiting_days) > now:
                continue
            request._end_long_wait(breach, template)

    def _end_long_wait(self, breach, template):
        """The request waited for its requester longer than its category
        allows since ``breach``: record it, then close the request or remind
        the requester with ``template``, as the category says."""
        self.ensure_one()
        closing = self.category_id.waiting_action == "close"
        self.env["citizen.request.escalation"].create(
            {
                "request_id": self.id,
                "kind": "waiting_close" if closing else "waiting_reminder",
                "breach_date": breach,
                "team_id": self.team_id.id,
            }
        )
        if closing:
            env = self._get_staff_env()
            self.message_post(
                body=env._(
                    "Closed: no answer from the requester since %(date)s.",
                    date=format_date(env, breach),
                ),
                subtype_xmlid="mail.mt_note",
            )
            self.action_close()
        elif template:
            self.message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )
