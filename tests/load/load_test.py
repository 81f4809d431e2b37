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

Usage (from the repository root):

    .venv/bin/python tests/load/load_test.py [-n 20] [--workers 2] [--db name]
"""

import argparse
import concurrent.futures
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
import xmlrpc.client
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


def start_server(db, port, workers, log_path):
    log = open(log_path, "w")  # noqa: SIM115 - closed by stop_server
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
                "--max-cron-threads=1",
                "--limit-time-real=300",
                "--limit-time-cpu=240",
                "--log-level=warn",
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


def submit_form(base, category_id, run, index):
    """One citizen, one browser session: open the form, send it."""
    email = f"load-web-{run}-{index}@example.net"
    with requests.Session() as session:
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=20, help="submissions per channel")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default="citizen_load")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    args = parser.parse_args()
    if args.workers < 2:
        parser.error("the point is a multi-worker server: --workers 2 or more")

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
