import re

from odoo import api, fields, models

# What replaces a name found in the details of an entry being cleaned.
ERASED = "[…]"
# Shorter strings are not looked for: they would match ordinary words.
MIN_ERASED_LENGTH = 3


class CitizenAuditLog(models.Model):
    """Who did what, and when, on personal data: anonymisations, exports,
    erasure decisions. Entries are written by the code only: managers read
    them, nobody has the right to change or delete them.

    An entry records references and ids, never a person's name: the
    reference of a request, or the model and id of anything else (a
    contact's or an erasure request's name is the person's). When an
    erasure anonymises a contact, the entries about that person are cleaned
    of what older versions wrote of them (:meth:`_forget_person`).
    """

    _name = "citizen.audit.log"
    _description = "Citizen Relation Audit Log"
    _order = "date desc, id desc"
    _rec_name = "action"

    date = fields.Datetime(
        required=True, readonly=True, default=fields.Datetime.now, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        readonly=True,
        default=lambda self: self.env.user,
        ondelete="set null",
    )
    action = fields.Selection(
        [
            ("anonymisation", "Anonymisation"),
            ("export", "Personal Data Export"),
            ("erasure_accepted", "Erasure Accepted"),
            ("erasure_refused", "Erasure Refused"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    res_model = fields.Char(string="Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", readonly=True
    )
    reference = fields.Char(readonly=True, help="Reference of the record.")
    details = fields.Text(readonly=True)
    company_id = fields.Many2one(
        "res.company", readonly=True, default=lambda self: self.env.company
    )

    @api.model
    def _log(self, action, records=None, details=None, references=None):
        """Write one entry per record (or a single entry without record).

        :param str action: one of the ``action`` selection values
        :param records: the records concerned (any model), or None
        :param str details: what was done, in plain text, naming nobody
        :param dict references: {record id: reference} to record instead of
            :meth:`_get_reference`
        """
        references = references or {}
        if not records:
            values = [{"action": action, "details": details}]
        else:
            values = [
                {
                    "action": action,
                    "res_model": record._name,
                    "res_id": record.id,
                    "reference": references.get(record.id)
                    or self._get_reference(record),
                    "details": details,
                    "company_id": (
                        record.company_id.id
                        if "company_id" in record._fields and record.company_id
                        else self.env.company.id
                    ),
                }
                for record in records
            ]
        # sudo: nobody may write the log by hand; entries come from here only.
        return self.sudo().create(values)

    @api.model
    def _get_reference(self, record):
        """What identifies ``record`` in the log without naming anybody: the
        reference of a citizen request, the model and id of any other record
        (a contact's name, or an erasure request's, is the person's).
        Extension hook for models with a reference of their own."""
        if record._name == "citizen.request":
            return record.name
        return f"{record._name},{record.id}"

    @api.model
    def _forget_person(self, partner, names):
        """Clean the entries about ``partner`` (their exports, their erasure
        requests) of ``names`` (the person's name, email...), which versions
        before 18.0.1.3.0 wrote as reference or in the details. Called when
        the person's contact is anonymised."""
        erasures = (
            self.env["citizen.erasure.request"]
            .sudo()
            .with_context(active_test=False)
            .search([("partner_id", "=", partner.id)])
        )
        entries = self.sudo().search(
            [
                "|",
                "&",
                ("res_model", "=", "res.partner"),
                ("res_id", "=", partner.id),
                "&",
                ("res_model", "=", "citizen.erasure.request"),
                ("res_id", "in", erasures.ids),
            ]
        )
        patterns = [
            re.compile(re.escape(name), re.IGNORECASE)
            for name in {name.strip() for name in names if name}
            if len(name) >= MIN_ERASED_LENGTH
        ]
        for entry in entries:
            details = entry.details or ""
            for pattern in patterns:
                details = pattern.sub(ERASED, details)
            # the log is read-only for everyone: only the code cleans it
            entry.write(
                {
                    "reference": f"{entry.res_model},{entry.res_id}",
                    "details": details or False,
                }
            )
        return entries
