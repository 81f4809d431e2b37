"""Query-count benchmarks of the citizen relation addons beside OCA helpdesk_mgmt.

Two sub-commands:

``measure``
    Runs inside one Odoo process on one database (``--side ours`` on the
    database holding our addons, ``--side peer`` on the one holding
    helpdesk_mgmt). It starts Odoo's HTTP server in the same process, creates
    its own users and data, then performs every operation and counts the SQL
    queries the server executes for it, HTTP requests included (Odoo's global
    ``odoo.sql_db.sql_counter`` counts the queries of every cursor of the
    process, and the runner waits until the server thread is idle). Each
    operation is run once to warm the caches, then measured three times; the
    median is kept. Results are written as JSON.

``report``
    Reads both JSON files and the budgets, prints one table and exits with 1
    when an operation exceeds its budget, costs more than the peer where the
    budget says so, or could not be measured.

Query counts are deterministic and make the verdicts; times are printed for
information only (other work may be running on the machine).
"""

import argparse
import contextlib
import importlib.util
import json
import logging
import os
import platform
import re
import statistics
import sys
import threading
import time
import traceback
import uuid

MODULES = ("citizen_relation", "citizen_relation_routing", "citizen_relation_portal")
MODEL = {"ours": "citizen.request", "peer": "helpdesk.ticket"}
PASSWORD = "bench-password-1234"  # noqa: S105 - throw-away benchmark users
WARMUP = 1
RUNS = 3
_logger = logging.getLogger("bench")


class NotAvailable(Exception):
    """The operation needs an addon that does not exist: reported "n/a"."""


# ----------------------------------------------------------------------------
# measuring
# ----------------------------------------------------------------------------


def _short_path(filename):
    """A frame's file, from its addon's folder (or Odoo's ``odoo/``)."""
    match = re.search(r"/(citizen_relation\w*/.*)$", filename)
    return match.group(1) if match else filename.split("/addons/")[-1]


