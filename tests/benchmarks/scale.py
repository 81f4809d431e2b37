"""Scale run: a realistic town at 100k (and 1M) requests, and how searches cope.

Not part of ``make bench`` by default (``BENCH_SCALE=1 make bench`` runs it after
the query-count benchmarks, on the ``bench_ours`` database), or directly::

    PYTHONPATH=/opt/odoo .venv/bin/python tests/benchmarks/scale.py \\
        --config .build/bench/odoo.conf --db bench_ours --sizes 10000 100000 1000000

For each size, in increasing order, the database is filled up to that many
requests with SQL bulk inserts (``generate_series``): citizens, requests spread
over five years, the six channels, every category and team, stages consistent
with age (old requests closed, recent ones open, some late), and two messages
per request. Then each search is timed through the ORM (median of 5 warm runs)
and its slowest SQL statement is explained: a sequential scan of a large table
is reported, with the index that would avoid it. The table gives, per search,
the time at each size and the ratio between the largest size and the smallest.
"""

import argparse
import contextlib
import json
import logging
import random
import re
import resource
import statistics
import sys
import threading
import time

_logger = logging.getLogger("scale")
BIG_TABLES = ("citizen_request", "res_partner", "mail_message")
MAX_RATIO = 3  # largest size against smallest, for a search that scales
# Searches that grow with the town by nature, reported without failing the
# run: what no index serves by choice (part of an address, the requester's
# unnormalised email, the former phone matching, kept for comparison) and a
# count of late requests (a hundred times more of them at 1M). RESULTS.md
# says why for each. (The channel-equality report, read from running totals,
# no longer grows.)
GROWING_BY_NATURE = {
    "citizen email (=ilike, no index)",
    "citizen email (part, no index)",
    "requester's email",
    "late filter, count",
    "phone ilike (the former matching)",
}
TITLES = [
    "Nid de poule",
    "Lampadaire éteint",
    "Dépôt sauvage",
    "Encombrants à enlever",
    "Branches sur la chaussée",
    "Demande d'acte de naissance",
    "Tag sur un mur",
    "Bruit de voisinage",
]
STREETS = [
    "rue des Lilas",
    "avenue Jean Jaurès",
    "place de la Mairie",
    "chemin du Moulin",
    "rue Victor Hugo",
    "boulevard de la République",
    "impasse des Tilleuls",
    "rue Pasteur",
]
DISTRICTS = ["Centre", "Les Coteaux", "La Gare", "Le Bourg", "Les Prés"]
CHANNELS = ["web", "email", "phone", "counter", "social", "api"]


def sql_array(items):
    """A PostgreSQL ARRAY literal of strings or integers."""
    quoted = [
        str(int(i)) if isinstance(i, int) else "'" + str(i).replace("'", "''") + "'"
        for i in items
    ]
    return f"ARRAY[{', '.join(quoted)}]"


def pick(items, expr):
    """SQL choosing one of ``items`` in turn as ``expr`` grows."""
    return f"({sql_array(items)})[1 + ({expr}) % {len(items)}]"


# Indexes the searches above need, tried with --with-proposed-indexes. The
# addons own their schema: these are proposals for them, created here only for
# the time of a measurement.
PROPOSED_INDEXES = [
    (
        "bench_proposed_request_order",
        "citizen_request (priority DESC, date_received DESC, id DESC)",
        "the model's _order: first pages and limited searches without a sort",
    ),
    (
        "bench_proposed_request_title_trgm",
        "citizen_request USING gin (title gin_trgm_ops)",
        "_rec_names_search (search box) ilike on title",
    ),
    (
        "bench_proposed_request_contact_name_trgm",
        "citizen_request USING gin (contact_name gin_trgm_ops)",
        "_rec_names_search (search box) ilike on contact_name",
    ),
    (
        "bench_proposed_request_contact_email_trgm",
        "citizen_request USING gin (contact_email gin_trgm_ops)",
        "search by the email the citizen gave (=ilike / ilike)",
    ),
    (
        "bench_proposed_partner_email_normalized",
        "res_partner (email_normalized)",
        "requester matching at every creation, requester's email search",
    ),
]


