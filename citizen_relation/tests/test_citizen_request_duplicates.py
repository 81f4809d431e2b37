from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import (
    GATEWAY_HEADERS,
    NOW,
    POTHOLE,
    CitizenRequestCommon,
    raw_email,
)


@tagged("post_install", "-at_install")
class TestCitizenRequestDuplicates(CitizenRequestCommon):
    def test_pothole_counter_then_email(self):
        """A pothole reported at the counter, then the same pothole emailed the
        next day: the email proposes the counter request as original; once
        linked, the emailer follows it and is told when it is resolved."""
        with freeze_time(NOW):
            counter = self._create_request(
                channel="counter",
                title="Gros nid de poule devant l'école",
                description="<p>Nid de poule profond devant le 12 rue Victor Hugo</p>",
                street="12 rue Victor Hugo",
                partner_id=self.partner_citizen.id,
            )
            unrelated = self._create_request(
                title="Trottoir abîmé",
                street="3 avenue Jean Jaurès",
                description="<p>Dalles cassées</p>",
            )
            noise = self._create_request(
                title="Nid de poule rue Victor Hugo",
                category_id=self.category_noise.id,
                street="12 rue Victor Hugo",
            )
        with freeze_time(datetime(2026, 3, 5, 8, 0)), self.mock_mail_gateway():
            emailed = self.format_and_process(
                raw_email(
                    POTHOLE, *GATEWAY_HEADERS, date="Thu, 5 Mar 2026 07:30:00 +0000"
                ),
                "Gaston Leroy <gaston.leroy@example.com>",
                self.alias_roads_email,
                subject="Nid de poule",
                target_model="citizen.request",
                target_field="title",
            )
        self.flush_tracking()
        candidates = emailed.duplicate_candidate_ids
        self.assertEqual(candidates[:1], counter)
        self.assertNotIn(unrelated, candidates)
        self.assertNotIn(noise, candidates)  # another category
        self.assertNotIn(emailed, candidates)

        # The agent links the emailed request to the counter one.
        counter.with_context(duplicate_request_id=emailed.id).action_mark_as_original()
        self.assertEqual(emailed.duplicate_of_id, counter)
        self.assertEqual(counter.duplicate_count, 1)
        self.assertIn(emailed.partner_id, counter.message_partner_ids)

        with freeze_time(datetime(2026, 3, 6, 8, 0)), self.mock_mail_gateway():
            counter.action_resolve()
            self.flush_tracking()
        self.assertTrue(emailed.is_closed)
        resolved = self._request_mails(emailed).filtered(
            lambda m: "has been resolved" in m.subject
        )
        self.assertEqual(len(resolved), 1)
        self.assertIn(emailed.partner_id, resolved.recipient_ids)
        self.assertIn(counter.name, resolved.body_html)

    @freeze_time(NOW)
    def test_nearby_coordinates(self):
        """Within the configured distance, another street name still matches."""
        original = self._create_request(
            title="Chaussée défoncée", latitude=49.7500, longitude=0.3800
        )
        far = self._create_request(
            title="Chaussée défoncée", latitude=49.7600, longitude=0.3800
        )
        new = self._create_request(
            title="Trou", latitude=49.7503, longitude=0.3801, street="Place"
        )
        self.assertIn(original, new.duplicate_candidate_ids)
        self.assertNotIn(far, new.duplicate_candidate_ids)

    def test_old_or_closed_requests_are_not_candidates(self):
        with freeze_time(datetime(2026, 1, 2, 10, 0)):
            old = self._create_request(street="12 rue Victor Hugo")
        with freeze_time(NOW):
            closed = self._create_request(street="12 rue Victor Hugo")
            closed.action_resolve()
            new = self._create_request(street="12, rue Victor-Hugo")
            recent = self._create_request(street="12 rue Victor Hugo")
            self.assertNotIn(old, new.duplicate_candidate_ids)
            self.assertNotIn(closed, new.duplicate_candidate_ids)
            self.assertIn(recent, new.duplicate_candidate_ids)

    @freeze_time(NOW)
    def test_distance_from_settings(self):
        """The distance set in the settings widens the search."""
        far = self._create_request(
            title="Chaussée défoncée", latitude=49.7600, longitude=0.3800
        )
        new = self._create_request(title="Trou", latitude=49.7500, longitude=0.3800)
        self.assertNotIn(far, new.duplicate_candidate_ids)
        settings = self.env["res.config.settings"].create(
            {"citizen_duplicate_distance": 2000}
        )
        settings.execute()
        new.invalidate_recordset(["duplicate_candidate_ids"])
        self.assertIn(far, new.duplicate_candidate_ids)
