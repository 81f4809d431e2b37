import hashlib
import ipaddress
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# (count, minutes) when the system parameters are missing or invalid
DEFAULT_LIMITS = {
    "ip": (5, 60),
    "email": (5, 1440),
    "track": (20, 60),
    "track_request": (3, 1440),
    "api": (120, 60),
    "read": (300, 60),
    "confirm": (3, 1440),
}
# scopes whose value is the client's IP address
IP_SCOPES = ("ip", "track", "read")
# an IPv6 visitor holds a whole /64: counting its addresses one by one would
# let one machine get around every limit
IPV6_PREFIX = 64


class CitizenSubmissionThrottle(models.Model):
    """One line per public submission, used to limit floods.

    The state lives in the database so that limits hold when the town runs
    several Odoo workers or servers. Only a salted digest of the IP address or
    email is kept, and lines are removed after two days. IPv4 addresses count
    one by one, IPv6 addresses by /64 network: an internet provider gives a
    /64 (or more) to each of its customers.
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
            ("track_request", "Tracking link of a request"),
            ("api", "API client"),
            ("read", "Public API reads"),
            ("confirm", "Email confirmation"),
        ],
        required=True,
    )
    key_hash = fields.Char(required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)

    @api.model
    def _client_address_key(self, address):
        """The part of an IP address that stands for one visitor: an IPv4
        address, or the /64 network of an IPv6 address."""
        try:
            parsed = ipaddress.ip_address((address or "").split("%")[0].strip())
        except ValueError:
            return address
        if parsed.version == 6:
            if parsed.ipv4_mapped:
                return str(parsed.ipv4_mapped)
            return str(ipaddress.ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
        return str(parsed)

    @api.model
    def _key_hash(self, scope, value):
        if scope in IP_SCOPES:
            value = self._client_address_key(value)
        return self._digest(value)

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
            # a parameter deleted or emptied falls back on the default: read
            # as 0, it would lift the limit
            try:
                limit.append(int(value) if value else DEFAULT_LIMITS[scope][index])
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
                (
                    scope,
                    self._key_hash(scope, value),
                    now - timedelta(minutes=minutes),
                    count,
                )
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

    @api.model
    def _get_retry_after(self, scope_values):
        """Seconds until every limit reached by ``scope_values`` lets one more
        submission through (at least 1): when the oldest submission counted
        in each full window leaves it."""
        now = fields.Datetime.now()
        wait = 1
        for scope, value in scope_values.items():
            if not value:
                continue
            count, minutes = self._get_limit(scope)
            window = timedelta(minutes=minutes)
            # sudo: visitors may not read the log; it holds only digests, and
            # what leaves is a number of seconds
            dates = (
                self.sudo()
                .search(
                    [
                        ("scope", "=", scope),
                        ("key_hash", "=", self._key_hash(scope, value)),
                        ("date", ">=", now - window),
                    ],
                    order="date desc",
                    limit=max(count, 1),
                )
                .mapped("date")
            )
            if count > 0 and len(dates) >= count:
                wait = max(wait, int((dates[-1] + window - now).total_seconds()) + 1)
        return wait

    @api.autovacuum
    def _gc_old_entries(self):
        limit = fields.Datetime.now() - timedelta(days=2)
        self.sudo().search([("date", "<", limit)]).unlink()
