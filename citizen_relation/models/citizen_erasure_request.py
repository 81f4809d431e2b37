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
    once, with every copy made of them; open requests are still needed for
    the task in the public interest. Once none is open, the erasure is
    completed: the person's contact is anonymised in place (so this register
    keeps its link) and their portal account closed."""

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
    date_completed = fields.Datetime(
        string="Contact Anonymised on",
        readonly=True,
        copy=False,
        help="When the person's contact was anonymised, once none of their "
        "requests was open any more. Until then, the scheduled anonymisation "
        "anonymises their requests as soon as they are closed.",
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
        until they are closed. With no open request left, the erasure is
        completed at once (:meth:`_complete`)."""
        self._check_decidable()
        for erasure in self:
            requests = erasure._get_requests()
            closed = requests.filtered("is_closed")
            closed._anonymize(self.env._("Erasure request of the requester accepted."))
            still_open = requests - closed
            note = erasure.decision_note or ""
            if still_open:
                note = erasure._add_note(
                    note,
                    self.env._(
                        "%(count)s open requests are kept while they are "
                        "handled (task in the public interest).",
                        count=len(still_open),
                    ),
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
                "erasure_accepted", erasure, details=erasure._get_audit_details()
            )
            if not still_open:
                erasure._complete()
        return True

    @api.model
    def _add_note(self, note, line):
        return f"{note}\n{line}" if note else line

    def _get_audit_details(self):
        """What the audit log says of the decision: figures and the reason
        of a refusal, never the free-text note (it may name the person)."""
        self.ensure_one()
        if self.state == "refused":
            return dict(
                self._fields["refusal_reason"]._description_selection(self.env)
            ).get(self.refusal_reason, "")
        return self.env._(
            "%(count)s closed requests anonymised.", count=self.anonymized_count
        )

    @api.model
    def _complete_accepted_erasures(self):
        """Run by the scheduled anonymisation: the requests of an accepted
        erasure that were open when it was decided are anonymised once
        closed, and the erasure is completed when none is open any more."""
        erasures = self.search(
            [("state", "=", "accepted"), ("date_completed", "=", False)]
        )
        reason = self.env._("Erasure request of the requester accepted.")
        for erasure in erasures:
            requests = erasure._get_requests()
            closed = requests.filtered("is_closed")
            if closed:
                closed._anonymize(reason)
                erasure.anonymized_count += len(closed)
            if requests == closed:
                erasure._complete()
        return erasures.filtered("date_completed")

    def _complete(self):
        """None of the person's requests is open any more: their portal
        account is closed, as Odoo closes an account its owner deletes, and
        their contact anonymised in place and archived (the register keeps
        its link). A staff member's account and contact are never touched."""
        self.ensure_one()
        lines = []
        if self.partner_id.user_ids.filtered(lambda u: not u.share):
            lines.append(
                self.env._("The contact belongs to a staff account and is kept.")
            )
        else:
            if self._close_portal_accounts():
                lines.append(self.env._("The portal account was closed."))
            self._anonymize_person()
            lines.append(self.env._("The contact was anonymised and archived."))
        note = self.decision_note or ""
        for line in lines:
            note = self._add_note(note, line)
        self.write({"date_completed": fields.Datetime.now(), "decision_note": note})

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

    def _get_person_anonymization_values(self):
        """Values written on the person's contact to erase it. Extend it to
        erase more fields (those of other apps)."""
        values = {
            "name": self.env._("Anonymised person"),
            "active": False,
        }
        for name in (
            "email",
            "phone",
            "mobile",
            "street",
            "street2",
            "zip",
            "city",
            "state_id",
            "website",
            "comment",
            "function",
            "title",
            "vat",
            "ref",
            "company_name",
            "image_1920",
            # an address waiting for its owner's confirmation (portal)
            "citizen_pending_email",
        ):
            if name in self.partner_id._fields:
                values[name] = False
        return values

    def _anonymize_person(self):
        """Erase the person's contact in place, the history of its changes
        included, and the names the audit log kept of them."""
        self.ensure_one()
        # sudo: the manager deciding may not manage contacts; only the
        # contact of this erasure request is written.
        partner = self.partner_id.sudo()
        names = [partner.name, partner.email, partner.phone, partner.mobile]
        values = self._get_person_anonymization_values()
        # untracked: the change must not keep the old values in a message
        partner.with_context(tracking_disable=True).write(values)
        Request = self.env["citizen.request"]
        Request._erase_tracking_values(
            partner, [*values, "contact_address_inline", "email_normalized"]
        )
        self.env["citizen.audit.log"]._forget_person(partner, names)
        self.env["citizen.audit.log"]._log(
            "anonymisation",
            partner,
            details=self.env._("Contact anonymised (erasure request accepted)."),
        )

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
            self.env["citizen.audit.log"]._log(
                "erasure_refused", erasure, details=erasure._get_audit_details()
            )
        return True
