from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

REFUSAL_REASONS = [
    ("public_interest", "Task in the public interest (open request)"),
    ("legal_obligation", "Legal obligation"),
    ("legal_claims", "Legal claims"),
    ("archives", "Archiving in the public interest"),
    ("other", "Other"),
]


class CitizenErasureRequest(models.Model):
    """A person's request to erase their data (RGPD art. 17) and the
    decision taken on it. Accepting anonymises their closed requests at
    once; open requests are still needed for the task in the public
    interest and follow their retention period."""

    _name = "citizen.erasure.request"
    _description = "Personal Data Erasure Request"
    _order = "date_received desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, index=True
    )
    date_received = fields.Date(
        string="Received on", required=True, default=fields.Date.context_today
    )
    date_deadline = fields.Date(
        string="Answer Before",
        compute="_compute_date_deadline",
        store=True,
        help="One month after receipt (RGPD art. 12).",
    )
    state = fields.Selection(
        [("new", "To Decide"), ("accepted", "Accepted"), ("refused", "Refused")],
        default="new",
        required=True,
        readonly=True,
        copy=False,
    )
    refusal_reason = fields.Selection(REFUSAL_REASONS)
    decision_note = fields.Text()
    decision_date = fields.Datetime(readonly=True, copy=False)
    decision_user_id = fields.Many2one(
        "res.users", string="Decided by", readonly=True, copy=False
    )
    anonymized_count = fields.Integer(
        string="Requests Anonymised", readonly=True, copy=False
    )
    open_request_count = fields.Integer(
        string="Open Requests", compute="_compute_request_counts"
    )
    closed_request_count = fields.Integer(
        string="Closed Requests", compute="_compute_request_counts"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.depends("date_received")
    def _compute_date_deadline(self):
        for erasure in self:
            erasure.date_deadline = erasure.date_received + relativedelta(months=1)

    @api.depends("partner_id")
    def _compute_request_counts(self):
        for erasure in self:
            requests = erasure._get_requests()
            closed = requests.filtered("is_closed")
            erasure.closed_request_count = len(closed)
            erasure.open_request_count = len(requests - closed)

    @api.depends("partner_id", "date_received")
    def _compute_display_name(self):
        for erasure in self:
            erasure.display_name = self.env._(
                "Erasure request of %(person)s",
                person=erasure.partner_id.display_name or "",
            )

    def _get_requests(self):
        self.ensure_one()
        if not self.partner_id:
            return self.env["citizen.request"]
        return (
            self.env["citizen.request"]
            ._get_requests_held_on(self.partner_id)
            .filtered(lambda r: not r.is_anonymized)
        )

    def _check_decidable(self):
        self.env["citizen.request"]._check_personal_data_access()
        if self.filtered(lambda e: e.state != "new"):
            raise UserError(self.env._("This erasure request is already decided."))

    def action_accept(self):
        """Anonymise the person's closed requests now; the open ones stay
        until they are closed and their retention period is over. With no
        open request left, the person's portal account is closed too."""
        self._check_decidable()
        for erasure in self:
            requests = erasure._get_requests()
            closed = requests.filtered("is_closed")
            closed._anonymize(self.env._("Erasure request of the requester accepted."))
            note = erasure.decision_note or ""
            if requests - closed:
                note = (
                    note
                    + ("\n" if note else "")
                    + self.env._(
                        "%(count)s open requests are kept while they are "
                        "handled (task in the public interest).",
                        count=len(requests - closed),
                    )
                )
            elif erasure._close_portal_accounts():
                note = (
                    note
                    + ("\n" if note else "")
                    + self.env._("The portal account was closed.")
                )
            erasure.write(
                {
                    "state": "accepted",
                    "decision_date": fields.Datetime.now(),
                    "decision_user_id": self.env.uid,
                    "anonymized_count": len(closed),
                    "decision_note": note,
                }
            )
            self.env["citizen.audit.log"]._log(
                "erasure_accepted",
                erasure,
                details=self.env._(
                    "%(count)s closed requests anonymised. %(note)s",
                    count=len(closed),
                    note=note,
                ),
            )
        return True

    def _close_portal_accounts(self):
        """Close the portal accounts of the person, no longer needed once
        none of their requests is open: as Odoo closes an account its owner
        deletes (archived, login and password removed, deleted by the
        scheduler when nothing else holds it). Staff accounts are never
        touched. Returns the accounts closed."""
        self.ensure_one()
        users = self.partner_id.user_ids.filtered("share")
        if users:
            # sudo: the manager deciding may not manage users.
            users.sudo()._deactivate_portal_user()
        return users

    def action_refuse(self):
        """Refuse the erasure; the reason is required and logged."""
        self._check_decidable()
        for erasure in self:
            if not erasure.refusal_reason:
                raise UserError(
                    self.env._("Give the reason of the refusal before refusing.")
                )
            erasure.write(
                {
                    "state": "refused",
                    "decision_date": fields.Datetime.now(),
                    "decision_user_id": self.env.uid,
                }
            )
            reason = dict(
                self._fields["refusal_reason"]._description_selection(self.env)
            )[erasure.refusal_reason]
            self.env["citizen.audit.log"]._log(
                "erasure_refused",
                erasure,
                details=f"{reason}. {erasure.decision_note or ''}".strip(),
            )
        return True
