from odoo import api, fields, models
from odoo.tools import consteq
from odoo.tools.mail import email_normalize


class CitizenRequest(models.Model):
    _inherit = "citizen.request"

    api_client_id = fields.Many2one(
        "citizen.api.client",
        string="API Client",
        readonly=True,
        index="btree_not_null",
        help="Software that filed this request through the open APIs.",
    )
    source_url = fields.Char(
        string="Source Post URL",
        readonly=True,
        help="Public address of the post or message this request comes from.",
    )
    public_description = fields.Text(
        tracking=True,
        help="What the open data (Open311) says about this request, written or "
        'approved by an agent: for instance "Pothole on the roadway, in front '
        "of the school\". Never the requester's own words, nor a name, a flat or "
        "a health detail. Empty: no description is published.",
    )
    category_publish_requests = fields.Boolean(
        related="category_id.publish_requests", string="Category Publishes Requests"
    )

    _sql_constraints = [
        (
            "api_client_source_ref_unique",
            "unique(api_client_id, source_ref)",
            "This message was already received from this client.",
        ),
    ]

    def _get_anonymization_values(self):
        # the address of a post names its author's account; the public
        # description was written about the request, it goes with it
        return {
            **super()._get_anonymization_values(),
            "source_url": False,
            "public_description": False,
        }

    def _get_public_status(self):
        """Return the status shown to the public: the stage name."""
        self.ensure_one()
        return self.stage_id.name or ""

    def _get_open311_status(self):
        self.ensure_one()
        return "closed" if self.is_closed else "open"

    @api.model
    def _find_for_tracking(self, reference, email):
        """Return the request of ``reference`` whose requester's address is
        ``email``, and that address as the request holds it; else an empty
        recordset and False.

        The caller is anyone: what they learn must not depend on the result
        (see _send_tracking_link).
        """
        email = email_normalize(email or "")
        if not reference or not email:
            return self.browse(), False
        # sudo: the visitor cannot read requests; the request found is only
        # used to email its own requester, never shown to the visitor. Each
        # company numbers its requests alike: one candidate per company.
        candidates = self.sudo().search([("name", "=", reference)])
        for candidate in candidates:
            for known in (candidate.contact_email, candidate.partner_id.email):
                if known and consteq(email, email_normalize(known) or ""):
                    return candidate, known
        return self.browse(), False

    def _get_tracking_link_template(self):
        return self._ref("citizen_relation_portal.mail_template_request_tracking_link")

    def _send_tracking_link(self, email_to):
        """Email the signed link of the request to ``email_to``, an address of
        its requester (see _find_for_tracking), and note it on the request.

        The email waits in the mail queue, which is woken up: it leaves once
        the transaction is committed.
        """
        self.ensure_one()
        template = self._get_tracking_link_template()
        if not template:
            return False
        request_sudo = self.sudo().with_company(self.company_id)
        request_sudo._portal_ensure_token()
        author = request_sudo._get_acknowledgement_author()
        email_values = {"email_to": email_to, "recipient_ids": []}
        if author.get("email_from"):
            email_values["email_from"] = author["email_from"]
        # sudo: the mail is rendered for the request's own requester and sent
        # to their address only; the visitor sees none of it
        template.sudo().send_mail(
            request_sudo.id, force_send=False, email_values=email_values
        )
        note_env = request_sudo.with_context(lang=request_sudo._get_company_lang()).env
        request_sudo._message_log(
            body=note_env._(
                "The link to follow this request was emailed to its requester,"
                " who asked for it on the website."
            ),
            author_id=author["author_id"],
        )
        mail_queue = self._ref("mail.ir_cron_mail_scheduler_action")
        if mail_queue:
            mail_queue.sudo()._trigger()
        return True

    def _portal_close_by_requester(self):
        """Close the request at its requester's demand, saying so in the chatter."""
        for req in self.filtered(lambda r: not r.is_closed):
            req.action_close()
            req.message_post(
                body=self.env._("The requester closed this request online."),
                subtype_xmlid="mail.mt_note",
            )
