import hashlib
from datetime import timedelta

from odoo import api, fields, models


class CitizenSubmissionThrottle(models.Model):
    """One line per public submission, used to limit floods.

    The state lives in the database so that limits hold when the town runs
    several Odoo workers or servers. Only a salted digest of the IP address or
    email is kept, and lines are removed after two days.
    """

    _name = "citizen.submission.throttle"
    _description = "Public Submission Log"
    _order = "id desc"
    _log_access = False

    scope = fields.Selection(
        [("ip", "IP address"), ("email", "Email"), ("track", "Tracking")],
        required=True,
    )
    key_hash = fields.Char(required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _digest(self, value):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hashlib.sha256(f"{secret}:{value}".encode()).hexdigest()

    @api.model
    def _count_recent(self, scope, value, minutes):
        since = fields.Datetime.now() - timedelta(minutes=minutes)
        return self.sudo().search_count(
            [
                ("scope", "=", scope),
                ("key_hash", "=", self._digest(value)),
                ("date", ">=", since),
            ]
        )

    @api.model
    def _is_over_limit(self, scope, value, limit, minutes):
        """Tell whether ``value`` already used its ``limit`` in the window."""
        if not value or limit <= 0:
            return False
        return self._count_recent(scope, value, minutes) >= limit

    @api.model
    def _record(self, scope, value):
        if value:
            # anonymous visitors write here; nothing personal is stored
            self.sudo().create({"scope": scope, "key_hash": self._digest(value)})

    @api.autovacuum
    def _gc_old_entries(self):
        limit = fields.Datetime.now() - timedelta(days=2)
        self.sudo().search([("date", "<", limit)]).unlink()
