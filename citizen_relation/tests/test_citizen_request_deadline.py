from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import NOW, CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestDeadline(CitizenRequestCommon):
    @freeze_time(NOW)
    def test_deadline_in_working_days(self):
        """Five working days from Wednesday 4 March: the weekend does not count,
        nor does the day of receipt."""
        request = self._create_request()
        self.assertEqual(request.date_deadline, date(2026, 3, 11))
        self.assertEqual(request.priority, "1")  # category default

    @freeze_time(NOW)
    def test_deadline_skips_public_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Jour férié",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59),
            }
        )
        request = self._create_request()
        self.assertEqual(request.date_deadline, date(2026, 3, 12))

    @freeze_time(NOW)
    def test_deadline_follows_calendar_changes(self):
        """Deadlines are kept per worker for the day: a public holiday or
        working hours changed during the day move the next deadlines; an
        employee's time off does not."""
        self.assertEqual(self._create_request().date_deadline, date(2026, 3, 11))
        holiday = self.env["resource.calendar.leaves"].create(
            {
                "name": "Jour férié",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59),
            }
        )
        self.assertEqual(self._create_request().date_deadline, date(2026, 3, 12))
        holiday.unlink()
        self.assertEqual(self._create_request().date_deadline, date(2026, 3, 11))
        # Fridays no longer worked
        self.calendar.attendance_ids.filtered(lambda a: a.dayofweek == "4").unlink()
        self.assertEqual(self._create_request().date_deadline, date(2026, 3, 12))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Congé d'un agent",
                "calendar_id": self.calendar.id,
                "resource_id": self.env["resource.resource"]
                .create({"name": "Agent", "calendar_id": self.calendar.id})
                .id,
                "date_from": datetime(2026, 3, 10, 0, 0),
                "date_to": datetime(2026, 3, 10, 23, 59),
            }
        )
        self.assertEqual(self._create_request().date_deadline, date(2026, 3, 12))

    @freeze_time(datetime(2026, 3, 7, 15, 0))
    def test_deadline_received_on_saturday(self):
        """Received on a Saturday: counted from Monday, as on a weekday."""
        request = self._create_request()
        self.assertEqual(request.date_deadline, date(2026, 3, 13))

    @freeze_time(NOW)
    def test_deadline_frozen_at_intake(self):
        """Changing the category later keeps the announced deadline."""
        request = self._create_request()
        request.category_id = self.category_noise
        self.assertEqual(request.date_deadline, date(2026, 3, 11))
        # A request filed without category gets its deadline when classified.
        unclassified = self._create_request(category_id=False)
        self.assertFalse(unclassified.date_deadline)
        unclassified.category_id = self.category
        self.assertEqual(unclassified.date_deadline, date(2026, 3, 11))

    def test_late_requests(self):
        with freeze_time(NOW):
            on_time = self._create_request(title="À temps")
            late = self._create_request(title="En retard")
            closed = self._create_request(title="Résolue")
            closed.action_resolve()
        with freeze_time(datetime(2026, 3, 12, 9, 0)):
            late.invalidate_recordset(["is_late"])
            self.assertTrue(late.is_late)
            self.assertFalse(closed.is_late)
            on_time.date_deadline = date(2026, 3, 20)
            found = self.Request.search([("is_late", "=", True)])
            self.assertIn(late, found)
            self.assertNotIn(on_time, found)
            self.assertNotIn(closed, found)
            not_late = self.Request.search([("is_late", "=", False)])
            self.assertIn(on_time, not_late)
            self.assertIn(closed, not_late)
            self.assertNotIn(late, not_late)

    def test_deadline_reminder(self):
        with freeze_time(NOW):
            request = self._create_request(user_id=self.user_agent.id)
        reminder_type = self.env.ref("citizen_relation.mail_activity_type_deadline")
        with freeze_time(datetime(2026, 3, 10, 6, 0)):
            self.Request._cron_remind_deadline()
            self.Request._cron_remind_deadline()
        reminders = request.activity_ids.filtered(
            lambda a: a.activity_type_id == reminder_type
        )
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.user_id, self.user_agent)
