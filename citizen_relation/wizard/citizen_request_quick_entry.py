from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class CitizenRequestQuickEntry(models.TransientModel):
    """Fast entry of a request taken at the counter or on the phone."""

    _name = "citizen.request.quick.entry"
    _description = "Counter and Phone Request Entry"

    channel = fields.Selection(
        [("counter", "Counter"), ("phone", "Phone")],
        required=True,
        default="counter",
    )
    search_term = fields.Char(
        string="Find Citizen", help="Name, email or phone number of the citizen."
    )
    partner_id = fields.Many2one("res.partner", string="Citizen")
    candidate_ids = fields.Many2many(
        "res.partner", compute="_compute_candidate_ids", string="Matching Citizens"
    )
    contact_name = fields.Char(string="Name")
    contact_email = fields.Char(string="Email")
    contact_phone = fields.Char(string="Phone")
    category_id = fields.Many2one("citizen.request.category", required=True)
    title = fields.Char(required=True)
    description = fields.Html()
    street = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    district = fields.Char()
    request_id = fields.Many2one("citizen.request", readonly=True)

    @api.depends("search_term")
    def _compute_candidate_ids(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            term = (wizard.search_term or "").strip()
            if len(term) < 3:
                wizard.candidate_ids = Partner
                continue
            domain = [
                "|",
                "|",
                ("name", "ilike", term),
                ("email", "ilike", term),
                ("phone", "ilike", term),
            ]
            # a number however it is written, on the partners' indexed keys
            phone_domain = Partner._get_citizen_phone_search_domain(term)
            if phone_domain:
                domain = expression.OR([domain, phone_domain])
            wizard.candidate_ids = Partner.search(domain, limit=10)

    @api.onchange("candidate_ids")
    def _onchange_candidate_ids(self):
        if len(self.candidate_ids) == 1 and not self.partner_id:
            self.partner_id = self.candidate_ids

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.contact_name = self.partner_id.name
            self.contact_email = self.partner_id.email
            self.contact_phone = self.partner_id.phone or self.partner_id.mobile
            self.street = self.street or self.partner_id.street
            self.zip = self.zip or self.partner_id.zip
            self.city = self.city or self.partner_id.city

    def _prepare_request_values(self):
        self.ensure_one()
        return {
            "channel": self.channel,
            "partner_id": self.partner_id.id,
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "contact_phone": self.contact_phone,
            "category_id": self.category_id.id,
            "title": self.title,
            "description": self.description,
            "street": self.street,
            "zip": self.zip,
            "city": self.city,
            "district": self.district,
        }

    def _create_request(self):
        self.ensure_one()
        if not (self.partner_id or self.contact_name or self.contact_phone):
            raise UserError(
                self.env._("Find the citizen or enter at least their name or phone.")
            )
        if not self.request_id:
            self.request_id = self.env["citizen.request"].create(
                self._prepare_request_values()
            )
        return self.request_id

    def action_create(self):
        """Create the request and show its reference at once."""
        self._create_request()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": self.env.context,
        }

    def action_print_receipt(self):
        return self._create_request().action_print_receipt()

    def action_open_request(self):
        request = self._create_request()
        return {
            "type": "ir.actions.act_window",
            "res_model": "citizen.request",
            "res_id": request.id,
            "view_mode": "form",
        }
