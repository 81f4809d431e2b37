from odoo import api, models
from odoo.exceptions import ValidationError

# Settings of Odoo's mail loop detection and their default values (those of
# mail.thread._detect_loop_sender, which reads them as whole numbers).
LOOP_PARAMETERS = {
    "mail.gateway.loop.minutes": 120,
    "mail.gateway.loop.threshold": 20,
}


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.constrains("key", "value")
    def _check_citizen_loop_parameters(self):
        """A loop setting must be a whole number: Odoo reads it for every
        incoming email, and a word there would make every email fail (the
        fetcher would take them again forever)."""
        for param in self:
            if param.key not in LOOP_PARAMETERS:
                continue
            try:
                int(param.value)
            except (TypeError, ValueError):
                raise ValidationError(
                    self.env._(
                        "The system parameter %(key)s must be a whole number "
                        "(%(default)s by default).",
                        key=param.key,
                        default=LOOP_PARAMETERS[param.key],
                    )
                ) from None
