from odoo import api, models

from odoo.addons.citizen_relation.models.citizen_request_public import (
    REFUSE,
    SOFTWARE_CHANNELS,
)


# The open APIs' part of the public intake rules (citizen_relation/models/
# citizen_request_public.py), in a file of its own: one concern per file.
class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_public_fields(self, channel):
        fields = super()._get_public_fields(channel)
        if channel in SOFTWARE_CHANNELS:
            fields.append("source_url")
        return fields

    @api.model
    def _get_public_field_limits(self):
        return {**super()._get_public_field_limits(), "source_url": (500, REFUSE)}

    @api.model
    def _get_public_url_fields(self):
        return super()._get_public_url_fields() + ["source_url"]
