from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NOW, CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestReporters(CitizenRequestCommon):
    """Residents who follow a request instead of reporting it again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category.is_public = True
        if "publish_requests" in cls.category._fields:
            # with the portal, only categories publishing their requests
            cls.category.publish_requests = True
        cls.stage_taken = cls.env.ref("citizen_relation.stage_taken")
        with freeze_time(NOW):
            cls.original = cls.Request.create(
                {
                    "title": "Nid de poule devant l'école",
                    "category_id": cls.category.id,
                    "channel": "web",
                    "partner_id": cls.partner_citizen.id,
                    "latitude": 49.75,
                    "longitude": 0.38,
                }
            )

    def _mails_to(self, request, partner):
        return self._request_mails(request).filtered(
            lambda mail: partner in mail.recipient_ids
        )

    @freeze_time(NOW)
    def test_follow_acknowledges_and_counts_once(self):
        follower = self.original._add_reporter(
            " Gaston Leroy ", "Gaston.Leroy@Example.com"
        )
        self.assertEqual(follower.name, "Gaston Leroy")
        self.assertEqual(follower.email, "gaston.leroy@example.com")
        self.assertIn(follower, self.original.reporter_partner_ids)
        # not a follower of the thread: the requester's correspondence is not
        # theirs to read
        self.assertNotIn(follower, self.original.message_partner_ids)
        self.assertEqual(self.original.reporter_count, 2)
        acknowledgement = self._mails_to(self.original, follower)
        self.assertEqual(len(acknowledgement), 1)
        self.assertIn("you follow this request", acknowledgement.subject)
        body = acknowledgement.body_html
        self.assertIn("Hello Gaston Leroy", body)
        self.assertIn("you now follow the request", body)
        self.assertIn(self.original.name, body)
        # the requester's page and name are theirs alone
        self.assertNotIn("access_token", body)
        self.assertNotIn(self.partner_citizen.name, body)
        self.assertNotIn(self.partner_citizen, acknowledgement.recipient_ids)

        # following again (double submit) changes nothing and sends nothing
        again = self.original._add_reporter("Gaston Leroy", "gaston.leroy@example.com")
        self.assertEqual(again, follower)
        self.assertEqual(self.original.reporter_count, 2)
        self.assertEqual(len(self._mails_to(self.original, follower)), 1)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("email", "=", "gaston.leroy@example.com")]
            ),
            1,
        )
        # the requester following their own request is no second reporter
        self.original._add_reporter("Denise", self.partner_citizen.email)
        self.assertEqual(self.original.reporter_count, 2)

    @freeze_time(NOW)
    def test_reported_by_counts_duplicates(self):
        self.original._add_reporter("Gaston Leroy", "gaston.leroy@example.com")
        duplicate = self._create_request(
            title="Trou", contact_email="henri@example.com", contact_name="Henri"
        )
        duplicate.duplicate_of_id = self.original
        self.assertEqual(self.original.reporter_count, 3)

    @freeze_time(NOW)
    def test_follower_gets_status_emails(self):
        follower = self.original._add_reporter(
            "Gaston Leroy", "gaston.leroy@example.com"
        )
        self.original.with_user(self.user_agent).stage_id = self.stage_taken
        self.flush_tracking()
        status = self._mails_to(self.original, follower).filtered(
            lambda mail: "the request you follow is now" in mail.subject
        )
        self.assertEqual(len(status), 1)
        self.assertIn("that you follow is now", status.body_html)
        self.assertNotIn(self.original.title, status.body_html)
        self.assertIn("Hello Gaston Leroy", status.body_html)
        self.assertNotIn("access_token", status.body_html)
        requester = self._mails_to(self.original, self.partner_citizen).filtered(
            lambda mail: "your request is now" in mail.subject
        )
        self.assertEqual(len(requester), 1, "the requester still gets theirs")

    @freeze_time(NOW)
    def test_follower_does_not_get_the_requester_correspondence(self):
        """A resident who follows a request (or the requester of a duplicate
        of it) used to be subscribed to its thread, and was emailed the
        agents' replies to the requester, naming them."""
        follower = self.original._add_reporter(
            "Gaston Leroy", "gaston.leroy@example.com"
        )
        other = self.env["res.partner"].create(
            {"name": "Henri Petit", "email": "henri.petit@example.com"}
        )
        duplicate = self.Request.create(
            {
                "title": "Trou dans la chaussée",
                "category_id": self.category.id,
                "channel": "web",
                "partner_id": other.id,
            }
        )
        duplicate.duplicate_of_id = self.original
        reply = self.original.with_user(self.user_agent).message_post(
            body="Bonjour, nous passons demain devant chez vous.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.partner_citizen.ids,
        )
        self.env.flush_all()
        notified = reply.notification_ids.res_partner_id
        self.assertIn(self.partner_citizen, notified, "the requester gets the reply")
        self.assertIn(other, self.original.message_partner_ids)
        for partner in (follower, other):
            self.assertNotIn(partner, notified)

    @freeze_time(NOW)
    def test_closed_or_internal_requests_cannot_be_followed(self):
        self.original.action_resolve()
        with self.assertRaisesRegex(UserError, "can no longer be followed"):
            self.original._add_reporter("Gaston", "gaston.leroy@example.com")
        internal = self._create_request(category_id=self.category_noise.id)
        with self.assertRaisesRegex(UserError, "can no longer be followed"):
            internal._add_reporter("Gaston", "gaston.leroy@example.com")
        with self.assertRaisesRegex(UserError, "valid email"):
            self._create_request()._add_reporter("Gaston", "not an email")