class QueryCapture:
    """Records the SQL of every thread of the process while active.

    Odoo calls the ``query_hooks`` of the current thread after each statement;
    setting them on the Thread class reaches the HTTP server's threads too.
    The statements of the last measured run of each operation are written to
    a file, so that a figure in the table can be explained.
    """

    def __init__(self):
        self.statements = []
        # BENCH_STACK=1 adds, under each statement, the Python frames that
        # issued it (Odoo's and the addons', innermost last).
        self.with_stack = bool(os.environ.get("BENCH_STACK"))

    def __call__(self, cr, query, params, start, delay):
        try:
            text = cr._obj.mogrify(query, params).decode()
        except Exception:  # noqa: BLE001 - keep the raw query
            text = f"{query} -- {params!r}"
        if self.with_stack:
            stack = [
                frame
                for frame in traceback.extract_stack()[:-1]
                if "/odoo/" in frame.filename
                or "/addons/" in frame.filename
                or "/citizen_relation" in frame.filename
            ]
            frames = [
                f"--   {_short_path(frame.filename)}:{frame.lineno} {frame.name}"
                for n, frame in enumerate(stack)
                if "citizen_relation" in frame.filename
                or n >= len(stack) - 6
                or os.environ.get("BENCH_STACK") == "all"
            ]
            text = "\n".join(frames) + "\n" + text
        self.statements.append((delay, threading.current_thread().name, text))

    @contextlib.contextmanager
    def active(self):
        self.statements = []
        threading.Thread.query_hooks = (self,)
        try:
            yield self
        finally:
            del threading.Thread.query_hooks

    def write(self, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            for n, (delay, thread, text) in enumerate(self.statements, 1):
                out.write(f"-- {n}: {delay * 1000:.2f} ms, {thread}\n{text};\n\n")


class Runner:
    def __init__(self, side, db, port):
        import requests

        import odoo

        self.odoo = odoo
        self.requests = requests
        self.side = side
        self.db = db
        self.base_url = f"http://127.0.0.1:{port}"
        self.registry = odoo.modules.registry.Registry(db)
        self.results = {}
        self.curves = {}
        self.info = {}
        self.model = MODEL[side]
        self.serial = 0
        self.queries_dir = None
        self._installed = {}
        # BENCH_OPS: comma-separated prefixes of the operations to measure
        # (all when empty), to iterate on one figure.
        self.only = [k for k in os.environ.get("BENCH_OPS", "").split(",") if k]

    # -- plumbing ------------------------------------------------------------

    @contextlib.contextmanager
    def env(self, uid=None, context=None):
        """An environment on a new cursor, committed when the block ends."""
        from odoo import SUPERUSER_ID, api

        with self.registry.cursor() as cr:
            yield api.Environment(cr, uid or SUPERUSER_ID, dict(context or {}))

    def next_serial(self):
        self.serial += 1
        return f"{self.serial}-{uuid.uuid4().hex[:8]}"

    @staticmethod
    def wait_server_idle(timeout=30):
        """Wait until no HTTP request thread of the embedded server is alive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = [
                t
                for t in threading.enumerate()
                if "process_request" in t.name and t.is_alive()
            ]
            if not busy:
                return
            time.sleep(0.005)

    def counted(self, func, *args, **kwargs):
        """Run ``func`` and return (its result, queries, seconds)."""
        from odoo import sql_db

        self.wait_server_idle()
        start_queries = sql_db.sql_counter
        start = time.perf_counter()
        result = func(*args, **kwargs)
        self.wait_server_idle()
        seconds = time.perf_counter() - start
        return result, sql_db.sql_counter - start_queries, seconds

    def measure(self, key, operation, runs=RUNS, warmup=WARMUP, store=True):
        """Warm up, then measure ``operation(i)`` ``runs`` times; keep the median.

        ``operation`` may return a short note (shown in the report) or raise
        ``NotAvailable``; any other exception is recorded as an error. An
        operation may have ``prepare(i)`` (run before, not counted; its result
        is passed as second argument) and ``check(prepared, before)`` (run
        after, not counted; returns the note) attributes.
        """
        if self.only and not any(key.startswith(prefix) for prefix in self.only):
            return {"na": "not asked for (BENCH_OPS)"}
        queries, seconds, note = [], [], ""
        capture = QueryCapture()
        prepare = getattr(operation, "prepare", None)
        check = getattr(operation, "check", None)
        try:
            for i in range(warmup + runs):
                last = i == warmup + runs - 1
                args = (i, prepare(i)) if prepare else (i,)
                with capture.active() if last else contextlib.nullcontext():
                    note, count, elapsed = self.counted(operation, *args)
                if check:
                    note = check(*args)
                if i >= warmup:
                    queries.append(count)
                    seconds.append(elapsed)
        except NotAvailable as e:
            result = {"na": str(e)}
        except Exception as e:  # noqa: BLE001 - reported in the table, run goes on
            _logger.error("%s failed:\n%s", key, traceback.format_exc())
            result = {"error": f"{type(e).__name__}: {e}"[:300]}
        else:
            result = {
                "queries": int(statistics.median(queries)),
                "seconds": statistics.median(seconds),
                "all": queries,
                "note": note or "",
            }
        _logger.warning("%s %s: %s", self.side, key, result)
        if self.queries_dir and capture.statements:
            capture.write(
                os.path.join(self.queries_dir, key.replace("@", "-") + ".sql")
            )
        if store:
            self.results[key] = result
        return result

    # -- HTTP ----------------------------------------------------------------

    def start_http(self):
        from odoo.service import server

        server.load_server_wide_modules()
        self.server = server.ThreadedServer(self.odoo.http.root)
        self.server.http_spawn()
        for _ in range(100):
            try:
                self.requests.get(f"{self.base_url}/web/webclient/version_info")
                return
            except self.requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the embedded HTTP server did not start")

    def http(self, session, method, path, expect=(200,), **kwargs):
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 300)
        headers = kwargs.pop("headers", {})
        headers["Connection"] = "close"
        response = session.request(
            method, self.base_url + path, headers=headers, **kwargs
        )
        if response.status_code not in expect:
            raise RuntimeError(
                f"{method} {path} answered {response.status_code}: "
                f"{response.text[:300]!r}"
            )
        return response

    def login(self, login):
        session = self.requests.Session()
        response = self.http(
            session,
            "POST",
            "/web/session/authenticate",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"db": self.db, "login": login, "password": PASSWORD},
            },
        )
        if "error" in response.json():
            raise RuntimeError(f"login {login}: {response.json()['error']}")
        return session

    def csrf_token(self, session, path):
        html = self.http(session, "GET", path).text
        match = re.search(r'name="csrf_token"\s+value="([^"]+)"', html) or re.search(
            r'csrf_token:\s*"([^"]+)"', html
        )
        if not match:
            raise RuntimeError(f"no CSRF token in {path}")
        return match.group(1)

    # -- data ----------------------------------------------------------------

    def installed(self, module):
        # remembered: the check must not add queries to the operations counted
        if module not in self._installed:
            with self.env() as env:
                self._installed[module] = bool(
                    env["ir.module.module"].search_count(
                        [("name", "=", module), ("state", "=", "installed")]
                    )
                )
        return self._installed[module]

    def require(self, module):
        """Raise NotAvailable when ``module`` does not exist at all.

        A module that exists must be installed (bench.sh installs every one
        present): if it is not, the operation is an error, not "n/a".
        """
        if self.installed(module):
            return
        from odoo.modules.module import get_module_path

        if not get_module_path(module, display_warning=False):
            raise NotAvailable(f"{module} does not exist")
        raise RuntimeError(f"{module} exists but is not installed in {self.db}")

    def create_user(self, env, login, groups):
        group_ids = [env.ref(xmlid).id for xmlid in groups]
        return (
            env["res.users"]
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

    def count_rows(self, model, domain=()):
        with self.env() as env:
            return (
                env[model]
                .sudo()
                .with_context(active_test=False)
                .search_count(list(domain))
            )


class Side:
    """The data and routes of one side; ``Ours`` and ``Peer`` implement it.

    Each provides ``setup()`` (users, a category, 200 citizens),
    ``record_vals()``, ``import_fields()`` and ``import_row()`` (bulk creation),
    ``stage_target()`` (the stage that emails the citizen), ``portal_path()``
    and ``form_submit()``. ``tag`` makes logins and codes unique per run.
    """

    def __init__(self, runner):
        self.r = runner
        self.model = runner.model
        self.tag = uuid.uuid4().hex[:6]


class Ours(Side):
    def setup(self):
        r = self.r
        r.require("citizen_relation")
        self.routing = r.installed("citizen_relation_routing")
        self.portal = r.installed("citizen_relation_portal")
        with r.env() as env:
            manager_groups = ["citizen_relation.group_citizen_manager"]
            if self.routing:
                manager_groups.append(
                    "citizen_relation_routing.group_citizen_team_leader"
                )
            self.manager = r.create_user(
                env, f"manager.{self.tag}", ["base.group_user", *manager_groups]
            ).id
            self.agent = r.create_user(
                env,
                f"agent.{self.tag}",
                ["base.group_user", "citizen_relation.group_citizen_agent"],
            ).id
            citizen = r.create_user(env, f"citizen.{self.tag}", ["base.group_portal"])
            self.citizen_login = citizen.login
            self.citizen_partner = citizen.partner_id.id
            self.citizen_email = citizen.email
            category = env["citizen.request.category"].create(
                {
                    "name": f"Voirie {self.tag}",
                    "code": f"V{self.tag}",
                    "is_public": True,
                }
            )
            self.category = category.id
            self.category_code = category.code
            self.partners = (
                env["res.partner"]
                .create(
                    [
                        {
                            "name": f"Habitant {i}",
                            "email": f"habitant{i}.{self.tag}@ex.org",
                        }
                        for i in range(200)
                    ]
                )
                .ids
            )
            # addresses are located by a stand-in of the BAN on the loopback
            self.address_standin = start_address_standin()
            for key, value in (
                ("ban_url", self.address_standin.base_url),
                ("ban_citycodes", BENCH_CITYCODE),
            ):
                env["ir.config_parameter"].set_param(f"citizen_relation.{key}", value)
            if self.portal:
                # the form's anti-abuse limits and Open311 reads are per IP:
                # every call here comes from 127.0.0.1
                params = env["ir.config_parameter"]
                # Open311 lists the requests of the categories that publish them
                category.publish_requests = True
                for scope in ("ip", "email", "read"):
                    params.set_param(
                        f"citizen_relation_portal.limit_{scope}_count", 10**7
                    )
            if self.routing:
                self.team = (
                    env["citizen.team"].create({"name": f"Voirie {self.tag}"}).id
                )
                # the manager's board also shows the routine work of the services
                self.routine = (
                    env["maintenance.request"]
                    .create([{"name": f"Tonte du parc {i}"} for i in range(100)])
                    .ids
                )

    def grow_mixed_board(self, copies):
        """Copy the 100 routine work orders ``copies - 1`` times, in SQL."""
        with self.r.env() as env:
            cr = env.cr
            cr.execute(
                """SELECT column_name FROM information_schema.columns
                    WHERE table_name = 'maintenance_request' AND column_name != 'id'"""
            )
            cols = ", ".join(f'"{c}"' for (c,) in cr.fetchall())
            cr.execute(
                f"INSERT INTO maintenance_request ({cols}) SELECT {cols}"  # noqa: S608
                " FROM maintenance_request, generate_series(2, %s)"
                " WHERE id = ANY(%s)",
                [copies, self.routine],
            )
            cr.execute("ANALYZE maintenance_request")
            cr.execute("SELECT count(*) FROM maintenance_request")
            return cr.fetchone()[0]

    def record_vals(self, i, partner=None):
        return {
            "title": f"Nid de poule rue des Lilas {i}",
            "description": "<p>Un trou dangereux devant le numéro 12.</p>",
            "channel": "phone",
            "category_id": self.category,
            "partner_id": partner or self.citizen_partner,
        }

    def import_fields(self):
        return ["title", "description", "channel", "category_id/.id", "partner_id/.id"]

    def import_row(self, i, partner):
        return [
            f"Encombrants rue Victor Hugo {i}",
            "Un matelas et une armoire sur le trottoir.",
            "counter",
            str(self.category),
            str(partner),
        ]

    def stage_target(self, env):
        return env.ref("citizen_relation.stage_resolved")

    def portal_path(self):
        self.r.require("citizen_relation_portal")
        return "/my/requests"

    def form_submit(self, session, i):
        r = self.r
        r.require("citizen_relation_portal")
        token = self._form_token(session)
        data = {
            "csrf_token": token,
            "title": f"Lampadaire éteint place de la Mairie {i}",
            "description": "Le lampadaire ne s'allume plus depuis trois jours.",
            "category_id": str(self.category),
            "contact_name": "Jeanne Martin",
            "contact_email": getattr(session, "bench_email", self.citizen_email),
            "consent": "on",
        }
        response = r.http(session, "POST", "/requests/new", data=data)
        if "citizen_request" not in response.text and "DEM-" not in response.text:
            raise RuntimeError("the form did not answer with the success page")

    def _form_token(self, session):
        if not getattr(session, "bench_token", None):
            session.bench_token = self.r.csrf_token(session, "/requests/new")
        return session.bench_token


class Peer(Side):
    def setup(self):
        r = self.r
        r.require("helpdesk_mgmt")
        with r.env() as env:
            self.manager = r.create_user(
                env,
                f"manager.{self.tag}",
                ["base.group_user", "helpdesk_mgmt.group_helpdesk_manager"],
            ).id
            citizen = r.create_user(env, f"citizen.{self.tag}", ["base.group_portal"])
            self.citizen_login = citizen.login
            self.citizen_partner = citizen.partner_id.id
            self.citizen_email = citizen.email
            self.category = (
                env["helpdesk.ticket.category"]
                .create({"name": f"Voirie {self.tag}"})
                .id
            )
            self.partners = (
                env["res.partner"]
                .create(
                    [
                        {
                            "name": f"Habitant {i}",
                            "email": f"habitant{i}.{self.tag}@ex.org",
                        }
                        for i in range(200)
                    ]
                )
                .ids
            )

    def record_vals(self, i, partner=None):
        return {
            "name": f"Nid de poule rue des Lilas {i}",
            "description": "<p>Un trou dangereux devant le numéro 12.</p>",
            "category_id": self.category,
            "partner_id": partner or self.citizen_partner,
        }

    def import_fields(self):
        return ["name", "description", "category_id/.id", "partner_id/.id"]

    def import_row(self, i, partner):
        return [
            f"Encombrants rue Victor Hugo {i}",
            "Un matelas et une armoire sur le trottoir.",
            str(self.category),
            str(partner),
        ]

    def stage_target(self, env):
        return env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    def portal_path(self):
        return "/my/tickets"

    def form_submit(self, session, i):
        r = self.r
        if not getattr(session, "bench_token", None):
            session.bench_token = r.csrf_token(session, "/new/ticket")
        data = {
            "csrf_token": session.bench_token,
            "subject": f"Lampadaire éteint place de la Mairie {i}",
            "description": "Le lampadaire ne s'allume plus depuis trois jours.",
            "category": str(self.category),
        }
        response = r.http(
            session, "POST", "/submitted/ticket", data=data, expect=(302, 303)
        )
        if "/my/ticket/" not in response.headers.get("Location", ""):
            raise RuntimeError("the form did not redirect to the new ticket")


# ----------------------------------------------------------------------------
# operations
# ----------------------------------------------------------------------------


def raw_email(to, sender, subject, serial):
    return (
        f"From: {sender}\r\n"
        f"To: {to}\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <bench-{serial}@example.org>\r\n"
        "Date: Sat, 28 Nov 2026 08:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "Bonjour,\r\n\r\nUn arbre est tombé sur le trottoir de l'avenue Jean Jaurès,"
        " devant l'école. Merci d'intervenir.\r\n\r\nJeanne Martin\r\n"
    ).encode()


def op_email(runner, side, known_sender=True):
    def operation(i):
        serial = runner.next_serial()
        sender = (
            f"Jeanne Martin <{side.citizen_email}>"
            if known_sender
            else f"Paul Nouveau <paul.{serial}@example.net>"
        )
        message = raw_email(
            "mairie@example.org", sender, f"Arbre tombé {serial}", serial
        )
        with runner.env() as env:
            thread_id = env["mail.thread"].message_process(runner.model, message)
        if not thread_id:
            raise RuntimeError("the mail gateway created nothing")

    return operation


def op_form(runner, side):
    session = runner.login(side.citizen_login)

    def operation(i):
        side.form_submit(session, i)

    return operation


def op_form_public(runner, side):
    """Our form also takes requests from visitors without an account."""
    session = runner.requests.Session()
    session.bench_email = f"visiteur.{side.tag}@example.net"

    def operation(i):
        side.form_submit(session, i)

    return operation


def op_stage_change(runner, side):
    """The manager moves a request to the stage that emails the citizen."""
    state = {}

    def prepare(i):
        with runner.env() as env:
            record = env[runner.model].create(side.record_vals(f"stage {i}"))
            state["target"] = side.stage_target(env).id
        state["mails"] = runner.count_rows("mail.mail")
        return record.id

    def operation(i, record_id):
        with runner.env(side.manager) as env:
            env[runner.model].browse(record_id).write({"stage_id": state["target"]})

    def check(i, record_id):
        sent = runner.count_rows("mail.mail") - state["mails"]
        if not sent:
            raise RuntimeError("the stage change queued no email")
        return f"{sent} email(s) queued"

    operation.prepare = prepare
    operation.check = check
    return operation


def op_acknowledgement_job(runner, side, batch):
    """Ours: the scheduled job that acknowledges the requests received,
    ``batch`` requests at a time. The creation paths above only wake it up;
    this is the rest of their cost, reported per request."""
    runner.require("citizen_relation")

    def prepare(i):
        with runner.env() as env:
            Request = env[runner.model]
            # what earlier operations left waiting is not this run's work
            Request._cron_send_acknowledgements()
            Request.create([side.record_vals(f"ack {i}.{n}") for n in range(batch)])

    def operation(i, _prepared):
        with runner.env() as env:
            done = env[runner.model]._cron_send_acknowledgements()
        if done != batch:
            raise RuntimeError(f"{done} requests acknowledged instead of {batch}")

    operation.prepare = prepare
    return operation


def op_portal_list(runner, side):
    path = side.portal_path()
    session = runner.login(side.citizen_login)

    def operation(i):
        response = runner.http(session, "GET", path)
        return f"{response.text.count('<tr')} rows in the page"

    return operation


def view_specification(env, model, view_type, view_ref=None):
    """The specification the web client sends for the fields of a view."""
    from lxml import etree

    view_id = env.ref(view_ref).id if view_ref else False
    views = env[model].get_views([(view_id, view_type)])
    fields = views["models"][model]["fields"]
    # As the web client (getFieldsSpec): a many2one always invisible in the
    # view (a field the view only needs for a domain) is read without its
    # display name.
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


def op_view_first_page(runner, side, view_type, model=None, view_ref=None):
    model = model or runner.model
    with runner.env(side.manager) as env:
        spec = view_specification(env, model, view_type, view_ref)

    def operation(i):
        with runner.env(side.manager) as env:
            result = env[model].web_search_read(
                [], spec, offset=0, limit=80, count_limit=10001
            )
        return f"{len(result['records'])} of {result['length']} records"

    return operation


def op_counter_wizard(runner, side):
    def operation(i):
        with runner.env(side.agent) as env:
            wizard = env["citizen.request.quick.entry"].create(
                {
                    "channel": "counter",
                    "partner_id": side.citizen_partner,
                    "contact_name": "Jeanne Martin",
                    "contact_phone": "06 12 34 56 78",
                    "category_id": side.category,
                    "title": f"Dépôt sauvage chemin du Moulin {i}",
                    "description": "<p>Des gravats au bord du chemin.</p>",
                }
            )
            wizard.action_create()
            if not wizard.request_id:
                raise RuntimeError("the counter wizard created no request")

    return operation


# The town of the benchmark for the address service (Paris), and the streets
# of Open311's posts: each post is a new report, a street and a kilometre
# away from the others (not a duplicate the engine would link).
BENCH_CITYCODE = "75056"
OPEN311_STREETS = (
    "rue de la République",
    "avenue Jean Jaurès",
    "place de la Mairie",
    "boulevard Victor Hugo",
    "rue Pasteur",
    "allée des Tilleuls",
    "quai de la Gare",
    "chemin des Vignes",
)


def loopback_standin_class():
    """``LoopbackStandin`` of the core's tests, loaded from its file: importing
    the tests package would import Odoo's test framework (an error outside
    test mode)."""
    from odoo.modules.module import get_module_path

    path = os.path.join(get_module_path("citizen_relation"), "tests", "standin.py")
    spec = importlib.util.spec_from_file_location("citizen_relation_standin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LoopbackStandin


def start_address_standin():
    """A local stand-in for the Base Adresse Nationale, so that the benchmark
    never reaches the internet: every address asked is found in the town
    (GeoCodeJSON, one feature, score 0.9), as a real address would be."""

    class AddressStandin(loopback_standin_class()):
        def __call__(self, environ, start_response):
            from urllib.parse import parse_qs

            params = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
            label = params.get("q") or "1 place de l'Hôtel de Ville"
            feature = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.3522, 48.8566]},
                "properties": {
                    "label": f"{label} 75001 Paris",
                    "score": 0.9,
                    "id": f"{BENCH_CITYCODE}_0000_00001",
                    "type": "housenumber",
                    "name": label,
                    "street": label,
                    "postcode": "75001",
                    "citycode": BENCH_CITYCODE,
                    "city": "Paris",
                },
            }
            body = json.dumps(
                {"type": "FeatureCollection", "features": [feature]}
            ).encode()
            start_response("200 OK", [("Content-Type", "application/json")])
            return [body]

    return AddressStandin().start()


def open311_client(runner, side):
    with runner.env() as env:
        client = env["citizen.api.client"].create(
            {"name": f"Appli mobile {side.tag}", "allow_open311": True}
        )
        return client._set_new_key()


def op_open311_post(runner, side, key):
    session = runner.requests.Session()

    def operation(i):
        street = OPEN311_STREETS[i % len(OPEN311_STREETS)]
        response = runner.http(
            session,
            "POST",
            "/open311/v2/requests.json",
            expect=(200, 201),
            data={
                "api_key": key,
                "service_code": side.category_code,
                "lat": f"{48.80 + 0.01 * i:.4f}",
                "long": "2.3522",
                "address_string": f"{i + 1} {street}",
                "email": side.citizen_email,
                "first_name": "Jeanne",
                "last_name": "Martin",
                "description": "Un panneau de signalisation est tombé.",
            },
        )
        if "service_request_id" not in response.text:
            raise RuntimeError(f"Open311 created nothing: {response.text[:200]}")

    return operation


def op_open311_get(runner, side):
    session = runner.requests.Session()

    def operation(i):
        response = runner.http(session, "GET", "/open311/v2/requests.json")
        return f"{len(response.json())} requests listed"

    return operation


# ----------------------------------------------------------------------------
# scenario
# ----------------------------------------------------------------------------


def bulk_create(runner, side, total, step=1000, sample=1000):
    """Grow the table to ``total`` records by steps, through ``load()``.

    ``load()`` is the import path (what a CSV import calls). At each step of
    ``step`` records, ``sample`` of them are imported and timed, and when
    ``sample < step`` the rest of the step is made of SQL copies of the rows
    just imported, so that the next import meets a table of the full size:
    the per-step time then shows whether creating a request costs more when
    the table is larger, without paying the import of every record. The first
    step belongs to the portal citizen, the others to 200 citizens in turn.
    Returns the curve: one point per step.
    """
    curve = []
    fields = side.import_fields()
    start = runner.count_rows(runner.model)
    done = 0
    while done < total:
        rows = []
        for i in range(done, done + sample):
            partner = (
                side.citizen_partner
                if done == 0
                else side.partners[i % len(side.partners)]
            )
            rows.append(side.import_row(i, partner))

        def load(rows=rows):
            with runner.env(context={"import_file": True}) as env:
                result = env[runner.model].load(fields, rows)
                errors = [m for m in result["messages"] if m.get("type") == "error"]
                if errors or not result["ids"]:
                    raise RuntimeError(f"import failed: {errors[:3]}")
                return result["ids"]

        ids, queries, seconds = runner.counted(load)
        if step > sample:
            copies = -(-(step - sample) // sample)  # ceil
            with runner.env() as env:
                clone_rows(env.cr, env[runner.model]._table, ids, copies)
        done += step
        curve.append(
            {
                "records": runner.count_rows(runner.model) - start,
                "loaded": len(rows),
                "queries": queries,
                "seconds": seconds,
            }
        )
        _logger.warning("%s bulk: %s", runner.side, curve[-1])
    return curve


def clone_rows(cr, table, ids, copies):
    """Insert ``copies`` SQL copies of the rows ``ids`` of ``table``.

    Text columns under a unique index get a suffix, so that the copies of a
    reference stay unique.
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
        names.append(f'"{name}"')
        if name in unique and data_type in ("character varying", "text"):
            exprs.append(f"\"{name}\" || '-' || g")
        else:
            exprs.append(f'"{name}"')
    cr.execute(
        f"INSERT INTO {table} ({', '.join(names)})"  # noqa: S608 - catalog names
        f" SELECT {', '.join(exprs)} FROM {table}, generate_series(1, %s) AS g"
        " WHERE id = ANY(%s)",
        [copies, list(ids)],
    )
    cr.execute(f"ANALYZE {table}")


