from odoo import fields, models


class IrUiView(models.Model):
    _inherit = "ir.ui.view"

    type = fields.Selection(
        selection_add=[("citizen_map", "Map")],
        ondelete={"citizen_map": "cascade"},
    )

    def _get_view_info(self):
        return {"citizen_map": {"icon": "fa fa-map-marker"}} | super()._get_view_info()
