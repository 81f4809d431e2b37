import hashlib
import secrets

from odoo import api, fields, models


class CitizenApiClient(models.Model):
    """A piece of software allowed to file requests through the open APIs.

    Each client (a mobile app, a civic tool, a social-network connector) gets
    its own key so that it can be revoked alone. Only a SHA-256 digest of the
    key is stored: the key is random and long, so a plain digest is enough to
    make a stolen database useless for calling the API.
    """

    _name = "citizen.api.client"
    _description = "API Client"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    channel = fields.Selection(
        [("api", "API"), ("social", "Social network")],
        default="api",
        required=True,
        help="Channel recorded on the requests this client files.",
    )
    allow_open311 = fields.Boolean(
        string="Open311", default=True, help="May file requests through Open311."
    )
    allow_intake = fields.Boolean(
        string="Connector Intake",
        default=True,
        help="May file requests through the JSON connector intake.",
    )
    key_prefix = fields.Char(
        readonly=True,
        copy=False,
        help="First characters of the key, to tell keys apart.",
    )
    key_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    request_ids = fields.One2many("citizen.request", "api_client_id")
    request_count = fields.Integer(compute="_compute_request_count")
    note = fields.Text()

    _sql_constraints = [
        ("key_hash_unique", "unique(key_hash)", "This API key is already in use."),
    ]

    @api.depends("request_ids")
    def _compute_request_count(self):
        counts = dict(
            self.env["citizen.request"]._read_group(
                [("api_client_id", "in", self.ids)], ["api_client_id"], ["__count"]
            )
        )
        for client in self:
            client.request_count = counts.get(client, 0)

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("api_client_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    @api.model
    def _hash_key(self, key):
        return hashlib.sha256(key.encode()).hexdigest()

    def _set_new_key(self):
        """Give the client a new key and return it; the old one stops working."""
        self.ensure_one()
        key = secrets.token_urlsafe(32)
        # key_hash is restricted to system users; managers may still rotate keys
        self.sudo().write({"key_hash": self._hash_key(key), "key_prefix": key[:6]})
        return key

    def action_generate_key(self):
        self.ensure_one()
        # the key is written with sudo: only those who may edit the client
        # may give it a new key
        self.check_access("write")
        key = self._set_new_key()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("New API key for %s", self.name),
                "message": self.env._(
                    "Copy this key now, it will not be shown again: %s", key
                ),
                "sticky": True,
                "type": "warning",
            },
        }

    @api.model
    def _authenticate(self, key, scope):
        """Return the active client owning ``key`` for ``scope``, or nothing.

        :param str key: the key as sent by the caller
        :param str scope: "open311" or "intake"
        """
        if not key or not isinstance(key, str) or len(key) > 200:
            return self.browse()
        # the caller is anonymous: the lookup is by digest of a secret, and only
        # an active client allowed for the scope is returned
        client = (
            self.sudo()
            .search([("key_hash", "=", self._hash_key(key))], limit=1)
            .filtered(lambda c: c.active and c[f"allow_{scope}"])
        )
        return client
