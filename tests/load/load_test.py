#!/usr/bin/env python3
"""Load test: concurrent public submissions and emails at a multi-worker Odoo.

Starts Odoo with several workers on a free local port against its own
database (created with the three addons on first use, updated after), then
sends, at the same time, N submissions of the public form (each in its own
browser session) and N emails through XML-RPC ``message_process``, as the
mail fetcher does. The server's scheduler acknowledges the requests; once it
has (or after 5 minutes), it counts, for each submission, the requests
created and the acknowledgements queued, and prints:

    submitted, created, acknowledged, errors, lost

``lost`` counts submissions that were accepted (or failed without a clean
answer) but left no request; it must be 0. Duplicated requests and
duplicated references are reported too. Every loop is bounded and the
server is stopped at the end; the exit code is 0 only when nothing was lost
or duplicated and every request was acknowledged once.

With ``--rate R --duration S``, the submissions arrive at a steady pace
instead (R per second for S seconds, email, form and Open311 in turn), and
Odoo hands its emails to a local SMTP sink on the loopback, which notes when
each one arrives. Beside the counts, the run then prints the wait of each
acknowledgement: from the request's ``create_date`` (the start of the
transaction that recorded it, a little before its commit: the wait is
over-estimated by the transaction's length) to its arrival at the sink, as
p50, p95 and max; and the emails received twice for one request and
recipient (acknowledgements and any other email, escalations included).

With ``--servers 2``, two Odoo servers run in separate processes, on two
ports, each with its workers and its scheduler, on one database and one
filestore (the ``data_dir`` of the configuration), behind no proxy: the load
is spread across both. The run then also checks that the per-email and
per-IP limits of the public form hold across the servers (a few submissions
sent to each in turn over a small limit), and, from the scheduler's log of
each server, that no scheduled job ran on both at the same time.

Usage (from the repository root):

    .venv/bin/python tests/load/load_test.py [-n 20] [--workers 2] [--db name]
    .venv/bin/python tests/load/load_test.py --rate 10 --duration 60 [--servers 2]
"""

import argparse
import concurrent.futures
import email
import email.policy
import os
import re
import signal
import socket
import socketserver
import statistics
import subprocess
import sys
import threading
import time
import uuid
import xmlrpc.client
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
MODULES = "citizen_relation,citizen_relation_routing,citizen_relation_portal"
EMAIL = """To: demandes-charge@localhost
From: Habitant {index} <{sender}>
Subject: Demande par email {index} {run}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Date: Wed, 4 Mar 2026 09:30:00 +0000
Message-ID: <{message_id}>

Bonjour, le lampadaire numero {index} est en panne.
"""


