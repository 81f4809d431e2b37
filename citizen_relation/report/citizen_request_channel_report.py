from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.citizen_request import CHANNELS

# Year of reception (UTC), as the report groups by it.
YEAR_RECEIVED = "(date_part('year', {}date_received))::integer"

# The report reads running totals, not the requests: one row per year,
# channel and company of reception (STAT), the times to acknowledge and to
# resolve as histograms (HIST), and the open requests per deadline (OPEN), for
# "open and late" to be counted against today's date when read. Triggers on
# the requests, their stages and their ratings add to these totals in the
# transaction that changes them (INSERT only: concurrent changes never wait
# for one another); the daily compaction merges the rows of a same key.
STAT = "citizen_request_channel_stat"
HIST = "citizen_request_channel_hist"
OPEN = "citizen_request_channel_open"

# Times are counted in buckets of 2^(1/32) (2.2 %) from one minute up, with
# the sum of their times: a median is the mean of the bucket where it falls,
# exact when the bucket holds one time (or equal times), otherwise within
# the bucket's width, less than 2.2 % of the exact median (one minute under
# a minute). Negative times, if any, are bucketed likewise below zero.
BUCKETS_PER_DOUBLING = 32

# What a request counts for, by sign (+1 when it comes in, -1 when it goes),
# from the rows of ``changes`` (sign, id, channel, company_id, stage_id,
# is_closed, date_received, date_acknowledged, date_closed, date_deadline).
CONTRIBUTION = f"""
    WITH changes AS ({{changes}}),
    c AS (
        SELECT ch.sign, {YEAR_RECEIVED.format("ch.")} AS year, ch.channel,
               ch.company_id, ch.is_closed,
               COALESCE(s.is_rejected, FALSE) AS is_rejected,
               ch.date_acknowledged, ch.date_closed, ch.date_deadline,
               EXTRACT(EPOCH FROM ch.date_acknowledged - ch.date_received)
                   AS ack_seconds,
               EXTRACT(EPOCH FROM ch.date_closed - ch.date_received)
                   AS resolve_seconds,
               COALESCE(rt.rating_count, 0) AS rating_count,
               COALESCE(rt.rating_sum, 0) AS rating_sum
          FROM changes ch
     LEFT JOIN citizen_request_stage s ON s.id = ch.stage_id
     LEFT JOIN (
            SELECT res_id, COUNT(*) AS rating_count,
                   SUM(rating::numeric) AS rating_sum
              FROM rating_rating
             WHERE res_model = 'citizen.request' AND consumed AND rating > 0
               {{ratings_of_changes}}
          GROUP BY res_id
          ) rt ON rt.res_id = ch.id
    ), stat AS (
        INSERT INTO {STAT} (year, channel, company_id, request_count,
                            acknowledged_count, resolved_count, deadline_count,
                            on_time_count, rating_count, rating_sum)
        SELECT year, channel, company_id, SUM(sign),
               COALESCE(SUM(sign) FILTER (WHERE date_acknowledged IS NOT NULL), 0),
               COALESCE(SUM(sign) FILTER (WHERE is_closed AND NOT is_rejected), 0),
               COALESCE(SUM(sign) FILTER (
                   WHERE is_closed AND NOT is_rejected AND date_deadline IS NOT NULL
               ), 0),
               COALESCE(SUM(sign) FILTER (
                   WHERE is_closed AND NOT is_rejected AND date_deadline IS NOT NULL
                     AND date_closed::date <= date_deadline
               ), 0),
               SUM(sign * rating_count), SUM(sign * rating_sum)
          FROM c
      GROUP BY year, channel, company_id
    ), hist AS (
        INSERT INTO {HIST} (year, channel, company_id, kind, bucket, n, seconds)
        SELECT year, channel, company_id, kind,
               citizen_request_channel_bucket(seconds), SUM(sign),
               SUM(sign * seconds)
          FROM (
                SELECT year, channel, company_id, sign, 'a' AS kind,
                       ack_seconds AS seconds
                  FROM c WHERE ack_seconds IS NOT NULL
             UNION ALL
                SELECT year, channel, company_id, sign, 'r', resolve_seconds
                  FROM c
                 WHERE is_closed AND NOT is_rejected
                   AND resolve_seconds IS NOT NULL
          ) times
      GROUP BY 1, 2, 3, 4, 5
    )
    INSERT INTO {OPEN} (year, channel, company_id, deadline, n)
    SELECT year, channel, company_id, date_deadline, SUM(sign)
      FROM c
     WHERE NOT is_closed AND date_deadline IS NOT NULL
  GROUP BY 1, 2, 3, 4
"""
REQUEST_COLUMNS = (
    "id, channel, company_id, stage_id, is_closed, date_received,"
    " date_acknowledged, date_closed, date_deadline"
)
RATINGS_OF_CHANGES = "AND res_id IN (SELECT id FROM changes)"