def add_rules(runner, side, count):
    with runner.env() as env:
        Rule = env["citizen.routing.rule"]
        vals = []
        for i in range(count):
            rule = {
                "name": f"Règle {side.tag} {i}",
                "sequence": 100 + i,
                "team_id": side.team,
            }
            if "keywords" in Rule._fields:
                rule["keywords"] = f"zzmot{i} introuvable{i}"
            if "district" in Rule._fields:
                rule["district"] = f"Quartier inconnu {i}"
            vals.append(rule)
        Rule.create(vals)
        return Rule.search_count([])


def add_categories(runner, side, count):
    with runner.env() as env:
        Category = env["citizen.request.category"]
        Category.create(
            [
                {"name": f"Catégorie {side.tag} {i}", "code": f"C{side.tag}{i}"}
                for i in range(count)
            ]
        )
        return Category.search_count([])


def scenario(runner, side):
    r = runner
    side.setup()
    r.start_http()
    ours = r.side == "ours"
    # The citizen has 10 requests, the town 100: more than one page of 80, so
    # that the first page costs its count query at both sizes.
    with r.env() as env:
        env[r.model].create(
            [
                side.record_vals(f"initial {i}", None if i < 10 else side.partners[i])
                for i in range(100)
            ]
        )
    r.info["records_small"] = r.count_rows(r.model)

    # Read paths first, while the citizen and the town have 10 records.
    r.measure("portal_list@small", op_portal_list(r, side))
    r.measure("kanban@small", op_view_first_page(r, side, "kanban"))
    r.measure("list@small", op_view_first_page(r, side, "list"))
    key = None
    if ours:
        mixed = (
            "maintenance.request",
            "citizen_relation_routing.maintenance_request_view_kanban_workload",
        )
        r.measure("mixed_board@small", _routing_op(r, side, mixed))
        key = _open311_key(r, side)
        r.measure("open311_get@small", _portal_op(r, side, key, op_open311_get))

    # Creation paths.
    r.measure("email_create", op_email(r, side))
    r.measure("email_create_new_sender", op_email(r, side, known_sender=False))
    r.measure("form_create", _lazy(op_form, r, side))
    if ours:
        r.measure("form_create_public", _lazy(op_form_public, r, side))
    r.measure("stage_change_email", op_stage_change(r, side))
    if ours:
        r.measure("counter_create", op_counter_wizard(r, side))
        r.measure(
            "open311_create",
            _portal_op(r, side, key, lambda rr, s: op_open311_post(rr, s, key)),
        )
        r.measure("acknowledgement_job@1", op_acknowledgement_job(r, side, 1))
        result = r.measure(
            "acknowledgement_job@20", op_acknowledgement_job(r, side, 20)
        )
        if "queries" in result:
            result["queries"] = round(result["queries"] / 20)
            result["seconds"] /= 20
            result["note"] = "per request, in batches of 20"

    # Bulk creation, then the read paths again at 1,000+ records per citizen.
    curve = bulk_create(r, side, total=r.bulk, step=1000, sample=r.bulk_sample)
    r.curves["bulk_create"] = curve
    r.info["records_large"] = r.count_rows(r.model)
    if ours and side.routing:
        r.info["mixed_board_large"] = side.grow_mixed_board(100)
    r.measure("portal_list@large", op_portal_list(r, side))
    r.measure("kanban@large", op_view_first_page(r, side, "kanban"))
    r.measure("list@large", op_view_first_page(r, side, "list"))
    if ours:
        r.measure("mixed_board@large", _routing_op(r, side, mixed))
        r.measure("open311_get@large", _portal_op(r, side, key, op_open311_get))
    r.info["citizen_records_large"] = r.count_rows(
        r.model, [("partner_id", "=", side.citizen_partner)]
    )

    # Creation cost against the number of routing rules and categories.
    if ours:
        _scaling_creation(r, side)