def create_proposed_indexes(cr):
    for name, definition, _why in PROPOSED_INDEXES:
        cr.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    cr.execute("ANALYZE citizen_request; ANALYZE res_partner")
    # An index built over broken HOT chains waits, unusable, until every
    # transaction older than itself has ended on the server (indcheckxmin):
    # a long transaction of another database is enough to hide it.
    cr.execute(
        """SELECT indexrelid::regclass::text FROM pg_index
            WHERE indcheckxmin AND indexrelid::regclass::text LIKE 'bench_proposed%'"""
    )
    for (name,) in cr.fetchall():
        _logger.warning(
            "%s cannot be used yet: a transaction older than it is open on the"
            " server; the figures that need it are not meaningful",
            name,
        )


def drop_proposed_indexes(cr):
    for name, _definition, _why in PROPOSED_INDEXES:
        cr.execute(f"DROP INDEX IF EXISTS {name}")


def columns(cr, table):
    cr.execute(
        """SELECT column_name, is_nullable = 'NO' AND column_default IS NULL
             FROM information_schema.columns WHERE table_name = %s""",
        [table],
    )
    return dict(cr.fetchall())


def insert(cr, table, values, source):
    """INSERT INTO table (<columns of values that exist>) SELECT <exprs> <source>."""
    existing = columns(cr, table)
    chosen = {k: v for k, v in values.items() if k in existing}
    missing = [c for c, required in existing.items() if required and c not in chosen]
    missing = [c for c in missing if c != "id"]
    if missing:
        raise RuntimeError(f"{table}: no value for the required columns {missing}")
    cr.execute(
        f"INSERT INTO {table} ({', '.join(chosen)}) "  # noqa: S608 - fixed names
        f"SELECT {', '.join(chosen.values())} {source}"
    )
    return cr.rowcount


