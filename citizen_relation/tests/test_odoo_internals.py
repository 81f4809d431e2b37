"""The private parts of Odoo that the creation path still relies on, each
pinned by a test that fails when Odoo changes what is relied on.

Each saves queries on every request created (figures in
``tests/benchmarks/RESULTS.md``, "Odoo internals kept"):

- ``_select_nextval`` on the PostgreSQL sequence Odoo keeps for a period of
  the numbering (``ir_sequence_<sequence>_<period>``), instead of
  ``ir.sequence._next``;
- ``mail.followers._insert_followers(check_existing=False)`` to subscribe
  the requester of a new request, instead of ``message_subscribe``;
- ``ir.model.data._xmlid_to_res_model_res_id`` (``citizen.request._ref``)
  for shipped records, instead of ``env.ref`` and its existence query;
- ``ir.cron._notifydb`` after the commit, with a trigger row, to wake the
  acknowledgement job as ``ir.cron._trigger()`` does without its read of the
  job.
"""

import inspect
import re

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.base.models import ir_sequence
from odoo.addons.mail.models.mail_followers import Followers

from .common import NOW, CitizenRequestCommon


def _number(reference):
    return int(re.search(r"(\d+)$", reference).group(1))


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestOdooInternals(CitizenRequestCommon):
    def test_reference_drawn_as_ir_sequence_draws_it(self):
        """The reference drawn from the PostgreSQL sequence of the period is
        the one ``ir.sequence._next`` would give: same format, same counter
        (no gap, no number given twice when both are used)."""
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "citizen.request")], order="company_id", limit=1
        )
        self.assertEqual(sequence.implementation, "standard")
        first = self._create_request()  # creates the period if needed
        second = self._create_request()
        period = self.env["ir.sequence.date_range"].search(
            [
                ("sequence_id", "=", sequence.id),
                ("date_from", "<=", NOW.date()),
                ("date_to", ">=", NOW.date()),
            ]
        )
        self.assertEqual(len(period), 1)
        # the name Odoo gives the sequence of a period, read by our fast path
        pg_name = f"ir_sequence_{sequence.id:03d}_{period.id:03d}"
        self.env.cr.execute(
            "SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s", [pg_name]
        )
        self.assertTrue(self.env.cr.fetchone(), f"Odoo keeps {pg_name}")
        self.assertTrue(callable(ir_sequence._select_nextval))
        by_odoo = sequence._next(sequence_date=NOW)
        third = self._create_request()
        self.assertEqual(
            [_number(first.name), _number(by_odoo), _number(third.name)],
            [_number(first.name), _number(first.name) + 2, _number(first.name) + 3],
        )
        self.assertEqual(_number(second.name), _number(first.name) + 1)
        self.assertEqual(re.sub(r"\d+$", "", third.name), re.sub(r"\d+$", "", by_odoo))
        self.assertEqual(len(third.name), len(by_odoo))

    def test_requester_followers_as_message_subscribe_makes_them(self):
        """The requester subscribed by ``_insert_followers`` without looking
        for an existing follower gets the follower ``message_subscribe``
        makes: one, with the default subtypes, as a customer."""
        params = inspect.signature(Followers._insert_followers).parameters
        self.assertIn("check_existing", params)
        self.assertIn("customer_ids", params)
        requester = self.env["res.partner"].create(
            {"name": "Lucie Martin", "email": "lucie.martin@example.net"}
        )
        request = self._create_request(partner_id=requester.id)
        other = self._create_request(partner_id=self.partner_employee.id)
        other.message_subscribe(partner_ids=requester.ids)
        mine = request.message_follower_ids.filtered(
            lambda f: f.partner_id == requester
        )
        reference = other.message_follower_ids.filtered(
            lambda f: f.partner_id == requester
        )
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine.subtype_ids, reference.subtype_ids)
        self.assertTrue(mine.subtype_ids)

    def test_shipped_record_found_without_existence_query(self):
        """``_ref`` trusts the xmlid: Odoo deletes the xmlid of a deleted
        record and forgets the id it kept, so a deleted record is never
        returned."""
        stage = self.env["citizen.request.stage"].create({"name": "Temporaire"})
        self.env["ir.model.data"].create(
            {
                "module": "citizen_relation",
                "name": "stage_pin_test",
                "model": stage._name,
                "res_id": stage.id,
            }
        )
        xmlid = "citizen_relation.stage_pin_test"
        self.assertEqual(self.Request._ref(xmlid), stage)
        self.assertEqual(self.Request._ref(xmlid), self.env.ref(xmlid))
        stage.unlink()
        self.assertIsNone(self.Request._ref(xmlid))
        self.assertIsNone(self.env.ref(xmlid, raise_if_not_found=False))

    def test_wakeup_as_ir_cron_trigger_makes_it(self):
        """The acknowledgement job is woken as ``ir.cron._trigger()`` wakes a
        job: one trigger due now, and ``_notifydb`` run after the commit."""
        job = self.env.ref("citizen_relation.ir_cron_send_acknowledgements").sudo()
        Trigger = self.env["ir.cron.trigger"].sudo()
        postcommit = self.env.cr.postcommit._funcs
        before = len(postcommit)
        by_odoo = job._trigger()
        self.assertEqual(len(postcommit), before + 1)
        self.assertEqual(postcommit[-1].__func__, type(job)._notifydb)
        self.assertEqual(postcommit[-1].__self__, job)
        triggers = Trigger.search([("cron_id", "=", job.id)])
        self._create_request()
        self.assertEqual(len(postcommit), before + 2)
        self.assertEqual(postcommit[-1].__func__, type(job)._notifydb)
        self.assertEqual(postcommit[-1].__self__, job)
        ours = Trigger.search([("cron_id", "=", job.id)]) - triggers
        self.assertEqual(len(ours), 1)
        self.assertEqual(ours.call_at, by_odoo.call_at)