def _lazy(factory, runner, side, *args):
    """Build the operation on first use, so that set-up errors are reported."""
    built = {}

    def operation(i):
        if "op" not in built:
            built["op"] = factory(runner, side, *args)
        return built["op"](i)

    return operation


def _routing_op(runner, side, mixed):
    def operation(i):
        runner.require("citizen_relation_routing")
        model, view_ref = mixed
        if "op" not in cache:
            cache["op"] = op_view_first_page(runner, side, "kanban", model, view_ref)
        return cache["op"](i)

    cache = {}
    return operation


def _open311_key(runner, side):
    if not runner.installed("citizen_relation_portal"):
        return None
    try:
        return open311_client(runner, side)
    except Exception:  # noqa: BLE001 - reported by the operations that need it
        _logger.error("no Open311 client:\n%s", traceback.format_exc())
        return None


def _portal_op(runner, side, key, factory):
    cache = {}

    def operation(i):
        runner.require("citizen_relation_portal")
        if key is None:
            raise RuntimeError("no Open311 API client could be created")
        if "op" not in cache:
            cache["op"] = factory(runner, side)
        return cache["op"](i)

    return operation


def _scaling_creation(r, side):
    try:
        r.require("citizen_relation_routing")
    except NotAvailable as e:
        for key in ("rules", "categories"):
            for size in ("10", "1000"):
                r.results[f"create_{key}@{size}"] = {"na": str(e)}
        return
    except Exception as e:  # noqa: BLE001
        for key in ("rules", "categories"):
            for size in ("10", "1000"):
                r.results[f"create_{key}@{size}"] = {"error": str(e)}
        return
    r.info["rules_10"] = add_rules(r, side, 10)
    r.measure("create_rules@10", op_email(r, side))
    r.measure("form_rules@10", _lazy(op_form, r, side))
    r.info["rules_1000"] = add_rules(r, side, 990)
    r.measure("create_rules@1000", op_email(r, side))
    r.measure("form_rules@1000", _lazy(op_form, r, side))
    r.info["categories_10"] = r.count_rows("citizen.request.category")
    r.measure("create_categories@10", op_email(r, side))
    r.measure("form_categories@10", _lazy(op_form, r, side))
    r.info["categories_1000"] = add_categories(r, side, 990)
    r.measure("create_categories@1000", op_email(r, side))
    r.measure("form_categories@1000", _lazy(op_form, r, side))


