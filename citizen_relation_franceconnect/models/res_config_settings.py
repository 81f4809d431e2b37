from odoo import fields, models

from .citizen_franceconnect import ENVIRONMENT_URLS, PARAM_PREFIX


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    citizen_franceconnect_client_id = fields.Char(
        string="FranceConnect Client ID",
        config_parameter=f"{PARAM_PREFIX}client_id",
        help="Client ID given by FranceConnect when the service was declared "
        "on its partner space.",
    )
    citizen_franceconnect_client_secret = fields.Char(
        string="FranceConnect Client Secret",
        config_parameter=f"{PARAM_PREFIX}client_secret",
        help="Secret given with the client ID; keep it private.",
    )
    citizen_franceconnect_environment = fields.Selection(
        [
            ("integration", "Integration (tests)"),
            ("production", "Production"),
            ("custom", "Other address"),
        ],
        string="FranceConnect Environment",
        config_parameter=f"{PARAM_PREFIX}environment",
        default="integration",
        help=f"Integration: {ENVIRONMENT_URLS['integration']}. "
        f"Production: {ENVIRONMENT_URLS['production']}.",
    )
    citizen_franceconnect_provider_url = fields.Char(
        string="FranceConnect Address",
        config_parameter=f"{PARAM_PREFIX}provider_url",
        help="Base address of another FranceConnect v2 environment (its issuer, "
        "ending with /api/v2).",
    )
