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
    citizen_ban_url = fields.Char(
        string="Address Service URL",
        config_parameter="citizen_relation.ban_url",
        help="Base URL of the Base Adresse Nationale: the IGN Géoplateforme "
        "https://data.geopf.fr/geocodage by default; "
        "https://api-adresse.data.gouv.fr or a self-hosted addok answer the same "
        "/search and /reverse paths. Empty: addresses are not geocoded.",
    )
    citizen_ban_citycodes = fields.Char(
        string="Town INSEE Codes",
        config_parameter="citizen_relation.ban_citycodes",
        help="INSEE code(s) of the town, comma-separated (e.g. 44109, or several "
        "for a merged town). Suggestions are limited to them and addresses "
        "elsewhere are refused. Empty: any town.",
    )
    citizen_ban_timeout = fields.Float(
        string="Address Service Timeout (seconds)",
        config_parameter="citizen_relation.ban_timeout",
        default=2.0,
    )
    citizen_ban_min_score = fields.Float(
        string="Address Minimum Score",
        config_parameter="citizen_relation.ban_min_score",
        default=0.5,
        help="A typed address is located when the service's best answer scores "
        "at least this much (0 to 1); otherwise it is kept as typed, unconfirmed.",
    )
    citizen_monavis_url = fields.Char(
        related="company_id.citizen_monavis_url", readonly=False
    )