def machine():
    import odoo

    info = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
            info["memory_gib"] = round(kib / 1024 / 1024, 1)
    with contextlib.suppress(Exception):
        with odoo.sql_db.db_connect("postgres").cursor() as cr:
            cr.execute("SHOW server_version")
            info["postgresql"] = cr.fetchone()[0]
    return info


def silence_mail_delivery():
    """No email leaves the machine: delivery is replaced by a no-op.

    The queries Odoo runs to prepare and queue the email are still counted;
    only the SMTP conversation is skipped.
    """
    from odoo.addons.base.models.ir_mail_server import IrMailServer

    def send_email(self, message, *args, **kwargs):
        return message.get("Message-Id") or "<bench@localhost>"

    def connect(self, *args, **kwargs):
        class Null:
            def quit(self):
                return None

            def __getattr__(self, name):
                return lambda *a, **k: None

        return Null()

    IrMailServer.send_email = send_email
    IrMailServer.connect = connect


def cmd_measure(args):
    import odoo
    from odoo.tools import config

    config.parse_config(
        [
            "-c",
            args.config,
            "-d",
            args.db,
            f"--http-port={args.port}",
            "--max-cron-threads=0",
            f"--db-filter=^{re.escape(args.db)}$",
            "--log-level=warn",
            "--workers=0",
        ]
    )
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("bench").setLevel(logging.INFO)
    silence_mail_delivery()
    started = time.time()
    runner = Runner(args.side, args.db, args.port)
    runner.queries_dir = args.queries_dir
    runner.bulk = args.bulk
    runner.bulk_sample = args.bulk_sample
    side = Ours(runner) if args.side == "ours" else Peer(runner)
    status = 0
    try:
        scenario(runner, side)
    except NotAvailable as e:
        runner.results["_side"] = {"na": str(e)}
    except Exception as e:  # noqa: BLE001 - written to the results, exit 1
        _logger.error("scenario stopped:\n%s", traceback.format_exc())
        runner.results["_scenario"] = {"error": f"{type(e).__name__}: {e}"[:300]}
        status = 1
    output = {
        "side": args.side,
        "db": args.db,
        "odoo": odoo.release.version,
        "machine": machine(),
        "seconds": round(time.time() - started, 1),
        "info": runner.info,
        "results": runner.results,
        "curves": runner.curves,
    }
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(output, out, indent=1)
    return status