def _prefixed(columns, alias):
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def _changed_rows(columns, compared):
    """The -1/+1 rows of an UPDATE statement's rows whose ``compared``
    columns changed."""
    cols_o, cols_n = _prefixed(columns, "o"), _prefixed(columns, "n")
    cmp_o, cmp_n = _prefixed(compared, "o"), _prefixed(compared, "n")
    return f"""
        SELECT -1 AS sign, {cols_o} FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE ({cmp_o}) IS DISTINCT FROM ({cmp_n})
        UNION ALL
        SELECT 1, {cols_n} FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE ({cmp_o}) IS DISTINCT FROM ({cmp_n})
    """


def _request_trigger_sql(changes):
    return CONTRIBUTION.format(changes=changes, ratings_of_changes=RATINGS_OF_CHANGES)


# ratings: what they add to their request's line, as it is now
RATING_CONTRIBUTION = f"""
    WITH changes AS ({{changes}})
    INSERT INTO {STAT} (year, channel, company_id, request_count,
                        acknowledged_count, resolved_count, deadline_count,
                        on_time_count, rating_count, rating_sum)
    SELECT {YEAR_RECEIVED.format("r.")}, r.channel, r.company_id, 0, 0, 0, 0, 0,
           SUM(ch.sign), SUM(ch.sign * ch.rating::numeric)
      FROM changes ch
      JOIN citizen_request r ON r.id = ch.res_id
     WHERE ch.res_model = 'citizen.request' AND ch.consumed AND ch.rating > 0
  GROUP BY 1, 2, 3
"""
RATING_COLUMNS = "id, res_model, res_id, consumed, rating"


