from odoo import fields, models


class CitizenRequest(models.Model):
    _inherit = "citizen.request"

    partner_franceconnect_verified = fields.Boolean(
        string="Requester Identity Verified",
        related="partner_id.franceconnect_verified",
        help="The requester signed in with FranceConnect: their identity was "
        "certified by it.",
    )
    partner_franceconnect_given_name = fields.Char(
        related="partner_id.franceconnect_given_name",
    )
    partner_franceconnect_family_name = fields.Char(
        related="partner_id.franceconnect_family_name",
    )
