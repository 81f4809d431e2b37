from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    citizen_nearby_distance = fields.Integer(
        string="Already reported within (m)",
        default=50,
        config_parameter="citizen_relation.nearby_distance",
        help="While a resident fills in the form, open requests of the same "
        "category reported within this distance, and as recent as duplicates, "
        "are offered to follow instead.",
    )