# ----------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------


def load_json(path):
    if not path or not os.path.exists(path):
        return {"results": {}, "curves": {}, "info": {}, "missing": True}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def cell(result):
    if result is None:
        return "-"
    if "na" in result:
        return "n/a"
    if "error" in result:
        return "ERROR"
    return str(result["queries"])


def timing(result):
    if result and "seconds" in result:
        return f"{result['seconds'] * 1000:.0f}"
    return "-"


def verdict_for(budget, ours, peer):
    """Return (verdict, failed) for one operation."""
    if ours is None:
        return "not measured", True
    if "na" in ours:
        return "n/a (" + ours["na"] + ")", False
    if "error" in ours:
        return "ERROR " + ours["error"][:60], True
    problems = []
    if budget.get("max") is not None and ours["queries"] > budget["max"]:
        problems.append("over budget")
    if budget.get("vs_peer") and peer and "queries" in peer:
        # an intake may spend a fixed number of queries more than the peer
        # (the wake-up of the acknowledgement job, once per transaction)
        if ours["queries"] > peer["queries"] + budget.get("peer_margin", 0):
            problems.append("above peer")
    return ("FAIL: " + ", ".join(problems), True) if problems else ("ok", False)


def delta(results, small, large):
    a, b = results.get(small), results.get(large)
    if a is None or b is None:
        return None
    for r in (a, b):
        if "na" in r or "error" in r:
            return r
    return {
        "queries": b["queries"] - a["queries"],
        "seconds": b["seconds"] - a["seconds"],
    }