class CitizenRequestChannelReport(models.Model):
    """Equal treatment across channels, one line per channel, company and
    year of reception.

    Times are in hours between reception and acknowledgement or closure.
    Rejected requests count in the volume but not in the resolution figures.
    The lines are read from running totals kept by the database as requests
    change (see STAT above): their cost does not grow with the history.
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
    late_count = fields.Integer(
        string="Open and Late",
        readonly=True,
        help="Requests still open whose deadline is past, as of today.",
    )
    median_ack_hours = fields.Float(
        string="Median Time to Acknowledge (hours)",
        readonly=True,
        aggregator=None,
        digits=(16, 2),
        help="Exact when the middle time stands alone among times within 2.2 %"
        " of it; otherwise the mean of those times, less than 2.2 % away from"
        " the exact median (under a minute: less than a minute away).",
    )
    median_resolve_hours = fields.Float(
        string="Median Time to Resolve (hours)",
        readonly=True,
        aggregator=None,
        digits=(16, 2),
        help="Exact when the middle time stands alone among times within 2.2 %"
        " of it; otherwise the mean of those times, less than 2.2 % away from"
        " the exact median (under a minute: less than a minute away).",
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

    @staticmethod
    def _median_query(kind):
        """The median time of ``kind`` (a: to acknowledge, r: to resolve) in
        hours per year, channel and company, as PERCENTILE_CONT(0.5) gives
        it: the middle time, or the mean of the two middle ones, each read as
        the mean of the times of its bucket. Grouped on the line's keys: a
        search that does not read the medians leaves them out."""
        return f"""
            SELECT year, channel, company_id,
                   (MAX(seconds / n) FILTER (
                        WHERE upto - n < (total + 1) / 2
                          AND (total + 1) / 2 <= upto)
                  + MAX(seconds / n) FILTER (
                        WHERE upto - n < total / 2 + 1
                          AND total / 2 + 1 <= upto)
                   ) / 7200.0 AS hours
              FROM (
                    SELECT *,
                           (SUM(n) OVER (PARTITION BY year, channel, company_id
                                         ORDER BY bucket))::bigint AS upto,
                           (SUM(n) OVER (PARTITION BY year, channel, company_id)
                           )::bigint AS total
                      FROM (
                            SELECT year, channel, company_id, bucket,
                                   SUM(n)::bigint AS n, SUM(seconds) AS seconds
                              FROM {HIST}
                             WHERE kind = '{kind}'
                          GROUP BY year, channel, company_id, bucket
                            HAVING SUM(n) > 0
                      ) buckets
              ) ranked
          GROUP BY year, channel, company_id
        """

    def _query(self):
        # The line's id is made of its keys only, as before: a line is read
        # again by its id (a form, a reload).
        channels = ", ".join(f"'{code}'" for code, _label in CHANNELS)
        return f"""
            SELECT ((s.year * 100 + COALESCE(array_position(
                       ARRAY[{channels}]::varchar[], s.channel), 99))::bigint
                       * 1000000 + s.company_id) AS id,
                   s.year,
                   s.channel,
                   s.company_id,
                   s.request_count::integer AS request_count,
                   s.acknowledged_count::integer AS acknowledged_count,
                   s.resolved_count::integer AS resolved_count,
                   COALESCE(l.late_count, 0)::integer AS late_count,
                   ma.hours::float AS median_ack_hours,
                   mr.hours::float AS median_resolve_hours,
                   (100.0 * s.on_time_count
                       / NULLIF(s.deadline_count, 0))::float AS on_time_rate,
                   (s.rating_sum / NULLIF(s.rating_count, 0))::float AS avg_rating
              FROM (
                    SELECT year, channel, company_id,
                           SUM(request_count) AS request_count,
                           SUM(acknowledged_count) AS acknowledged_count,
                           SUM(resolved_count) AS resolved_count,
                           SUM(deadline_count) AS deadline_count,
                           SUM(on_time_count) AS on_time_count,
                           SUM(rating_count) AS rating_count,
                           SUM(rating_sum) AS rating_sum
                      FROM {STAT}
                  GROUP BY year, channel, company_id
                    HAVING SUM(request_count) > 0
              ) s
         LEFT JOIN (
                    SELECT year, channel, company_id, SUM(n) AS late_count
                      FROM {OPEN}
                     WHERE deadline < CURRENT_DATE
                  GROUP BY year, channel, company_id
              ) l
                ON l.year = s.year AND l.channel = s.channel
               AND l.company_id = s.company_id
         LEFT JOIN ({self._median_query("a")}) ma
                ON ma.year = s.year AND ma.channel = s.channel
               AND ma.company_id = s.company_id
         LEFT JOIN ({self._median_query("r")}) mr
                ON mr.year = s.year AND mr.channel = s.channel
               AND mr.company_id = s.company_id
        """

    def init(self):
        cr = self.env.cr
        cr.execute("SELECT to_regclass(%s) IS NULL", [STAT])
        created = cr.fetchone()[0]
        key = "year integer, channel varchar, company_id integer"
        ddl = f"""
            CREATE TABLE IF NOT EXISTS {STAT} (
                {key}, request_count integer NOT NULL,
                acknowledged_count integer NOT NULL,
                resolved_count integer NOT NULL, deadline_count integer NOT NULL,
                on_time_count integer NOT NULL, rating_count integer NOT NULL,
                rating_sum numeric NOT NULL);
            CREATE TABLE IF NOT EXISTS {HIST} (
                {key}, kind char(1) NOT NULL, bucket smallint NOT NULL,
                n integer NOT NULL, seconds numeric NOT NULL);
            CREATE TABLE IF NOT EXISTS {OPEN} (
                {key}, deadline date NOT NULL, n integer NOT NULL);
            CREATE OR REPLACE FUNCTION citizen_request_channel_bucket(seconds numeric)
                RETURNS smallint LANGUAGE sql IMMUTABLE AS $$
                    -- negative times (an acknowledgement dated before the
                    -- reception) in buckets of their own, below zero
                    SELECT (CASE WHEN abs(seconds) < 60 THEN 0
                        ELSE 1 + floor({BUCKETS_PER_DOUBLING}
                                       * ln(abs(seconds)::float8 / 60) / ln(2))
                        END
                        * sign(seconds) - (seconds < 0)::integer)::smallint
                $$;
            CREATE OR REPLACE FUNCTION citizen_request_channel_rebuild()
                RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM {STAT};
                    DELETE FROM {HIST};
                    DELETE FROM {OPEN};
                    {
            CONTRIBUTION.format(
                changes=f"SELECT 1 AS sign, {REQUEST_COLUMNS} FROM citizen_request",
                ratings_of_changes="",
            )
        };
                END $$;
            CREATE OR REPLACE FUNCTION citizen_request_channel_compact()
                RETURNS void LANGUAGE plpgsql AS $$
                BEGIN
                    WITH d AS (DELETE FROM {STAT} RETURNING *)
                    INSERT INTO {STAT}
                    SELECT year, channel, company_id, SUM(request_count),
                           SUM(acknowledged_count), SUM(resolved_count),
                           SUM(deadline_count), SUM(on_time_count),
                           SUM(rating_count), SUM(rating_sum)
                      FROM d GROUP BY year, channel, company_id
                    HAVING SUM(request_count) <> 0 OR SUM(rating_count) <> 0;
                    WITH d AS (DELETE FROM {HIST} RETURNING *)
                    INSERT INTO {HIST}
                    SELECT year, channel, company_id, kind, bucket, SUM(n),
                           SUM(seconds)
                      FROM d GROUP BY year, channel, company_id, kind, bucket
                    HAVING SUM(n) <> 0;
                    WITH d AS (DELETE FROM {OPEN} RETURNING *)
                    INSERT INTO {OPEN}
                    SELECT year, channel, company_id, deadline, SUM(n)
                      FROM d GROUP BY year, channel, company_id, deadline
                    HAVING SUM(n) <> 0;
                END $$;
            """
        cr.execute(SQL(ddl))
        compared = (
            "channel, company_id, stage_id, is_closed, date_received,"
            " date_acknowledged, date_closed, date_deadline"
        )
        triggers = {
            ("citizen_request", "insert", "NEW TABLE AS new_rows"): (
                _request_trigger_sql(
                    f"SELECT 1 AS sign, {REQUEST_COLUMNS} FROM new_rows"
                )
            ),
            ("citizen_request", "delete", "OLD TABLE AS old_rows"): (
                _request_trigger_sql(
                    f"SELECT -1 AS sign, {REQUEST_COLUMNS} FROM old_rows"
                )
            ),
            (
                "citizen_request",
                "update",
                "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            ): _request_trigger_sql(_changed_rows(REQUEST_COLUMNS, compared)),
            ("rating_rating", "insert", "NEW TABLE AS new_rows"): (
                RATING_CONTRIBUTION.format(
                    changes=f"SELECT 1 AS sign, {RATING_COLUMNS} FROM new_rows"
                )
            ),
            ("rating_rating", "delete", "OLD TABLE AS old_rows"): (
                RATING_CONTRIBUTION.format(
                    changes=f"SELECT -1 AS sign, {RATING_COLUMNS} FROM old_rows"
                )
            ),
            (
                "rating_rating",
                "update",
                "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            ): RATING_CONTRIBUTION.format(
                changes=_changed_rows(
                    RATING_COLUMNS, "res_model, res_id, consumed, rating"
                )
            ),
            # a stage that becomes (or stops being) a rejection changes the
            # resolution figures of all its requests: counted again
            (
                "citizen_request_stage",
                "update",
                "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            ): """
                IF EXISTS (
                    SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
                     WHERE o.is_rejected IS DISTINCT FROM n.is_rejected
                ) THEN
                    PERFORM citizen_request_channel_rebuild();
                END IF
            """,
        }
        for (table, event, referencing), body in triggers.items():
            name = f"{table}_channel_stat_{event}"
            trigger = f"""
                CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
                    LANGUAGE plpgsql AS $$
                    BEGIN
                        {body};
                        RETURN NULL;
                    END $$;
                DROP TRIGGER IF EXISTS {name} ON {table};
                CREATE TRIGGER {name} AFTER {event.upper()} ON {table}
                    REFERENCING {referencing}
                    FOR EACH STATEMENT EXECUTE FUNCTION {name}();
                """
            cr.execute(SQL(trigger))
        if created:
            # a new database, or one upgraded from a version without totals
            self._rebuild_aggregates()
        # the index the former view read a year's requests on
        cr.execute("DROP INDEX IF EXISTS citizen_request_year_received_index")
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(self._query()),
            )
        )

    @api.model
    def _rebuild_aggregates(self):
        """Count every request again into the running totals: after rows
        were inserted without the triggers (a restore, a replica), or to
        check them. Reads the whole history."""
        self.env.flush_all()
        self.env.cr.execute("SELECT citizen_request_channel_rebuild()")
        self.invalidate_model()

    @api.model
    def _compact_aggregates(self):
        """Merge the rows the triggers added into one per key (daily)."""
        self.env.flush_all()
        self.env.cr.execute("SELECT citizen_request_channel_compact()")
