from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.common import load_french

from .common import NOW, CitizenRoutingCommon


@tagged("post_install", "-at_install")
class TestEscalation(CitizenRoutingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_roads.maintenance_team_id = False
        cls.waiting_stage = cls.env.ref("citizen_relation.stage_waiting")

    def _escalations(self, request, kind):
        return self.env["citizen.request.escalation"].search(
            [("request_id", "=", request.id), ("kind", "=", kind)]
        )

    def test_missed_deadline_escalated_once(self):
        """Run twice over the same breach, the job escalates once: one line,
        one notification to the team leader, priority raised one step."""
        with freeze_time(NOW):
            request = self._new_request()
        deadline = request.date_deadline
        self.assertTrue(deadline)
        priority = request.priority
        with freeze_time(NOW + timedelta(days=20)), self.mock_mail_gateway():
            self.Request._cron_escalate()
            self.Request._cron_escalate()
            self.flush_tracking()
        escalation = self._escalations(request, "deadline")
        self.assertEqual(len(escalation), 1)
        self.assertEqual(escalation.breach_date, deadline)
        self.assertEqual(escalation.leader_id, self.user_leader)
        self.assertEqual(request.priority, str(int(priority) + 1))
        leader_mails = self._new_mails.filtered(
            lambda m: self.user_leader.partner_id in m.recipient_ids
        )
        self.assertEqual(len(leader_mails), 1)
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids),
            "The requester is not told about internal escalations.",
        )

        # A new deadline missed again is a new breach.
        request.date_deadline = deadline + timedelta(days=25)
        with freeze_time(NOW + timedelta(days=40)):
            self.Request._cron_escalate()
        self.assertEqual(len(self._escalations(request, "deadline")), 2)

    def test_escalation_note_in_leaders_language(self):
        """The job runs with no language of its own: its note to a French team
        leader used to be written in English although French is shipped."""
        load_french(self.env)
        self.user_leader.lang = "fr_FR"
        with freeze_time(NOW):
            request = self._new_request()
        with freeze_time(NOW + timedelta(days=20)):
            self.Request.with_context(lang=None)._cron_escalate()
        note = request.message_ids.filtered(
            lambda m: self.user_leader.partner_id in m.partner_ids
        )[:1]
        self.assertIn("a dépassé son échéance", note.body)
        self.assertIn(request.name, note.body)

    def test_on_time_and_closed_requests_not_escalated(self):
        with freeze_time(NOW):
            on_time = self._new_request()
            closed = self._new_request()
            closed.action_resolve()
        with freeze_time(NOW + timedelta(days=1)):
            self.Request._cron_escalate()
        with freeze_time(NOW + timedelta(days=30)):
            self.Request._cron_escalate()
        self.assertFalse(self._escalations(closed, "deadline"))
        self.assertEqual(len(self._escalations(on_time, "deadline")), 1)

    def test_not_acknowledged_in_time(self):
        """A phone request from someone without email waits for a call back;
        if nobody acknowledges it within the team's delay, it is escalated."""
        self.team_roads.acknowledgement_days = 2
        caller = self.env["res.partner"].create({"name": "Jacques Sansmail"})
        with freeze_time(NOW):
            request = self._new_request(channel="phone", partner_id=caller.id)
        self.assertFalse(request.date_acknowledged)
        with freeze_time(NOW + timedelta(days=1)):
            self.Request._cron_escalate()
        self.assertFalse(self._escalations(request, "acknowledgement"))
        with freeze_time(NOW + timedelta(days=6)):
            self.Request._cron_escalate()
            self.Request._cron_escalate()
        self.assertEqual(len(self._escalations(request, "acknowledgement")), 1)

    def test_waiting_requester_reminded_once(self):
        self.category_pothole.write({"waiting_days": 10, "waiting_action": "remind"})
        with freeze_time(NOW):
            request = self._new_request()
            request.stage_id = self.waiting_stage
        self.assertEqual(request.date_waiting, NOW)
        with freeze_time(NOW + timedelta(days=5)), self.mock_mail_gateway():
            self.Request._cron_escalate()
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids)
        )
        with freeze_time(NOW + timedelta(days=11)), self.mock_mail_gateway():
            self.Request._cron_escalate()
            self.Request._cron_escalate()
        reminders = self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids)
        self.assertEqual(len(reminders), 1)
        self.assertIn(request.name, reminders.subject)
        self.assertEqual(request.stage_id, self.waiting_stage)

    def test_request_recorded_waiting_is_reminded(self):
        """A request recorded directly in the waiting stage waits from its
        creation, as one moved there later."""
        self.category_pothole.write({"waiting_days": 10, "waiting_action": "remind"})
        with freeze_time(NOW):
            request = self._new_request(stage_id=self.waiting_stage.id)
        self.assertEqual(request.date_waiting, NOW)
        with freeze_time(NOW + timedelta(days=11)), self.mock_mail_gateway():
            self.Request._cron_escalate()
        reminders = self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids)
        self.assertEqual(len(reminders), 1)

    def test_waiting_requester_closed(self):
        self.category_pothole.write({"waiting_days": 10, "waiting_action": "close"})
        with freeze_time(NOW):
            request = self._new_request()
            request.stage_id = self.waiting_stage
        with freeze_time(NOW + timedelta(days=11)):
            self.Request._cron_escalate()
        self.assertTrue(request.is_closed)
        self.assertEqual(request.stage_id, self.Request._get_closed_stage())
        self.assertEqual(len(self._escalations(request, "waiting_close")), 1)
