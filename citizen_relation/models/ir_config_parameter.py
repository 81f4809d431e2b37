import logging

from odoo import api, models

from .mail_thread import LOOP_PARAMETERS

_logger = logging.getLogger(__name__)


class IrConfigParameter(models.Model):
    _inherit = "ir.config_parameter"

    @api.model
    def get_param(self, key, default=False):
        value = super().get_param(key, default=default)
        if key in LOOP_PARAMETERS and value not in (False, None):
            try:
                int(value)
            except (TypeError, ValueError):
                _logger.warning(
                    "System parameter %s is not a whole number (%r): "
                    "the default %s is used",
                    key,
                    value,
                    LOOP_PARAMETERS[key],
                )
                return LOOP_PARAMETERS[key]
        return value
