import base64
import json

from odoo import api, fields, models, tools


class CitizenPersonalDataExport(models.TransientModel):
    """Export of everything the citizen relation holds on a person (right of
    access). The file lives in the transient record, read by its creator
    only, until the record is vacuumed."""

    _name = "citizen.personal.data.export"
    _description = "Personal Data Export"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade")
    data = fields.Binary(string="File", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    def action_export(self):
        """Build the JSON file, log the export and download the file."""
        self.ensure_one()
        content = self._get_personal_data()
        self.write(
            {
                "data": base64.b64encode(
                    json.dumps(content, ensure_ascii=False, indent=2).encode()
                ),
                "file_name": f"personal-data-{self.partner_id.id}.json",
            }
        )
        self.env["citizen.audit.log"]._log(
            "export",
            self.partner_id,
            details=self.env._(
                "%(requests)s requests and %(messages)s messages exported.",
                requests=len(content["requests"]),
                messages=sum(len(r["messages"]) for r in content["requests"])
                + len(content["messages_elsewhere"]),
            ),
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/data/{self.file_name}"
            "?download=true",
            "target": "self",
        }

    def _get_personal_data(self):
        """Everything held on the person, as a dict ready for JSON: identity,
        requests with their messages and the metadata of their attachments,
        messages they wrote elsewhere, ratings. Managers only."""
        self.ensure_one()
        self.env["citizen.request"]._check_personal_data_access()
        return self._collect_personal_data(self.partner_id)

    @api.model
    def _collect_personal_data(self, partner, public_only=False):
        """The export on ``partner`` itself, without access check: callers
        check first.

        :param bool public_only: for a person who downloads their own data
            from the portal: the requests of their account (not those of an
            address they did not confirm), without the agents' internal notes
            nor their files
        """
        Request = self.env["citizen.request"]
        # sudo: the callers checked the access; the export must be complete,
        # whoever the requests are assigned to.
        partner = partner.sudo()
        requests = (
            Request._get_requests_of_account(partner)
            if public_only
            else Request._get_requests_held_on(partner)
        )
        messages = self._find_exported_messages(partner, requests, public_only)
        attachments = self._find_exported_attachments(requests, messages, public_only)
        request_ids = set(requests.ids)
        return {
            "generated_on": fields.Datetime.to_string(fields.Datetime.now()),
            "data_controller": self.env.company.name,
            "person": self._get_exported_person(partner),
            "requests": self._get_exported_requests(requests, messages, attachments),
            "messages_elsewhere": [
                Request._get_export_message_values(message)
                for message in messages.filtered(
                    lambda m: m.model != Request._name or m.res_id not in request_ids
                )
            ],
            "ratings": self._get_exported_ratings(partner),
        }

    @api.model
    def _find_exported_messages(self, partner, requests, public_only):
        """The messages of the requests, and those the person wrote anywhere;
        for the portal, only what the portal shows of a thread."""
        domain = [
            "|",
            "&",
            ("model", "=", "citizen.request"),
            ("res_id", "in", requests.ids),
            ("author_id", "=", partner.id),
        ]
        if public_only:
            # What the portal shows of a thread: no internal note.
            domain = [
                *domain,
                ("is_internal", "=", False),
                ("subtype_id", "!=", False),
                ("subtype_id.internal", "=", False),
            ]
        # sudo: see _collect_personal_data
        return self.env["mail.message"].sudo().search(domain, order="date, id")

    @api.model
    def _find_exported_attachments(self, requests, messages, public_only):
        """The files of the messages exported and, but for the portal, every
        file of the requests, those of internal notes included."""
        attachments = messages.attachment_ids
        if public_only:
            return attachments
        # sudo: see _collect_personal_data
        return attachments | (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [("res_model", "=", "citizen.request"), ("res_id", "in", requests.ids)],
                order="id",
            )
        )

    @api.model
    def _get_exported_person(self, partner):
        return {
            "name": partner.name,
            "email": partner.email or "",
            "phone": partner.phone or "",
            "mobile": partner.mobile or "",
            "street": partner.street or "",
            "zip": partner.zip or "",
            "city": partner.city or "",
            "created_on": fields.Datetime.to_string(partner.create_date),
        }

    @api.model
    def _get_exported_requests(self, requests, messages, attachments):
        """Each request with its own messages and files, sorted out once."""
        messages_by_record = messages.grouped(lambda m: (m.model, m.res_id))
        attachments_by_record = attachments.grouped(lambda a: (a.res_model, a.res_id))
        no_message = self.env["mail.message"]
        no_attachment = self.env["ir.attachment"]
        return [
            request._get_export_values(
                messages_by_record.get((request._name, request.id), no_message),
                attachments_by_record.get((request._name, request.id), no_attachment),
            )
            for request in requests
        ]

    @api.model
    def _get_exported_ratings(self, partner):
        # sudo: see _collect_personal_data
        ratings = (
            self.env["rating.rating"]
            .sudo()
            .search(
                [("partner_id", "=", partner.id), ("consumed", "=", True)], order="id"
            )
        )
        return [
            {
                "request": rating.res_name,
                "rating": rating.rating,
                "feedback": tools.html2plaintext(rating.feedback or ""),
                "date": fields.Datetime.to_string(rating.write_date),
            }
            for rating in ratings
        ]
