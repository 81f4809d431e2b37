"""The acknowledgement leaves a moment after the request is recorded: the
transaction that records requests wakes the acknowledgement job once, and a
transaction rolled back wakes nothing."""

from odoo.tests import tagged

from .common import CitizenRequestCommon, pending_triggers

JOB = "citizen_relation.ir_cron_send_acknowledgements"


class RolledBack(Exception):
    """The transaction recording the request fails."""


def request_values(title):
    return {
        "title": title,
        "channel": "web",
        "contact_name": "Denise Martin",
        "contact_email": "denise.martin@example.net",
    }


@tagged("post_install", "-at_install")
class TestAcknowledgementWakeup(CitizenRequestCommon):
    def test_one_wakeup_per_transaction(self):
        """Three requests recorded together, then two more in the same
        transaction: the commit carries one wake-up of the job, which
        acknowledges them all."""
        # what a commit does first: the transaction's hooks run, a new one
        # begins
        self.env.cr.flush()
        before = pending_triggers(self.env, JOB)
        Request = self.Request.with_user(self.user_agent)
        requests = Request.create(
            [request_values(f"Lampadaire en panne {index}") for index in range(3)]
        )
        requests |= Request.create(request_values("Banc cassé"))
        requests |= Request.sudo().create(request_values("Tag sur l'école"))
        self.assertEqual(pending_triggers(self.env, JOB), before + 1)
        self.env.cr.flush()
        self.assertEqual(pending_triggers(self.env, JOB), before + 1)
        self.assertFalse(requests.filtered("acknowledgement_method"))

        self.env.ref(JOB).sudo().method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(set(requests.mapped("acknowledgement_method")), {"email"})

    def test_rolled_back_request_wakes_nothing(self):
        """A request recorded and rolled back leaves no wake-up of the job
        behind, and the job has nothing of it to send."""
        self.env.cr.flush()
        before = pending_triggers(self.env, JOB)
        with self.assertRaises(RolledBack), self.env.cr.savepoint():
            request = self.Request.with_user(self.user_agent).create(
                request_values("Demande annulée")
            )
            self.assertEqual(pending_triggers(self.env, JOB), before + 1)
            raise RolledBack
        self.env.invalidate_all()
        self.assertEqual(pending_triggers(self.env, JOB), before)
        self.assertFalse(request.exists())
        self.assertFalse(
            self.env["citizen.request"]
            .sudo()
            .search_count([("title", "=", "Demande annulée")])
        )
