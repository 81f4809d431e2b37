from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    citizen_duplicate_days = fields.Integer(
        string="Duplicates: How Recent (days)",
        config_parameter="citizen_relation.duplicate_days",
        default=30,
    )
    citizen_duplicate_distance = fields.Integer(
        string="Duplicates: Distance (meters)",
        config_parameter="citizen_relation.duplicate_distance",
        default=100,
    )
    citizen_resource_calendar_id = fields.Many2one(
        related="company_id.resource_calendar_id",
        readonly=False,
        string="Working Calendar for Deadlines",
    )
    citizen_monavis_url = fields.Char(
        related="company_id.citizen_monavis_url", readonly=False
    )