class Town:
    """Fills the database with requests, citizens and messages, by SQL."""

    def __init__(self, env):
        self.env = env
        self.cr = env.cr

    def ids(self, query):
        self.cr.execute(query)
        return [row[0] for row in self.cr.fetchall()]

    def request_count(self):
        self.cr.execute("SELECT count(*) FROM citizen_request")
        return self.cr.fetchone()[0]

    def ensure_categories_and_teams(self):
        env = self.env
        Category = env["citizen.request.category"].sudo()
        if Category.search_count([]) < 12:
            Category.create(
                [
                    {"name": f"{title} (ville)", "code": f"SCL{i}", "delay_days": 5 + i}
                    for i, title in enumerate(TITLES)
                ]
            )
        if "citizen.team" in env and env["citizen.team"].search_count([]) < 5:
            env["citizen.team"].sudo().create(
                [{"name": f"Service {d}"} for d in DISTRICTS]
            )

    def fill(self, target):
        current = self.request_count()
        if current >= target:
            return 0
        self.ensure_categories_and_teams()
        count = target - current
        started = time.perf_counter()
        citizens = self.add_citizens(max(count // 4, 1))
        categories = self.ids("SELECT id FROM citizen_request_category ORDER BY id")
        teams = (
            self.ids("SELECT id FROM citizen_team ORDER BY id")
            if "citizen.team" in self.env
            else []
        )
        stage = {
            xmlid: self.env.ref(f"citizen_relation.{xmlid}").id
            for xmlid in (
                "stage_new",
                "stage_taken",
                "stage_in_progress",
                "stage_waiting",
                "stage_resolved",
                "stage_closed",
                "stage_rejected",
            )
        }
        open_stages = [
            stage[x]
            for x in ("stage_new", "stage_taken", "stage_in_progress", "stage_waiting")
        ]
        closed_stages = [
            stage["stage_resolved"],
            stage["stage_closed"],
            stage["stage_closed"],
            stage["stage_rejected"],
        ]
        first_request = self.ids("SELECT COALESCE(max(id), 0) FROM citizen_request")[0]
        # requests spread evenly over five years up to now, in id order
        span = 5 * 365 * 86400
        now = "(now() AT TIME ZONE 'UTC')"
        received = (
            f"{now} - interval '1 s' * ({span} - (g - 1)::bigint * {span} / {count})"
        )
        # old requests are closed, a third of the recent ones too
        is_closed = f"({received} < {now} - interval '45 days' OR g % 3 = 0)"
        year = f"extract(year FROM {received})::int"
        street = pick(STREETS, "g / 7")
        values = {
            "name": f"'DEM-' || {year} || '-S' || lpad(({current} + g)::text, 7, '0')",
            "title": f"{pick(TITLES, 'g')} || ' ' || {street}",
            "description": "'<p>Signalé par un habitant du quartier.</p>'",
            "channel": pick(CHANNELS, "g * 7"),
            "source_ref": "NULL",
            "category_id": pick(categories, "g"),
            "stage_id": f"CASE WHEN {is_closed} THEN {pick(closed_stages, 'g')} "
            f"ELSE {pick(open_stages, 'g')} END",
            "is_closed": is_closed,
            "priority": pick(["0", "0", "0", "1", "1", "2", "3"], "g"),
            "partner_id": "p.id",
            "requester_kind": "CASE WHEN g % 20 = 0 THEN 'organisation' "
            "ELSE 'citizen' END",
            "contact_name": "p.name",
            "contact_email": "p.email",
            "contact_phone": "'06 ' || lpad((g % 100000000)::text, 8, '0')",
            "street": f"(g % 120 + 1) || ' ' || {street}",
            "zip": "'69100'",
            "city": "'Villeurbanne'",
            "district": pick(DISTRICTS, "g"),
            "latitude": "45.76 + (g % 1000) / 100000.0",
            "longitude": "4.88 + (g % 997) / 100000.0",
            "company_id": str(self.env.company.id),
            "date_received": received,
            "date_acknowledged": f"CASE WHEN g % 5 = 0 THEN NULL "
            f"ELSE {received} + interval '2 hours' END",
            "date_deadline": f"({received} + interval '1 day' * (10 + g % 20))::date",
            "date_closed": f"CASE WHEN {is_closed} "
            f"THEN {received} + interval '1 hour' * (g % 800) END",
            "team_id": pick(teams, "g") if teams else "NULL",
            "create_uid": "1",
            "write_uid": "1",
            "create_date": received,
            "write_date": received,
        }
        # the citizens were inserted by one statement: their ids are consecutive
        low, high = citizens
        source = (
            f"FROM generate_series(1, {count}) AS g "
            f"JOIN res_partner p ON p.id = {low} + g % {high - low + 1}"
        )
        inserted = insert(self.cr, "citizen_request", values, source)
        self.add_messages(first_request)
        # The channel report's running totals: the database's triggers
        # counted the inserted requests as any others; merged into one row
        # per key, as the daily job does (and as install and upgrade leave
        # them).
        Report = self.env["citizen.request.channel.report"]
        if hasattr(Report, "_compact_aggregates"):
            Report._compact_aggregates()
        self.cr.execute(
            "ANALYZE citizen_request; ANALYZE res_partner; ANALYZE mail_message"
        )
        _logger.warning(
            "filled %s requests (+%s citizens, messages) in %.1f s",
            inserted,
            citizens[1] - citizens[0] + 1,
            time.perf_counter() - started,
        )
        return inserted

    def add_citizens(self, count):
        first = self.ids("SELECT COALESCE(max(id), 0) FROM res_partner")[0]
        number = f"lpad((({first} + g) % 100000000)::text, 8, '0')"
        values = {
            "name": "'Habitant ' || g",
            "complete_name": "'Habitant ' || g",
            "email": f"'habitant.' || ({first} + g) || '@example.fr'",
            "email_normalized": f"'habitant.' || ({first} + g) || '@example.fr'",
            # recorded by the town: the address requests are matched on
            "citizen_confirmed_email": f"'habitant.' || ({first} + g) || '@example.fr'",
            "active": "true",
            "type": "'contact'",
            "is_company": "false",
            # French when the database has it, else its first active language
            "lang": "(SELECT code FROM res_lang WHERE active"
            " ORDER BY code = 'fr_FR' DESC, id LIMIT 1)",
            "street": "'1 rue Pasteur'",
            "phone": f"'06 ' || {number}",
            # the stored phone key (citizen_relation's): its nine digits
            "citizen_phone_key": f"'6' || {number}",
            "city": "'Villeurbanne'",
            "create_date": "now()",
            "write_date": "now()",
            "create_uid": "1",
            "write_uid": "1",
        }
        insert(self.cr, "res_partner", values, f"FROM generate_series(1, {count}) AS g")
        self.cr.execute(
            f"SELECT min(id), max(id), count(*) FROM res_partner WHERE id > {first}"
        )
        low, high, inserted = self.cr.fetchone()
        if high - low + 1 != inserted:
            raise RuntimeError(
                "the citizens' ids are not consecutive: another process wrote"
            )
        return low, high

    def add_messages(self, after_id):
        """Two messages per new request: the citizen's and the agent's answer."""
        subtype = self.env.ref("mail.mt_comment").id
        for n, (author, kind) in enumerate(
            (("r.partner_id", "email"), ("3", "comment"))
        ):
            values = {
                "model": "'citizen.request'",
                "res_id": "r.id",
                "record_name": "r.name",
                "message_type": f"'{kind}'",
                "subtype_id": str(subtype),
                "body": "'<p>Bonjour, merci pour votre message.</p>'",
                "subject": "r.title",
                "author_id": author,
                "email_from": "r.contact_email",
                "date": f"r.date_received + interval '{n} day'",
                "create_date": f"r.date_received + interval '{n} day'",
                "write_date": f"r.date_received + interval '{n} day'",
                "create_uid": "1",
                "write_uid": "1",
            }
            insert(
                self.cr,
                "mail_message",
                values,
                f"FROM citizen_request r WHERE r.id > {after_id}",
            )


# ----------------------------------------------------------------------------
# searches
# ----------------------------------------------------------------------------


class QueryLog:
    """Collect the SQL statements run by this thread (Odoo's query hooks)."""

    def __init__(self):
        self.queries = []

    def __call__(self, cr, query, params, start, delay):
        self.queries.append((delay, query, params))

    @contextlib.contextmanager
    def capture(self):
        thread = threading.current_thread()
        hooks = getattr(thread, "query_hooks", None)
        thread.query_hooks = (*(hooks or ()), self)
        try:
            yield self
        finally:
            thread.query_hooks = hooks or ()


def explain(cr, query, params):
    cr.execute(f"EXPLAIN {query}", params)  # noqa: S608 - a statement Odoo just ran
    plan = "\n".join(row[0] for row in cr.fetchall())
    scans = sorted({t for t in BIG_TABLES if re.search(rf"Seq Scan on {t}\b", plan)})
    return plan, scans


def searches(env, sample):
    Request = env["citizen.request"]
    Partner = env["res.partner"].with_context(active_test=True)
    Report = env["citizen.request.channel.report"]
    phone = "%".join(sample["phone_digits"])
    today_late = [("is_late", "=", True)]
    this_year = [("year", "=", sample["year"])] if "year" in Report._fields else []
    checks = {
        "reference (exact)": lambda: Request.search([("name", "=", sample["name"])]),
        "reference (search box)": lambda: Request.name_search(sample["name"], limit=8),
        # what the search view's "Email Given" does: '=' on the normalised address
        "citizen email (search field)": lambda: Request.search(
            [("contact_email_search", "ilike", sample["email"].upper())], limit=80
        ),
        "citizen email (=ilike, no index)": lambda: Request.search(
            [("contact_email", "=ilike", sample["email"])], limit=80
        ),
        "citizen email (part, no index)": lambda: Request.search(
            [("contact_email", "ilike", sample["email"])], limit=80
        ),
        "requester's email": lambda: Request.search(
            [("partner_id.email", "=", sample["email"])], limit=80
        ),
        "late filter, first page": lambda: Request.search(today_late, limit=80),
        "late filter, count": lambda: Request.search_count(today_late),
        "channel-equality report, this year": lambda: Report.search_read(this_year),
        "channel-equality report, all years": lambda: Report.search_read([]),
        "kanban first page (80)": lambda: Request.web_search_read(
            [],
            {"name": {}, "title": {}, "stage_id": {"fields": {"display_name": {}}}},
            limit=80,
            count_limit=10001,
        ),
        "citizen's history (portal)": lambda: Request.search(
            [("partner_id", "=", sample["partner_id"])], limit=80
        ),
        # what every creation does (_match_partner), email then phone
        "requester matching, email": lambda: Request._match_partner(
            sample["email"], False
        ),
        "requester matching, phone": lambda: Request._match_partner(
            False, sample["phone"]
        ),
        "phone ilike (the former matching)": lambda: Partner.search(
            ["|", ("phone", "ilike", phone), ("mobile", "ilike", phone)],
            order="id",
            limit=20,
        ),
        "create a request (known email)": lambda: Request.create(
            {
                "title": "Nid de poule rue Pasteur",
                "channel": "email",
                "category_id": sample["category_id"],
                "contact_email": sample["email"],
                "contact_name": "Habitant",
            }
        ),
    }
    return checks


def sample_request(cr):
    cr.execute(
        """SELECT r.name, r.contact_email, r.partner_id, r.category_id,
                  COALESCE(p.phone, r.contact_phone, '06 12 34 56 78')
             FROM citizen_request r JOIN res_partner p ON p.id = r.partner_id
            WHERE r.contact_email IS NOT NULL
         ORDER BY r.id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM citizen_request)"""
    )
    name, email, partner_id, category_id, phone = cr.fetchone()
    cr.execute("SELECT extract(year FROM now() AT TIME ZONE 'UTC')::int")
    return {
        "name": name,
        "email": email,
        "partner_id": partner_id,
        "category_id": category_id,
        # written another way than stored: "+33 6 …" for "06 …"
        "phone": "+33 " + re.sub(r"\D", "", phone)[-9:],
        "phone_digits": re.sub(r"\D", "", phone)[-9:],
        "year": cr.fetchone()[0],
    }


def measure_searches(registry, runs=5):
    from odoo import SUPERUSER_ID, api

    results = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        sample = sample_request(cr)
        for label, func in searches(env, sample).items():
            times = []
            log = QueryLog()
            try:
                for i in range(runs + 1):
                    env.invalidate_all()
                    log.queries = []
                    with log.capture():
                        start = time.perf_counter()
                        func()
                        elapsed = time.perf_counter() - start
                    if i:
                        times.append(elapsed)
            except Exception as e:  # noqa: BLE001 - reported in the table
                cr.rollback()
                results[label] = {"error": f"{type(e).__name__}: {e}"[:200]}
                continue
            slowest = max(log.queries, key=lambda q: q[0]) if log.queries else None
            scans = []
            plan = ""
            if slowest:
                plan, scans = explain(cr, slowest[1], slowest[2])
            results[label] = {
                "seconds": statistics.median(times),
                "seq_scans": scans,
                "slowest_sql": (slowest[1][:400] if slowest else ""),
                "plan": plan[:1200],
            }
        cr.rollback()
    # what the rolled back transaction put in the registry's caches (a year's
    # numbering created by "create a request") is dropped with it, as the
    # server does after a failed request
    registry.reset_changes()
    return results


class RssSampler:
    """The process's resident memory, sampled by a thread while a job runs."""

    def __init__(self, interval=0.2):
        self.interval = interval
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def rss_mib():
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 1024 / 1024

    def _run(self):
        while not self._stop.wait(self.interval):
            self.samples.append(self.rss_mib())

    def __enter__(self):
        self.before = self.rss_mib()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.samples.append(self.rss_mib())

    def summary(self):
        """Growth of the peak over the memory before the job, and the peak
        reached in each quarter of the run: flat when memory is bounded."""
        quarters = []
        n = len(self.samples)
        for q in range(4):
            chunk = self.samples[q * n // 4 : (q + 1) * n // 4] or self.samples[-1:]
            quarters.append(round(max(chunk) - self.before, 1))
        return {
            "rss_before_mib": round(self.before, 1),
            "peak_growth_mib": round(max(self.samples) - self.before, 1),
            "peak_growth_by_quarter_mib": quarters,
        }


def expire(cr, env, target):
    """Set the categories' retention so that about ``target`` closed requests
    are expired (at least ``target`` when the town has that many); return
    the number expired."""
    cr.execute(
        """SELECT m, (SELECT count(*) FROM citizen_request
                       WHERE is_closed AND NOT COALESCE(is_anonymized, false)
                         AND date_closed < (now() AT TIME ZONE 'UTC')
                                           - interval '1 month' * m)
             FROM generate_series(1, 72) AS m ORDER BY m DESC"""
    )
    counts = cr.fetchall()
    months, expired = next(
        ((m, c) for m, c in counts if c >= target), counts[-1] if counts else (1, 0)
    )
    env["citizen.request.category"].with_context(active_test=False).search([]).write(
        {"retention_months": months}
    )
    return months, expired


def measure_anonymisation(registry, targets):
    """The anonymisation job over about ``target`` expired requests, for each
    target: its time, and the process's memory while it runs. Called
    directly, the job goes through every batch in one transaction, rolled
    back afterwards; the scheduled action commits each batch instead."""
    from odoo import SUPERUSER_ID, api

    results = {}
    for target in targets:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Request = env["citizen.request"]
            job = getattr(Request, "_cron_anonymize_expired_requests", None)
            if job is None:
                return {"na": "no anonymisation job in citizen.request"}
            months, expired = expire(cr, env, target)
            env.flush_all()
            env.invalidate_all()
            with RssSampler() as memory:
                start = time.perf_counter()
                done = job()
                elapsed = time.perf_counter() - start
            cr.rollback()  # keep the town as it is
        registry.reset_changes()
        results[target] = {
            "retention_months": months,
            "expired_requests": expired,
            "anonymised": done,
            "seconds": round(elapsed, 1),
            "ms_per_request": round(elapsed * 1000 / max(done or 0, 1), 2),
            **memory.summary(),
        }
        _logger.warning("anonymisation of %s: %s", target, results[target])
    return results


def report(sizes, by_size):
    """Print one line per search; return True when one that an index should
    bound grows beyond MAX_RATIO (or fails)."""
    labels = list(by_size[sizes[0]].keys())
    smallest, largest = sizes[0], sizes[-1]
    headers = [
        "search",
        *(f"{s:,} (ms)" for s in sizes),
        f"ratio {largest:,}/{smallest:,}",
        "verdict",
        "seq scan at largest",
    ]
    rows = []
    failed = False
    for label in labels:
        cells = [label]
        for size in sizes:
            r = by_size[size].get(label, {})
            cells.append("ERROR" if "error" in r else f"{r['seconds'] * 1000:.1f}")
        a, b = by_size[smallest].get(label, {}), by_size[largest].get(label, {})
        if "seconds" in a and "seconds" in b and a["seconds"]:
            ratio = b["seconds"] / a["seconds"]
            cells.append(f"{ratio:.1f}")
            if ratio <= MAX_RATIO:
                cells.append("ok")
            elif label in GROWING_BY_NATURE:
                cells.append("grows (by nature)")
            else:
                cells.append("GROWS")
                failed = True
        else:
            cells += ["-", "ERROR"]
            failed = True
        cells.append(
            ", ".join(b.get("seq_scans", []))
            or ("-" if "error" not in b else b["error"][:60])
        )
        rows.append(cells)
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument(
        "--with-proposed-indexes",
        action="store_true",
        help="also measure with the indexes of PROPOSED_INDEXES (dropped after)",
    )
    parser.add_argument(
        "--anonymisation",
        action="store_true",
        help="also run the anonymisation job at the largest size, over each"
        " number of --expired requests (rolled back)",
    )
    parser.add_argument("--expired", type=int, nargs="+", default=[10000, 100000])
    args = parser.parse_args()

    import odoo
    from odoo import SUPERUSER_ID, api
    from odoo.tools import config

    config.parse_config(
        ["-c", args.config, "-d", args.db, "--log-level=warn", "--max-cron-threads=0"]
    )
    logging.getLogger("scale").setLevel(logging.INFO)
    registry = odoo.modules.registry.Registry(args.db)
    random.seed(42)
    sizes = sorted(args.sizes)
    by_size, fills, anonymisation, with_indexes = {}, {}, {}, {}
    for size in sizes:
        with registry.cursor() as cr:
            town = Town(api.Environment(cr, SUPERUSER_ID, {}))
            start = time.perf_counter()
            added = town.fill(size)
            fills[size] = {
                "added": added,
                "seconds": round(time.perf_counter() - start, 1),
            }
            actual = town.request_count()
        _logger.warning("size %s: %s requests", size, actual)
        by_size[size] = measure_searches(registry)
        if args.with_proposed_indexes:
            with registry.cursor() as cr:
                create_proposed_indexes(cr)
            try:
                with_indexes[size] = measure_searches(registry)
            finally:
                with registry.cursor() as cr:
                    drop_proposed_indexes(cr)
        for label, r in by_size[size].items():
            _logger.warning(
                "  %s: %s", label, {k: v for k, v in r.items() if k != "plan"}
            )
    if args.anonymisation:
        anonymisation = measure_anonymisation(registry, sorted(args.expired))
    print(f"\nscale run on {args.db}: fills {json.dumps(fills)}\n")
    print("with the addons' own indexes (none of PROPOSED_INDEXES):")
    failed = report(sizes, by_size)
    if with_indexes:
        print("\nwith the proposed indexes:")
        for name, definition, why in PROPOSED_INDEXES:
            print(f"  {name}: ON {definition}\n      ({why})")
        print()
        report(sizes, with_indexes)
    if anonymisation:
        print(f"\nanonymisation job at {sizes[-1]:,} requests:")
        for target, figures in anonymisation.items():
            print(f"  {target}: {json.dumps(figures)}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "fills": fills,
                    "searches": by_size,
                    "with_proposed_indexes": with_indexes,
                    "anonymisation": anonymisation,
                },
                f,
                indent=1,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
