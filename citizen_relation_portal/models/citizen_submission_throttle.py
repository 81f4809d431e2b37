import hashlib
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# (count, minutes) when the system parameters are missing or invalid
DEFAULT_LIMITS = {
    "ip": (5, 60),
    "email": (5, 1440),
    "track": (20, 60),
    "api": (120, 60),
    "confirm": (3, 1440),
}


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
        [
            ("ip", "IP address"),
            ("email", "Email"),
            ("track", "Tracking"),
            ("api", "API client"),
            ("confirm", "Email confirmation"),
        ],
        required=True,
    )
    key_hash = fields.Char(required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _digest(self, value):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        return hashlib.sha256(f"{secret}:{value}".encode()).hexdigest()

    @api.model
    def _get_limit(self, scope):
        """Return (count, minutes): at most count submissions in minutes.

        Read from the system parameters citizen_relation_portal.limit_<scope>_count
        and citizen_relation_portal.limit_<scope>_minutes.
        """
        get_param = self.env["ir.config_parameter"].sudo().get_param
        limit = []
        for index, name in enumerate(("count", "minutes")):
            value = get_param(f"citizen_relation_portal.limit_{scope}_{name}")
            try:
                limit.append(int(value))
            except (TypeError, ValueError):
                limit.append(DEFAULT_LIMITS[scope][index])
        return tuple(limit)

    @api.model
    def _check_and_record(self, scope_values):
        """Record one submission per scope; tell whether a limit was reached.

        Nothing is recorded when a limit is reached, so that a flood does not
        extend its own ban. Counting and recording are one statement: a
        submission costs one query whatever the number of scopes.

        :param dict scope_values: {scope: value}, e.g. {"ip": "192.0.2.1"}
        :return: True when the submission may go on
        """
        now = fields.Datetime.now()
        rows = []
        for scope, value in scope_values.items():
            if not value:
                continue
            count, minutes = self._get_limit(scope)
            rows.append(
                (scope, self._digest(value), now - timedelta(minutes=minutes), count)
            )
        if not rows:
            return True
        submissions = SQL(", ").join(
            SQL("(%s, %s, %s::timestamp, %s)", *row) for row in rows
        )
        self.env.cr.execute(
            SQL(
                """
                WITH submission(scope, key_hash, since, max_count) AS (
                    VALUES %(submissions)s
                ), allowed AS (
                    SELECT bool_and(
                        s.max_count <= 0 OR (
                            SELECT COUNT(*) FROM %(table)s t
                             WHERE t.scope = s.scope
                               AND t.key_hash = s.key_hash
                               AND t.date >= s.since
                        ) < s.max_count
                    ) AS ok
                    FROM submission s
                ), recorded AS (
                    INSERT INTO %(table)s (scope, key_hash, date)
                    SELECT s.scope, s.key_hash, %(now)s
                      FROM submission s, allowed
                     WHERE allowed.ok
                )
                SELECT ok FROM allowed
                """,
                submissions=submissions,
                table=SQL.identifier(self._table),
                now=now,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.autovacuum
    def _gc_old_entries(self):
        limit = fields.Datetime.now() - timedelta(days=2)
        self.sudo().search([("date", "<", limit)]).unlink()
