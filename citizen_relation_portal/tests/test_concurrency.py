"""Concurrent intake: references never collide or wait, side effects are
queued so that a retried transaction sends nothing twice.

The full check, with a multi-worker server, is tests/load/load_test.py.
"""

import threading
import time
import uuid

from odoo.api import SUPERUSER_ID, Environment
from odoo.modules.registry import DummyRLock, Registry
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged

from odoo.addons.citizen_relation.tests.common import (
    pending_triggers,
    raw_email,
    run_acknowledgement_job,
)
from odoo.addons.mail.tests.common import MockEmail

from .reliability_common import build_town


class ThreadsCase(TransactionCase):
    """Tests whose threads open transactions of their own, as a server's
    workers do."""

    def setUp(self):
        super().setUp()
        # Odoo's runner holds the registries' lock while tests run: a thread
        # looking the registry up (a new environment, a retried transaction)
        # would wait for it forever. Odoo's own tests lift it the same way.
        self.patch(Registry, "_lock", DummyRLock())


@tagged("post_install", "-at_install")
class TestConcurrency(ThreadsCase, MockEmail):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_town(cls)

    def test_references_taken_in_parallel_do_not_wait(self):
        """Two transactions open at the same time both take a reference at
        once, and different ones (a gapless sequence would make the second
        wait for the first to end)."""
        registry = self.env.registry
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "citizen.request")], limit=1
        )
        self.assertTrue(sequence)
        results, errors = {}, []
        started = threading.Barrier(2)

        def take(index):
            try:
                with registry.cursor() as cr:
                    cr.execute("SET LOCAL lock_timeout = '3s'")
                    started.wait(timeout=10)
                    env = Environment(cr, SUPERUSER_ID, {})
                    results[index] = env["ir.sequence"].next_by_code("citizen.request")
                    # both transactions stay open until both have a number
                    started.wait(timeout=10)
                    cr.rollback()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))

        threads = [threading.Thread(target=take, args=(index,)) for index in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 2)
        self.assertNotEqual(results[0], results[1])

    def test_acknowledgement_is_queued_not_sent_inline(self):
        """The creating transaction writes no acknowledgement: if it is rolled
        back and retried, nothing was prepared nor sent. The job it wakes up
        writes the email and hands it to the mail server itself, once its own
        transaction is committed (at once in a test)."""
        request = self.env["citizen.request"].create(
            {
                "title": "Lampadaire",
                "category_id": self.category_a.id,
                "channel": "web",
                "contact_name": "Paul Retry",
                "contact_email": "paul.retry@example.net",
            }
        )
        Mail = self.env["mail.mail"]
        domain = [("model", "=", "citizen.request"), ("res_id", "=", request.id)]
        self.assertFalse(Mail.search(domain))
        self.assertFalse(request.acknowledgement_method)
        mail_queue = "mail.ir_cron_mail_scheduler_action"
        queue_triggers = pending_triggers(self.env, mail_queue)
        with self.mock_mail_gateway():
            self.assertIn(request, run_acknowledgement_job(self.env))
        mails = Mail.search(domain)
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, "sent")
        to_paul = [
            mail
            for mail in self._mails
            if any("paul.retry@example.net" in address for address in mail["email_to"])
        ]
        self.assertEqual(len(to_paul), 1)
        # ... without waiting for the mail queue
        self.assertEqual(pending_triggers(self.env, mail_queue), queue_triggers)

    def test_references_unique_in_one_batch(self):
        requests = self.env["citizen.request"].create(
            [
                {
                    "title": f"Demande {index}",
                    "category_id": self.category_b.id,
                    "channel": "api",
                    "contact_name": f"Habitant {index}",
                }
                for index in range(30)
            ]
        )
        names = requests.mapped("name")
        self.assertEqual(len(set(names)), 30)
        self.assertTrue(all(name.startswith("DEM-") for name in names))


RAW_EMAIL = raw_email(
    "Le banc du square Victor Hugo est cassé.\n",
    to="demandes@example.org",
    email_from="Claire Double <claire.double@example.net>",
    subject="Banc cassé au square",
    msg_id="<{message_id}>",
    date="Sat, 28 Nov 2026 09:00:00 +0100",
    content_type="text/plain; charset=utf-8",
)


@tagged("post_install", "-at_install")
class TestConcurrentDelivery(ThreadsCase):
    """The same email delivered twice at the same moment (an email sent to
    two addresses of the town, each delivered on its own): the deliveries run
    in their own committed transactions, as on a server."""

    def test_same_email_delivered_twice_at_once(self):
        registry = self.env.registry
        message_id = f"double-{uuid.uuid4().hex}@example.net"
        raw = RAW_EMAIL.format(message_id=message_id)
        first_done = threading.Event()
        release_first = threading.Event()
        results, errors = {}, []

        def first():
            try:
                with registry.cursor() as cr:
                    env = Environment(cr, SUPERUSER_ID, {})
                    results["first"] = env["mail.thread"].message_process(
                        "citizen.request", raw
                    )
                    first_done.set()
                    # still open when the second delivery starts
                    release_first.wait(timeout=20)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
                first_done.set()

        def second():
            # what the server does with a delivery (XML-RPC, HTTP): retried
            # when PostgreSQL reports a concurrent change
            try:
                with registry.cursor() as cr:
                    env = Environment(cr, SUPERUSER_ID, {})
                    results["second"] = retrying(
                        lambda: env["mail.thread"].message_process(
                            "citizen.request", raw
                        ),
                        env,
                    )
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))

        first_thread = threading.Thread(target=first)
        first_thread.start()
        first_done.wait(timeout=20)
        second_thread = threading.Thread(target=second)
        second_thread.start()
        try:
            # the second delivery waits for the first one's Message-Id
            with registry.cursor() as cr:
                for _attempt in range(100):
                    cr.execute(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock'"
                    )
                    if cr.fetchone()[0]:
                        break
                    time.sleep(0.1)
                else:
                    self.fail("The second delivery did not wait for the first.")
        finally:
            release_first.set()
            first_thread.join(timeout=30)
            second_thread.join(timeout=60)
        try:
            self.assertEqual(errors, [])
            with registry.cursor() as cr:
                env = Environment(cr, SUPERUSER_ID, {})
                requests = env["citizen.request"].search(
                    [("source_ref", "=", f"<{message_id}>")]
                )
                self.assertEqual(len(requests), 1)
                self.assertEqual(results["first"], requests.id)
                # the retried delivery found the email processed: no request
                self.assertFalse(results["second"])
        finally:
            with registry.cursor() as cr:
                env = Environment(cr, SUPERUSER_ID, {})
                requests = env["citizen.request"].search(
                    [("source_ref", "=", f"<{message_id}>")]
                )
                partners = requests.partner_id
                requests.unlink()
                partners.unlink()
                cr.execute(
                    "DELETE FROM citizen_request_email_delivery WHERE message_id = %s",
                    [f"<{message_id}>"],
                )