def odoo_command(args):
    source = os.environ.get("ODOO_SRC", "/opt/odoo")
    python = os.environ.get("PYTHON", str(ROOT / ".venv" / "bin" / "python"))
    return [
        python,
        f"{source}/odoo-bin",
        "-c",
        str(ROOT / ".build" / "odoo.conf"),
        *args,
    ]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_ready(db):
    """Whether the database exists with the portal addon installed."""
    result = subprocess.run(
        [
            "psql",
            "-d",
            db,
            "-tAc",
            "SELECT 1 FROM ir_module_module"
            " WHERE name = 'citizen_relation_portal' AND state = 'installed'",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() == "1"


def update_database(db):
    """Bring a database of an earlier run to the addons as they are now."""
    print(f"Updating {MODULES} in {db}")
    subprocess.run(
        odoo_command(
            [
                "-d",
                db,
                "-u",
                MODULES,
                "--stop-after-init",
                "--log-level=warn",
            ]
        ),
        check=True,
        timeout=1800,
    )


def create_database(db):
    print(f"Creating database {db} with {MODULES} (a few minutes, once)")
    subprocess.run(
        ["dropdb", "--if-exists", "--force", db], check=False, capture_output=True
    )
    subprocess.run(
        odoo_command(
            [
                "-d",
                db,
                "-i",
                MODULES,
                "--without-demo=all",
                "--stop-after-init",
                "--log-level=warn",
            ]
        ),
        check=True,
        timeout=1800,
    )


def start_server(db, port, workers, log_path, cron_threads=1, smtp_port=None):
    log = open(log_path, "w")  # noqa: SIM115 - closed by stop_server
    extra = []
    if smtp_port:
        extra = [
            "--smtp=127.0.0.1",
            f"--smtp-port={smtp_port}",
            # the scheduler's runs, to check that no job runs twice at once
            "--log-handler=odoo.addons.base.models.ir_cron:INFO",
            # the limits per IP address read X-Forwarded-For, as behind nginx
            "--proxy-mode",
        ]
    process = subprocess.Popen(
        odoo_command(
            [
                "-d",
                db,
                f"--db-filter=^{db}$",
                f"--http-port={port}",
                f"--gevent-port={free_port()}",
                f"--workers={workers}",
                # the acknowledgements are written by a scheduled action
                f"--max-cron-threads={cron_threads}",
                "--limit-time-real=300",
                "--limit-time-cpu=240",
                "--log-level=warn",
                *extra,
            ]
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log_file = log
    return process


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    process.log_file.close()


def wait_until_up(base, process, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Odoo stopped while starting (see its log)")
        try:
            if requests.get(f"{base}/web/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"Odoo did not answer on {base} within {timeout} s")


class Town:
    """XML-RPC access as the administrator."""

    def __init__(self, base, db, login, password):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common")
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"Cannot log in as {login} on {db}")
        self.base = base

    def call(self, model, method, *args, **kwargs):
        # one proxy per call: ServerProxy is not thread-safe
        proxy = xmlrpc.client.ServerProxy(f"{self.base}/xmlrpc/2/object")
        return proxy.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )


def prepare(town, run):
    """Settings for the run: no flood limit from this machine, a public
    category for the form."""
    for key in ("limit_ip_count", "limit_email_count"):
        town.call(
            "ir.config_parameter",
            "set_param",
            f"citizen_relation_portal.{key}",
            "100000",
        )
    return town.call(
        "citizen.request.category",
        "create",
        {"name": f"Charge {run}", "code": f"LOAD-{run}", "is_public": True},
    )


def submit_form(base, category_id, run, index, email=None, headers=None):
    """One citizen, one browser session: open the form, send it."""
    email = email or f"load-web-{run}-{index}@example.net"
    with requests.Session() as session:
        session.headers.update(headers or {})
        page = session.get(f"{base}/requests/new", timeout=60)
        page.raise_for_status()
        match = re.search(r'name="csrf_token"\s+value="([^"]+)"', page.text)
        if not match:
            raise RuntimeError("no CSRF token in the form")
        response = session.post(
            f"{base}/requests/new",
            data={
                "csrf_token": match.group(1),
                "category_id": str(category_id),
                "title": f"Lampadaire {index} {run}",
                "description": f"Le lampadaire {index} est en panne.",
                "street": f"{index} rue de la Charge",
                "city": "Valmont",
                "contact_name": f"Habitant Web {index}",
                "contact_email": email,
                "consent": "1",
            },
            timeout=120,
        )
    if response.status_code != 200 or "o_citizen_request_reference" not in (
        response.text
    ):
        raise RuntimeError(f"form answered {response.status_code}")
    return email


def send_email(town, run, index):
    sender = f"load-mail-{run}-{index}@example.net"
    raw = EMAIL.format(
        index=index,
        run=run,
        sender=sender,
        message_id=f"load-{run}-{index}@example.net",
    )
    town.call("mail.thread", "message_process", "citizen.request", raw)
    return sender


def wait_for_acknowledgements(town, submissions, timeout=300):
    """The scheduled action acknowledges the requests a moment after they
    arrive: wait until none of them is waiting, or the timeout."""
    emails = [email for email, _accepted in submissions]
    started = time.monotonic()
    while time.monotonic() < started + timeout:
        waiting = town.call(
            "citizen.request",
            "search_count",
            [("contact_email", "in", emails), ("acknowledgement_method", "=", False)],
        )
        if not waiting:
            break
        time.sleep(1)
    return time.monotonic() - started


def count(town, submissions):
    """{email: (requests, acknowledged requests, acknowledgement emails)}."""
    emails = [email for email, _accepted in submissions]
    requests_found = town.call(
        "citizen.request",
        "search_read",
        [("contact_email", "in", emails)],
        fields=["contact_email", "name", "acknowledgement_method", "partner_id"],
    )
    mails = town.call(
        "mail.mail",
        "search_read",
        [
            ("model", "=", "citizen.request"),
            ("res_id", "in", [row["id"] for row in requests_found]),
        ],
        fields=["res_id", "recipient_ids"],
    )
    result = {email: [0, 0, 0] for email in emails}
    by_id = {}
    for row in requests_found:
        entry = result[row["contact_email"]]
        entry[0] += 1
        entry[1] += row["acknowledgement_method"] == "email"
        by_id[row["id"]] = (entry, row["partner_id"] and row["partner_id"][0])
    for mail in mails:
        entry, partner_id = by_id[mail["res_id"]]
        entry[2] += partner_id in mail["recipient_ids"]
    references = [row["name"] for row in requests_found]
    return result, references


def change_stage_concurrently(town, request_id, concurrency):
    """Several agents move the same request at once: every write ends
    (Odoo retries serialization failures) and the request stays coherent."""
    stages = town.call(
        "citizen.request.stage",
        "search_read",
        [],
        fields=["id", "is_closed"],
        order="sequence, id",
    )
    closed = {stage["id"] for stage in stages if stage["is_closed"]}
    writes = [stages[index % len(stages)]["id"] for index in range(concurrency)]
    failures = []

    def write(stage_id):
        try:
            town.call("citizen.request", "write", [request_id], {"stage_id": stage_id})
        except Exception as error:  # noqa: BLE001 - counted and shown
            failures.append(repr(error)[:200])

    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(write, writes, timeout=300))
    final = town.call(
        "citizen.request",
        "read",
        [request_id],
        ["stage_id", "date_closed"],
    )[0]
    stage_id = final["stage_id"][0]
    coherent = stage_id in writes and bool(final["date_closed"]) == (stage_id in closed)
    return len(writes), failures, coherent


def deliver_twice_at_once(town, run, count, concurrency):
    """The same email fetched from two mailboxes at the same moment (a
    citizen writing to two aliases): one request each, not two."""
    senders = []

    def deliver(index):
        sender = f"load-twice-{run}-{index}@example.net"
        raw = EMAIL.format(
            index=index,
            run=run,
            sender=sender,
            message_id=f"load-twice-{run}-{index}@example.net",
        )
        town.call("mail.thread", "message_process", "citizen.request", raw)
        return sender

    failures = []
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        futures = [pool.submit(deliver, index // 2) for index in range(count * 2)]
        for future in concurrent.futures.as_completed(futures, timeout=600):
            try:
                senders.append(future.result())
            except Exception as error:  # noqa: BLE001 - counted and shown
                failures.append(repr(error)[:200])
    found = town.call(
        "citizen.request",
        "search_count",
        [("contact_email", "like", f"load-twice-{run}-%")],
    )
    return found, failures


def server_errors(log_path):
    """(serialization conflicts, other errors) logged by the server.

    A conflict between two transactions is logged as an error by the database
    layer, then the transaction is retried by Odoo: it is not a failure."""
    with open(log_path, encoding="utf-8", errors="replace") as log:
        lines = log.read().splitlines()
    conflicts, others = 0, []
    for index, line in enumerate(lines):
        if " ERROR " not in line:
            continue
        following = "\n".join(lines[index : index + 20])
        if "could not serialize access" in following:
            conflicts += 1
        else:
            others.append(line)
    return conflicts, others


class SmtpSink(socketserver.ThreadingTCPServer):
    """A mail server on the loopback that accepts every email and notes when
    it arrived: [(time, recipients, parsed message)]."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SmtpSession)
        self.received = []
        self.lock = threading.Lock()
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()


class SmtpSession(socketserver.StreamRequestHandler):
    """The few SMTP commands smtplib sends, without extensions."""

    def reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 sink ESMTP")
        recipients = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("latin-1").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>").lower())
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    lines.append(data[1:] if data.startswith(b"..") else data)
                arrived = time.time()
                message = email.message_from_bytes(
                    b"".join(lines), policy=email.policy.default
                )
                with self.server.lock:
                    self.server.received.append((arrived, recipients, message))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # RSET, NOOP...
                self.reply("250 OK")


def open311_key(town, run):
    """An Open311 client of the run and its key (shown once, in the
    notification of the button that generates it)."""
    client_id = town.call(
        "citizen.api.client",
        "create",
        {"name": f"Charge {run}", "allow_open311": True},
    )
    action = town.call("citizen.api.client", "action_generate_key", [client_id])
    return action["params"]["message"].rsplit(" ", 1)[-1]


def post_open311(base, key, category_code, run, index):
    email_address = f"load-api-{run}-{index}@example.net"
    response = requests.post(
        f"{base}/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": category_code,
            # two kilometres apart: distinct reports, not one reported again
            "lat": f"{48.5 + (index % 50) * 0.02:.4f}",
            "long": f"{2.0 + (index // 50) * 0.03:.4f}",
            "address_string": f"{index} avenue de la Charge {run}",
            "email": email_address,
            "first_name": "Habitant",
            "last_name": f"API {index}",
            "description": f"Le panneau {index} {run} est tombé.",
        },
        timeout=120,
    )
    if response.status_code not in (200, 201) or "service_request_id" not in (
        response.text
    ):
        raise RuntimeError(f"Open311 answered {response.status_code}")
    return email_address


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def job_overlaps(log_paths):
    """Runs of one scheduled job that overlapped on two servers, read from
    the scheduler's log lines ``Job 'name' (id) starting`` and ``done``."""
    pattern = re.compile(
        r"^(\S+ \S+) (\d+) INFO \S+ odoo\.addons\.base\.models\.ir_cron: "
        r"Job (.*) \((\d+)\) (starting|done)"
    )
    runs, open_runs = [], {}
    for server, path in enumerate(log_paths):
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log:
                match = pattern.match(line)
                if not match:
                    continue
                stamp, pid, name, job, event = match.groups()
                moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f")
                if event == "starting":
                    open_runs[(server, pid, job)] = moment
                elif (server, pid, job) in open_runs:
                    start = open_runs.pop((server, pid, job))
                    runs.append((job, name, server, start, moment))
    overlaps = []
    for index, (job, name, server, start, end) in enumerate(runs):
        for other in runs[index + 1 :]:
            if other[0] == job and other[3] < end and start < other[4]:
                overlaps.append(
                    f"{name}: server {server + 1} {start}-{end},"
                    f" server {other[2] + 1} {other[3]}-{other[4]}"
                )
    return len(runs), overlaps


def check_limits_across_servers(towns, bases, category_id, run):
    """A small limit per email, then per IP address, and submissions sent to
    each server in turn: the limit is held whichever server answers.
    Returns {scope: (accepted, limit)}."""
    limit, tries = 3, 6
    result = {}
    for scope in ("email", "ip"):
        for key, value in (("limit_email_count", 100000), ("limit_ip_count", 100000)):
            if key == f"limit_{scope}_count":
                value = limit
            towns[0].call(
                "ir.config_parameter",
                "set_param",
                f"citizen_relation_portal.{key}",
                str(value),
            )
        # a client address of its own (behind a proxy) for the IP limit
        address = f"198.51.{int(run[:2], 16)}.{int(run[2:4], 16)}"
        accepted = 0
        for index in range(tries):
            base = bases[index % len(bases)]
            email_address = (
                f"load-limit-{run}@example.net"
                if scope == "email"
                else f"load-limit-{run}-{index}@example.net"
            )
            headers = (
                {"X-Forwarded-For": address, "X-Forwarded-Host": base.split("//")[1]}
                if scope == "ip"
                else {}
            )
            try:
                submit_form(
                    base, category_id, f"{run}{scope}", index, email_address, headers
                )
                accepted += 1
            except RuntimeError:
                pass
        result[scope] = (accepted, limit)
    for key in ("limit_ip_count", "limit_email_count"):
        towns[0].call(
            "ir.config_parameter",
            "set_param",
            f"citizen_relation_portal.{key}",
            "100000",
        )
    return result


def warm_up(town, submit, first, count):
    """Send ``count`` submissions (every channel, every server), numbered
    from ``first`` (after the measured ones), and wait, two
    minutes at most, until no request awaits its acknowledgement: the paced
    run then measures servers in their usual state, not their first minute."""
    if not count:
        return
    print(f"Warming up: {count} submissions, acknowledged before measuring")
    for index in range(count):
        submit(first + index)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pending = town.call(
            "citizen.request",
            "search_count",
            [("acknowledgement_method", "=", False)],
        )
        if not pending:
            return
        time.sleep(1)


def run_paced(args):
    """Submissions at a steady pace across one or two servers; the
    acknowledgements' wait measured at a local SMTP sink."""
    if not database_ready(args.db):
        create_database(args.db)
    elif not args.no_update:
        update_database(args.db)
    sink = SmtpSink()
    run = uuid.uuid4().hex[:8]
    servers, bases, logs = [], [], []
    try:
        for _index in range(args.servers):
            port = free_port()
            bases.append(f"http://127.0.0.1:{port}")
            logs.append(f"/tmp/citizen_load_{args.db}_{port}.log")
            servers.append(
                start_server(
                    args.db,
                    port,
                    args.workers,
                    logs[-1],
                    cron_threads=args.cron_threads,
                    smtp_port=sink.port,
                )
            )
        for base, server in zip(bases, servers, strict=True):
            wait_until_up(base, server)
        towns = [Town(base, args.db, args.login, args.password) for base in bases]
        category_id = prepare(towns[0], run)
        category_code = f"LOAD-{run}"
        towns[0].call(
            "ir.config_parameter",
            "set_param",
            "citizen_relation_portal.limit_api_count",
            "100000",
        )
        key = open311_key(towns[0], run)

        def submit(index):
            server = (index // 3) % args.servers
            channel = index % 3
            if channel == 0:
                return send_email(towns[server], run, index)
            if channel == 1:
                return submit_form(bases[server], category_id, run, index)
            return post_open311(bases[server], key, category_code, run, index)

        total = int(args.rate * args.duration)
        warm_up(towns[0], submit, total, args.warmup)
        backlog = towns[0].call(
            "citizen.request",
            "search_count",
            [("acknowledgement_method", "=", False)],
        )
        if backlog:
            # acknowledged oldest first: this run's would wait behind them
            print(
                f"warning: {backlog} requests of earlier runs await their"
                " acknowledgement"
            )
        print(
            f"{args.servers} Odoo server(s) with {args.workers} workers and"
            f" {args.cron_threads} cron thread(s) each on {', '.join(bases)}"
            f" (logs {', '.join(logs)}); SMTP sink on port {sink.port};"
            f" {total} submissions at {args.rate}/s for {args.duration} s"
        )

        submissions, errors, futures = [], [], {}
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            for index in range(total):
                delay = started + index / args.rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                futures[pool.submit(submit, index)] = index
            for future in concurrent.futures.as_completed(futures, timeout=900):
                index = futures[future]
                try:
                    submissions.append((future.result(), True))
                except Exception as error:  # noqa: BLE001 - counted, shown
                    errors.append(f"#{index}: {error!r}"[:300])
        elapsed = time.monotonic() - started
        # the emails of the last requests: at most five minutes more
        deadline = time.monotonic() + 300
        emails = [address for address, _accepted in submissions]
        rows = []
        while time.monotonic() < deadline:
            rows = towns[0].call(
                "citizen.request",
                "search_read",
                [("contact_email", "in", emails)],
                fields=["contact_email", "name", "create_date"],
            )
            names = {row["name"] for row in rows}
            with sink.lock:
                subjects = [m["Subject"] or "" for _t, _r, m in sink.received]
            if all(any(name in subject for subject in subjects) for name in names):
                break
            time.sleep(1)
        time.sleep(3)  # anything sent twice arrives too
        limits = (
            check_limits_across_servers(towns, bases, category_id, run)
            if args.servers > 1
            else {}
        )
    finally:
        for server in servers:
            stop_server(server)
        sink.shutdown()

    with sink.lock:
        received = list(sink.received)
    return report_paced(
        args, total, (submissions, errors, elapsed), rows, received, limits, logs
    )


def report_paced(args, total, sent, rows, received, limits, logs):
    """Print the counts and waits of a paced run; 0 when all is well."""
    submissions, errors, elapsed = sent
    emails = [address for address, _accepted in submissions]
    by_request = {row["name"]: row for row in rows}
    waits, acknowledged, copies = [], {}, {}
    for arrived, recipients, message in received:
        subject = message["Subject"] or ""
        objects = message["X-Odoo-Objects"] or ""
        key = (objects, subject, tuple(sorted(recipients)))
        copies[key] = copies.get(key, 0) + 1
        name = subject.split(":", 1)[0].strip()
        row = by_request.get(name)
        if not row or row["contact_email"].lower() not in recipients:
            continue
        if name in acknowledged:
            continue
        acknowledged[name] = True
        recorded = datetime.strptime(row["create_date"], "%Y-%m-%d %H:%M:%S")
        recorded = recorded.replace(tzinfo=timezone.utc).timestamp()
        waits.append(arrived - recorded)
    created_emails = {row["contact_email"] for row in rows}
    lost = sum(1 for address in emails if address not in created_emails)
    lost += total - len(submissions) - len(errors)
    duplicated_requests = len(rows) - len(created_emails)
    duplicated_emails = sum(count - 1 for count in copies.values() if count > 1)
    ack_twice = sum(
        count - 1
        for (objects, subject, _rcpt), count in copies.items()
        if count > 1 and subject.split(":", 1)[0].strip() in by_request
    )
    print(f"submitted:    {total} (answered {len(submissions)}, errors {len(errors)})")
    print(f"created:      {len(rows)}")
    print(f"acknowledged: {len(acknowledged)} (emails at the sink: {len(received)})")
    print(f"lost:         {lost}")
    print(
        f"duplicated requests: {duplicated_requests}, emails received twice:"
        f" {duplicated_emails} (acknowledgements: {ack_twice})"
    )
    print(
        f"sending took  {elapsed:.1f} s; load average of the machine at the end:"
        f" {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)"
    )
    if waits:
        print(
            "acknowledgement wait (SMTP arrival - create_date):"
            f" p50 {statistics.median(waits):.2f} s,"
            f" p95 {percentile(waits, 0.95):.2f} s, max {max(waits):.2f} s"
        )
    for error in errors[:10]:
        print(f"  error {error}")
    ok = (
        not lost
        and not errors
        and not duplicated_requests
        and not duplicated_emails
        and len(acknowledged) == len(rows)
        and bool(waits)
        and percentile(waits, 0.95) < args.max_p95
    )
    for scope, (accepted, limit) in limits.items():
        print(f"limit per {scope} across servers: {accepted} accepted (limit {limit})")
        ok = ok and accepted == limit
    runs, overlaps = job_overlaps(logs)
    print(f"scheduled job runs: {runs}, run twice at once: {len(overlaps)}")
    for overlap in overlaps[:5]:
        print(f"  {overlap}")
    for log_path in logs:
        conflicts, logged = server_errors(log_path)
        print(
            f"{log_path}: serialization conflicts retried {conflicts},"
            f" other errors {len(logged)}"
        )
        for line in logged[:5]:
            print(f"  {line[:300]}")
    return 0 if ok and not overlaps else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=20, help="submissions per channel")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default="citizen_load")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument(
        "--rate", type=float, default=0, help="submissions per second (paced run)"
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds")
    parser.add_argument("--servers", type=int, default=1, choices=(1, 2))
    parser.add_argument("--cron-threads", type=int, default=1)
    parser.add_argument(
        "--max-p95", type=float, default=5, help="seconds, paced run's target"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=30,
        help="submissions sent and acknowledged before the paced run, not"
        " measured (a new server's first runs compile its templates and run"
        " every scheduled job that is due)",
    )
    parser.add_argument(
        "--no-update",
        action="store_true",
        help="use the database as it is (paced run), without updating the addons",
    )
    args = parser.parse_args(argv)
    if args.workers < 2:
        parser.error("the point is a multi-worker server: --workers 2 or more")
    if args.rate:
        return run_paced(args)

    if database_ready(args.db):
        update_database(args.db)
    else:
        create_database(args.db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = f"/tmp/citizen_load_{args.db}_{port}.log"
    run = uuid.uuid4().hex[:8]
    server = start_server(args.db, port, args.workers, log_path)
    try:
        wait_until_up(base, server)
        town = Town(base, args.db, args.login, args.password)
        category_id = prepare(town, run)
        print(
            f"Odoo with {args.workers} workers on {base} (log {log_path});"
            f" sending {args.n} forms and {args.n} emails at once"
        )
        started = time.monotonic()
        submissions, errors = [], []
        with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
            futures = {}
            for index in range(args.n):
                email = f"load-web-{run}-{index}@example.net"
                futures[pool.submit(submit_form, base, category_id, run, index)] = email
                email = f"load-mail-{run}-{index}@example.net"
                futures[pool.submit(send_email, town, run, index)] = email
            try:
                for future in concurrent.futures.as_completed(futures, timeout=900):
                    email = futures[future]
                    try:
                        future.result()
                        submissions.append((email, True))
                    except Exception as error:  # noqa: BLE001 - counted, shown
                        submissions.append((email, False))
                        errors.append(f"{email}: {error!r}"[:300])
            except concurrent.futures.TimeoutError:
                errors.append("some submissions got no answer within 15 minutes")
                for future in futures:
                    future.cancel()
        elapsed = time.monotonic() - started
        ack_wait = wait_for_acknowledgements(town, submissions)
        result, references = count(town, submissions)
        first = town.call(
            "citizen.request",
            "search",
            [("contact_email", "in", [email for email, _ in submissions])],
            limit=1,
        )
        stage_writes, stage_failures, coherent = (
            change_stage_concurrently(town, first[0], args.concurrency)
            if first
            else (0, [], False)
        )
        twice, twice_failures = deliver_twice_at_once(
            town, run, args.n, args.concurrency
        )
    finally:
        stop_server(server)

    created = sum(1 for entry in result.values() if entry[0] >= 1)
    duplicated = sum(entry[0] - 1 for entry in result.values() if entry[0] > 1)
    acknowledged = sum(1 for entry in result.values() if entry[1] and entry[2] == 1)
    double_ack = sum(1 for entry in result.values() if entry[2] > 1)
    # an accepted submission without its request is lost; so is a failed one
    # that left nothing: the sender was told nothing clear either way
    lost = sum(1 for email, _accepted in submissions if not result[email][0])
    lost += 2 * args.n - len(submissions)
    duplicate_references = len(references) - len(set(references))
    print(f"submitted:    {2 * args.n}")
    print(f"created:      {created}")
    print(f"acknowledged: {acknowledged}")
    print(f"errors:       {len(errors)}")
    print(f"lost:         {lost}")
    print(
        f"duplicated requests: {duplicated}, duplicated references:"
        f" {duplicate_references}, acknowledged twice: {double_ack}"
    )
    print(f"elapsed:      {elapsed:.1f} s")
    print(
        f"all acknowledged by the scheduled job {ack_wait:.1f} s after the last answer"
    )
    for error in errors[:10]:
        print(f"  error {error}")
    print(
        f"concurrent stage changes: {stage_writes}, failed: {len(stage_failures)},"
        f" request coherent: {'yes' if coherent else 'no'}"
    )
    for failure in stage_failures[:5]:
        print(f"  stage change failed: {failure}")
    print(
        f"same email delivered twice at once: {args.n}, requests: {twice}"
        f" (expected {args.n}), failed deliveries: {len(twice_failures)}"
    )
    for failure in twice_failures[:5]:
        print(f"  delivery failed: {failure}")
    conflicts, logged = server_errors(log_path)
    print(f"serialization conflicts retried by the server: {conflicts}")
    print(f"other errors logged by the server: {len(logged)}")
    for line in logged[:10]:
        print(f"  {line[:300]}")
    ok = (
        lost == 0
        and not duplicated
        and not duplicate_references
        and not double_ack
        and acknowledged == created
        and coherent
        and not stage_failures
        and twice == args.n
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
