from odoo import api, fields, models


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

    @api.model
    def _get_public_form_fields(self):
        """Fields a visitor may fill on the public form and the open APIs.

        Everything else posted (stage, assignee, requester, company...) is
        ignored. Integrators adding a field to the form extend this list.
        """
        return [
            "title",
            "description",
            "category_id",
            "street",
            "zip",
            "city",
            "district",
            "latitude",
            "longitude",
            "contact_name",
            "contact_email",
            "contact_phone",
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

    def _portal_close_by_requester(self):
        """Close the request at its requester's demand, saying so in the chatter."""
        for req in self.filtered(lambda r: not r.is_closed):
            req.action_close()
            req.message_post(
                body=self.env._("The requester closed this request online."),
                subtype_xmlid="mail.mt_note",
            )
