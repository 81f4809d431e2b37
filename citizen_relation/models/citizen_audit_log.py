from odoo import api, fields, models


class CitizenAuditLog(models.Model):
    """Who did what, and when, on personal data: anonymisations, exports,
    erasure decisions. Entries are written by the code only: managers read
    them, nobody has the right to change or delete them."""

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
        :param str details: what was done, in plain text
        :param dict references: {record id: reference} to record instead of
            the display name (used when the name is itself personal data)
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
                    "reference": references.get(record.id, record.display_name),
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