def cmd_report(args):
    ours = load_json(args.ours)
    peer = load_json(args.peer)
    with open(args.budgets, encoding="utf-8") as f:
        budgets = json.load(f)
    rows = []
    failed = False
    for row in budgets["operations"]:
        key = row["key"]
        if "from" in row:
            o = delta(ours["results"], row["from"], key)
            p = delta(peer["results"], row["from"], key)
        else:
            o = ours["results"].get(key)
            p = peer["results"].get(key) if row.get("peer", True) else None
        verdict, bad = verdict_for(row, o, p)
        failed |= bad
        parts = [] if row.get("max") is None else [f"<= {row['max']}"]
        if row.get("vs_peer"):
            margin = row.get("peer_margin", 0)
            parts.append(f"<= peer + {margin}" if margin else "<= peer")
        budget = " and ".join(parts) or "-"
        rows.append(
            (
                row["label"],
                cell(o),
                cell(p) if row.get("peer", True) else "-",
                budget,
                verdict,
                timing(o),
                timing(p) if row.get("peer", True) else "-",
            )
        )
    headers = (
        "operation",
        "ours (queries)",
        "peer (queries)",
        "budget",
        "verdict",
        "ours ms",
        "peer ms",
    )
    print_table(headers, rows)

    # Bulk creation curves.
    bulk = budgets["bulk"]
    for name, data in (("ours", ours), ("peer", peer)):
        curve = data.get("curves", {}).get("bulk_create")
        if not curve:
            print(f"\nbulk creation ({name}): not measured")
            if name == "ours":
                failed = True
            continue
        print(
            f"\nbulk creation through load() ({name}): at each step of 1,000"
            " records, the import of `loaded` records is timed"
        )
        print("  table size  loaded  queries  seconds  s per 1,000")
        for point in curve:
            point.setdefault("loaded", 1000)
            per_1000 = point["seconds"] * 1000 / point["loaded"]
            point["per_1000"] = per_1000
            print(
                f"  {point['records']:>10}  {point['loaded']:>6}"
                f"  {point['queries']:>7}  {point['seconds']:>7.2f}  {per_1000:>11.1f}"
            )
        if name == "ours" and len(curve) >= 4:
            # the first step warms the caches; medians resist a busy machine
            first = statistics.median(p["per_1000"] for p in curve[1:4])
            last = statistics.median(p["per_1000"] for p in curve[-3:])
            ratio = last / first if first else float("inf")
            q_first = curve[1]["queries"]
            q_last = curve[-1]["queries"]
            q_ratio = q_last / q_first if q_first else float("inf")
            ok = ratio <= bulk["max_time_ratio"] and q_ratio <= bulk["max_query_ratio"]
            failed |= not ok
            print(
                f"  time per record, last 3 steps / steps 2-4 (medians): {ratio:.2f}"
                f" (budget {bulk['max_time_ratio']}); queries per import, last /"
                f" second: {q_ratio:.3f} (budget {bulk['max_query_ratio']}) ->"
                f" {'ok' if ok else 'FAIL: not linear'}"
            )
    for name, data in (("ours", ours), ("peer", peer)):
        if data.get("missing"):
            print(f"\n{name}: no measurements (not run)")
            failed |= name == "ours"
            continue
        extra = data["results"].get("_scenario") or data["results"].get("_side")
        if extra:
            print(f"\n{name}: scenario stopped early: {extra}")
            failed |= "error" in extra
        print(
            f"\n{name}: database {data.get('db')}, Odoo {data.get('odoo')},"
            f" {data.get('seconds')} s; {json.dumps(data.get('info', {}))}"
        )
    m = ours.get("machine") or peer.get("machine") or {}
    print(
        f"machine: {m.get('cpus')} CPUs, {m.get('memory_gib')} GiB,"
        f" PostgreSQL {m.get('postgresql')}, Python {m.get('python')}"
    )
    print("\nverdict:", "FAIL" if failed else "all budgets met")
    return 1 if failed else 0


def print_table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    measure = sub.add_parser("measure")
    measure.add_argument("--side", choices=("ours", "peer"), required=True)
    measure.add_argument("--config", required=True)
    measure.add_argument("--db", required=True)
    measure.add_argument("--port", type=int, default=8169)
    measure.add_argument("--out", required=True)
    measure.add_argument("--bulk", type=int, default=10000)
    measure.add_argument(
        "--bulk-sample",
        type=int,
        default=200,
        help="records imported per step of 1,000 (the rest copied in SQL);"
        " 1000 imports every record",
    )
    measure.add_argument("--queries-dir", help="write the SQL of each operation here")
    report = sub.add_parser("report")
    report.add_argument("--ours")
    report.add_argument("--peer")
    report.add_argument("--budgets", required=True)
    args = parser.parse_args()
    if args.command == "measure":
        return cmd_measure(args)
    return cmd_report(args)


if __name__ == "__main__":
    sys.exit(main())
