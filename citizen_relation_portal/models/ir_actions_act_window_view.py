from odoo import fields, models


class IrActionsActWindowView(models.Model):
    _inherit = "ir.actions.act_window.view"

    view_mode = fields.Selection(
        selection_add=[("citizen_map", "Map")],
        ondelete={"citizen_map": "cascade"},
    )
