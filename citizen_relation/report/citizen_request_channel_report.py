from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.citizen_request import CHANNELS


class CitizenRequestChannelReport(models.Model):
    """Equal treatment across channels, one line per channel and company.

    Times are in hours between reception and acknowledgement or closure.
    Rejected requests count in the volume but not in the resolution figures.
    """

    _name = "citizen.request.channel.report"
    _description = "Citizen Requests per Channel"
    _auto = False
    _order = "channel"

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
        return """
            WITH requests AS (
                SELECT r.id, r.channel, r.company_id, r.date_received,
                       r.date_acknowledged, r.date_closed, r.date_deadline,
                       r.is_closed,
                       COALESCE(s.is_rejected, FALSE) AS is_rejected
                  FROM citizen_request r
             LEFT JOIN citizen_request_stage s ON s.id = r.stage_id
            ), ratings AS (
                SELECT req.channel, req.company_id, AVG(rr.rating) AS avg_rating
                  FROM rating_rating rr
                  JOIN citizen_request req
                    ON rr.res_model = 'citizen.request' AND rr.res_id = req.id
                 WHERE rr.consumed AND rr.rating > 0
              GROUP BY req.channel, req.company_id
            )
            SELECT row_number() OVER (ORDER BY q.channel, q.company_id) AS id,
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
          GROUP BY q.channel, q.company_id
        """

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(self._query()),
            )
        )
