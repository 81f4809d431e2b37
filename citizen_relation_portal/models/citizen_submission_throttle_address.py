from odoo import api, fields, models

# at most ADDRESS_LIMIT[0] address look-ups in ADDRESS_LIMIT[1] minutes from
# one IP address (IPv6: one /64); a completion asks a few times per address
ADDRESS_LIMIT = (600, 60)


class CitizenSubmissionThrottle(models.Model):
    _inherit = "citizen.submission.throttle"

    scope = fields.Selection(
        selection_add=[("address", "Address look-ups")],
        ondelete={"address": "cascade"},
    )

    @api.model
    def _key_hash(self, scope, value):
        if scope == "address":
            # counted per visitor as the other IP scopes
            return self._digest(self._client_address_key(value))
        return super()._key_hash(scope, value)

    @api.model
    def _get_limit(self, scope):
        if scope != "address":
            return super()._get_limit(scope)
        get_param = self.env["ir.config_parameter"].sudo().get_param
        limit = []
        for index, name in enumerate(("count", "minutes")):
            value = get_param(f"citizen_relation_portal.limit_address_{name}")
            try:
                limit.append(int(value) if value else ADDRESS_LIMIT[index])
            except (TypeError, ValueError):
                limit.append(ADDRESS_LIMIT[index])
        return tuple(limit)
