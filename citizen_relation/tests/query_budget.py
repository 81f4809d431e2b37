"""Query budgets of the hot paths, kept by the test suite.

``make bench`` (``tests/benchmarks/bench.py`` at the root of the repository)
counts the SQL queries of each hot path beside OCA helpdesk_mgmt, against the
budgets of ``tests/benchmarks/budgets.json``; but nothing ran it between two
benchmarks. The ``test_query_budgets.py`` files of the addons perform the same
operations on the same data and fail when one costs more queries than its
budget. Each budget is a constant at the top of its test class, with the key
of the benchmark operation it mirrors and the benchmark's figure: after a
change that moves a figure on purpose, recalibrating is a one-line change.
The addons' tests do not read ``budgets.json``: they run without the
repository, under Odoo's own runner.

How each counts:

- ``bench.py`` counts ``odoo.sql_db.sql_counter`` (every cursor of its
  process, HTTP server included) around one operation, after a first run that
  warmed the caches; each operation is a transaction of its own, committed,
  so that the flush and the pre-commit hooks (tracking, the status email) are
  counted.
- A test counts the queries of the test's cursor, as ``assertQueryCount``
  does (``cr.sql_log_count``); in an ``HttpCase``, the HTTP server's test
  cursor executes on it, so the server's queries are counted (the test
  cursor's savepoints are not). A first run warms the caches, and the record
  cache is emptied before the counted run; flushing the cursor at the end runs
  the pre-commit hooks, counted.
- Outside tests, the server first checks whether another worker changed the
  registry (one query per HTTP request, ``Registry.check_signaling``), which
  test mode skips: :meth:`QueryBudgetMixin.url_open_counted` runs that query,
  as Odoo's website performance tests do.

What still differs, so that a test's figure is at most the benchmark's:

- the transaction's timestamp: a new transaction that stamps a record reads
  PostgreSQL's clock once (``cr.now()``); a test is a single transaction, and
  the HTTP server's test cursor takes Python's clock: one query fewer on each
  operation that writes;
- the database list: a request without session (Open311, a visitor's first
  post) lists the databases to pick one, outside tests (one query);
- the mail domain: ``bench.py``'s database has none, and Odoo searches for it
  again on each email; the tests' town has one, read once (1 to 2 queries
  fewer);
- the visitor's language: a request without session gets the default
  language, en_US; when English is not installed (a French town's database,
  and make test's), Odoo reads the company's language instead
  (``odoo.tools.misc.get_lang``): one query more than on ``bench.py``'s
  English database.

Post-commit hooks are not run in tests: the notification of the schedulers
that wakes the acknowledgement job (one ``pg_notify``, counted by
``bench.py``) is the only query of the measured operations run there. The
figures are the same with or without demo data:
:meth:`QueryBudgetMixin.build_budget_town` sets what would change them.
"""

import contextlib
import logging
import os
import threading

from lxml import etree

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

PASSWORD = "budget-password-1234"  # noqa: S105 - throw-away test users


def view_specification(env, model, view_type, view_ref=None):
    """The specification the web client sends for the fields of a view.

    The same as ``view_specification`` of ``tests/benchmarks/bench.py``: a
    many2one always invisible in the view (one the view needs only for a
    domain) is read without its display name, as the web client does
    (``getFieldsSpec``).
    """
    view_id = env.ref(view_ref).id if view_ref else False
    views = env[model].get_views([(view_id, view_type)])
    fields = views["models"][model]["fields"]
    arch = etree.fromstring(views["views"][view_type]["arch"])
    visible = set()
    for node in arch.iter("field"):
        invisible = node.get("invisible") in ("True", "1") or node.get(
            "column_invisible"
        ) in ("True", "1")
        if not invisible:
            visible.add(node.get("name"))
    spec = {}
    for name, description in fields.items():
        if description["type"] in ("many2many", "one2many") or (
            description["type"] == "many2one" and name in visible
        ):
            spec[name] = {"fields": {"display_name": {}}}
        elif description["type"] == "many2one":
            spec[name] = {"fields": {}}
        else:
            spec[name] = {}
    return spec


