from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.citizen_request import CHANNELS

# Year of reception (UTC), as the view groups by it and as it is indexed.
YEAR_RECEIVED = "(date_part('year', {}date_received))::integer"


class CitizenRequestChannelReport(models.Model):
    """Equal treatment across channels, one line per channel, company and
    year of reception.

    Times are in hours between reception and acknowledgement or closure.
    Rejected requests count in the volume but not in the resolution figures.
    Read for one year (the action's default), the view aggregates the
    requests of that year only, found on an index: not the whole history.
    """

    _name = "citizen.request.channel.report"
    _description = "Citizen Requests per Channel"
    _auto = False
    _order = "year desc, channel"

    year = fields.Integer(
        readonly=True, aggregator=None, help="Year the requests were received."
    )
    channel = fields.Selection(CHANNELS, readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    request_count = fields.Integer(string="Requests", readonly=True)
    acknowledged_count = fields.Integer(string="Acknowledged", readonly=True)
    resolved_count = fields.Integer(string="Resolved", readonly=True)
    late_count = fields.Integer(string="Open and Late", readonly=True)
    median_ack_hours = fields.Float(
        string="Median Time to Acknowledge (hours)",
        readonly=True,
        aggregator=None,
        digits=(16, 2),
    )
    median_resolve_hours = fields.Float(
        string="Median Time to Resolve (hours)",
        readonly=True,
        aggregator=None,
        digits=(16, 2),
    )
    on_time_rate = fields.Float(
        string="Resolved on Time (%)",
        readonly=True,
        aggregator=None,
        digits=(16, 2),
    )
    avg_rating = fields.Float(
        string="Average Rating", readonly=True, aggregator=None, digits=(16, 2)
    )

    def _query(self):
        # The year is the grouping key and the line's id is made of grouping
        # keys only (no window function): a filter on the year is applied by
        # PostgreSQL to the requests themselves, on the index below.
        channels = ", ".join(f"'{code}'" for code, _label in CHANNELS)
        return f"""
            WITH requests AS (
                SELECT r.id, r.channel, r.company_id,
                       {YEAR_RECEIVED.format("r.")} AS year,
                       r.date_received, r.date_acknowledged, r.date_closed,
                       r.date_deadline, r.is_closed,
                       COALESCE(s.is_rejected, FALSE) AS is_rejected
                  FROM citizen_request r
             LEFT JOIN citizen_request_stage s ON s.id = r.stage_id
            ), ratings AS (
                SELECT req.channel, req.company_id,
                       {YEAR_RECEIVED.format("req.")} AS year,
                       AVG(rr.rating) AS avg_rating
                  FROM rating_rating rr
                  JOIN citizen_request req
                    ON rr.res_model = 'citizen.request' AND rr.res_id = req.id
                 WHERE rr.consumed AND rr.rating > 0
              GROUP BY 1, 2, 3
            )
            SELECT ((q.year * 100 + COALESCE(array_position(
                       ARRAY[{channels}]::varchar[], q.channel), 99))::bigint
                       * 1000000 + q.company_id) AS id,
                   q.year,
                   q.channel,
                   q.company_id,
                   COUNT(*) AS request_count,
                   COUNT(q.date_acknowledged) AS acknowledged_count,
                   COUNT(*) FILTER (
                       WHERE q.is_closed AND NOT q.is_rejected
                   ) AS resolved_count,
                   COUNT(*) FILTER (
                       WHERE NOT q.is_closed AND q.date_deadline < CURRENT_DATE
                   ) AS late_count,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (
                       ORDER BY EXTRACT(
                           EPOCH FROM q.date_acknowledged - q.date_received
                       ) / 3600.0
                   ) AS median_ack_hours,
                   PERCENTILE_CONT(0.5) WITHIN GROUP (
                       ORDER BY CASE WHEN q.is_closed AND NOT q.is_rejected
                           THEN EXTRACT(EPOCH FROM q.date_closed - q.date_received)
                                / 3600.0
                       END
                   ) AS median_resolve_hours,
                   100.0 * COUNT(*) FILTER (
                       WHERE q.is_closed AND NOT q.is_rejected
                         AND q.date_deadline IS NOT NULL
                         AND q.date_closed::date <= q.date_deadline
                   ) / NULLIF(COUNT(*) FILTER (
                       WHERE q.is_closed AND NOT q.is_rejected
                         AND q.date_deadline IS NOT NULL
                   ), 0) AS on_time_rate,
                   MAX(rt.avg_rating) AS avg_rating
              FROM requests q
         LEFT JOIN ratings rt
                ON rt.channel = q.channel AND rt.company_id = q.company_id
               AND rt.year = q.year
          GROUP BY q.year, q.channel, q.company_id
        """

    def init(self):
        # the requests of one year, for the view read with a filter on it
        tools.create_index(
            self.env.cr,
            "citizen_request_year_received_index",
            "citizen_request",
            [f"({YEAR_RECEIVED.format('')})"],
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(self._query()),
            )
        )
