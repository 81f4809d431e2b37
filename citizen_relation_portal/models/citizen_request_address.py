from odoo import api, models


class CitizenRequest(models.Model):
    # one class per concern, in its own file (see models/__init__.py)
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_public_form_fields(self):
        # the id of the address suggestion picked, checked when created
        return [*super()._get_public_form_fields(), "ban_id"]

    @api.model
    def _get_portal_location_fields(self):
        """What a requester may write from the portal when they give the
        place of their request: the address and what locating it finds."""
        return {
            "street",
            "zip",
            "city",
            "ban_id",
            "ban_label",
            "housenumber",
            "citycode",
            "latitude",
            "longitude",
            "location_state",
        }