def clone_rows(cr, table, ids, copies):
    """Insert ``copies`` SQL copies of each row ``ids`` of ``table``.

    What ``bench.py`` does to grow a table quickly: text columns under a unique
    index get a suffix, so that the copies of a reference stay unique. Caches
    must be invalidated afterwards.
    """
    cr.execute(
        """SELECT a.attname
             FROM pg_index i
             JOIN pg_attribute a
               ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary""",
        [table],
    )
    unique = {name for (name,) in cr.fetchall()}
    cr.execute(
        """SELECT column_name, data_type FROM information_schema.columns
            WHERE table_name = %s AND column_name != 'id'""",
        [table],
    )
    names, exprs = [], []
    for name, data_type in cr.fetchall():
        names.append(SQL.identifier(name))
        if name in unique and data_type in ("character varying", "text"):
            exprs.append(SQL("%s || '-' || g", SQL.identifier(name)))
        else:
            exprs.append(SQL.identifier(name))
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s, generate_series(1, %s) AS g"
            " WHERE id = ANY(%s)",
            SQL.identifier(table),
            SQL(", ").join(names),
            SQL(", ").join(exprs),
            SQL.identifier(table),
            copies,
            list(ids),
        )
    )
    cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


class QueryBudgetMixin:
    """The town of ``bench.py`` and the counting helpers of the query budget
    tests (on a TransactionCase or an HttpCase)."""

    @classmethod
    def build_budget_town(cls):
        """The data of ``bench.py`` (``Ours.setup`` and the start of its
        ``scenario``): a manager, a citizen with a portal account and 10
        requests, a category, 200 inhabitants and 100 requests in all.

        The figures must not depend on what else the database holds (demo
        data or not), so the settings that change a count are fixed here.
        """
        env = cls.env
        # A mail domain, as every town receiving emails has (demo data set
        # one). Without any, Odoo searches for one again on each email, and
        # bench.py's database has none: 2 to 3 queries more there.
        if not env.company.alias_domain_id:
            env.company.alias_domain_id = env["mail.alias.domain"].search(
                [], limit=1
            ) or env["mail.alias.domain"].create({"name": "budget.example.org"})
        if "citizen.team" in env:
            # As bench.py's town: no routing rule (each one found is read on
            # every creation), and new requests go to a front desk of no
            # department (demo data give it one, which lists read).
            env["citizen.routing.rule"].search([]).active = False
            env["citizen.team"].search([]).is_triage = False
            env["citizen.team"].create(
                {
                    "name": "Accueil budget",
                    "sequence": 0,
                    "is_triage": True,
                    "assignment_method": "manual",
                    "company_id": env.company.id,
                }
            )
        cls.user_manager = cls.create_budget_user(
            "budget.manager",
            [
                "base.group_user",
                "citizen_relation.group_citizen_manager",
                # bench.py's manager leads a team when routing is installed
                "citizen_relation_routing.group_citizen_team_leader",
            ],
        )
        cls.user_citizen = cls.create_budget_user(
            "budget.citizen", ["base.group_portal"]
        )
        cls.citizen = cls.user_citizen.partner_id
        cls.category = env["citizen.request.category"].create(
            # offered to citizens, as the benchmark's category: the form and
            # Open311 refuse the others
            {"name": "Voirie budget", "code": "BUDGET-V", "is_public": True}
        )
        cls.inhabitants = env["res.partner"].create(
            [
                {"name": f"Habitant {i}", "email": f"habitant{i}.budget@ex.org"}
                for i in range(200)
            ]
        )
        cls.requests = env["citizen.request"].create(
            [
                cls.request_vals(
                    f"initial {i}", cls.citizen if i < 10 else cls.inhabitants[i]
                )
                for i in range(100)
            ]
        )

    @classmethod
    def request_vals(cls, i, partner=None):
        """The values of a request in ``bench.py`` (``Ours.record_vals``)."""
        return {
            "title": f"Nid de poule rue des Lilas {i}",
            "description": "<p>Un trou dangereux devant le numéro 12.</p>",
            "channel": "phone",
            "category_id": cls.category.id,
            "partner_id": (partner or cls.citizen).id,
        }

    @classmethod
    def create_budget_user(cls, login, groups):
        """A user as ``bench.py`` creates them (``Runner.create_user``);
        ``groups`` are xmlids, those of an addon not installed are left out."""
        group_ids = [
            group.id
            for group in (
                cls.env.ref(xmlid, raise_if_not_found=False) for xmlid in groups
            )
            if group
        ]
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True, mail_create_nolog=True)
            .create(
                {
                    "name": login.replace(".", " ").title(),
                    "login": login,
                    "email": f"{login}@example.org",
                    "password": PASSWORD,
                    "groups_id": [(6, 0, group_ids)],
                }
            )
        )

    def count_queries(self, operation, name=None):
        """Queries run by ``operation()``, flush and pre-commit hooks included,
        counted as ``assertQueryCount`` counts them. The record cache is
        emptied first, as a new transaction finds it."""
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        with self._capture_queries() as statements:
            before = self.cr.sql_log_count
            operation()
            self.env.flush_all()
            self.env.cr.flush()
            count = self.cr.sql_log_count - before
        if statements is not None:
            self._write_queries(name or self._testMethodName, statements)
        return count

    @contextlib.contextmanager
    def _capture_queries(self):
        """With QUERY_BUDGET_SQL=<folder> in the environment, the statements
        counted are kept, to explain a figure (as ``make bench`` writes them to
        .build/bench/queries): the server's threads run the hooks of the
        Thread class."""
        if not os.environ.get("QUERY_BUDGET_SQL"):
            yield None
            return
        statements = []

        def hook(cr, query, params, start, delay):
            with contextlib.suppress(Exception):
                query = cr._obj.mogrify(query, params).decode()
            statements.append(query)

        threading.Thread.query_hooks = (hook,)
        try:
            yield statements
        finally:
            del threading.Thread.query_hooks

    def _write_queries(self, name, statements):
        folder = os.environ["QUERY_BUDGET_SQL"]
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"{name.replace('@', '-')}.sql")
        with open(path, "w", encoding="utf-8") as out:
            for n, statement in enumerate(statements, 1):
                out.write(f"-- {n}\n{statement};\n\n")

    def assertQueryBudget(self, key, budget, operation, prepare=None):
        """Fail when ``operation`` costs more than ``budget`` queries once the
        caches are warm; return the figure.

        As ``bench.py`` measures: ``operation`` runs once to warm the caches
        (kept, as the benchmark commits its warm-up), then once counted.
        ``prepare``, when given, runs before each run, uncounted, and its
        result is passed to ``operation``. ``key`` names the benchmark
        operation (``budgets.json``) the figure mirrors.

        Counted as ``assertQueryCount`` counts, but not under ``@warmup``: it
        rolls its warm-up back, so a first write (a year's numbering, say)
        would be paid again by the counted run, where the benchmark pays it
        once; and the growth checks compare the figures it returns.
        """
        counts = []
        for _run in range(2):
            prepared = prepare() if prepare else None
            args = (prepared,) if prepare else ()
            counts.append(self.count_queries(lambda args=args: operation(*args), key))
        count = counts[-1]
        _logger.info("query budget %s: %s queries (budget %s)", key, count, budget)
        self.assertLessEqual(
            count,
            budget,
            f"{key}: {count} queries, over its budget of {budget} (and"
            f" {counts[0]} with cold caches). If the cost is wanted, set the"
            " budget to the new figure and say why in the commit.",
        )
        return count

    def url_open_counted(self, *args, **kwargs):
        """``url_open``, with the query a server outside tests runs first
        (``Registry.check_signaling``), so that an HTTP request counts what
        it costs in production."""
        self.registry.get_sequences(self.cr)
        return self.url_open(*args, **kwargs)
