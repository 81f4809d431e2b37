from odoo import api, models


class CitizenRequest(models.Model):
    _inherit = "citizen.request"

    @api.model
    def _get_public_form_fields(self):
        # the id of the address suggestion picked, checked when created
        return [*super()._get_public_form_fields(), "ban_id"]
