from odoo.tests import tagged

from .common import CitizenPortalCase


@tagged("post_install", "-at_install")
class TestCitizenPortalTours(CitizenPortalCase):
    def test_public_form_tour(self):
        """A visitor files a request with a photo, follows it and replies."""
        self.start_tour("/requests/new", "citizen_request_form_tour")
        citizen_request = self.env["citizen.request"].search(
            [("contact_email", "=", "eve.tour@example.org")]
        )
        self.assertEqual(len(citizen_request), 1)
        self.assertEqual(citizen_request.channel, "web")
        self.assertAlmostEqual(citizen_request.latitude, 48.8566)
        photos = self.env["ir.attachment"].search(
            [("res_model", "=", "citizen.request"), ("res_id", "=", citizen_request.id)]
        )
        self.assertEqual(photos.mapped("mimetype"), ["image/png"])
        self.assertTrue(
            citizen_request.message_ids.filtered(
                lambda m: "It is still off tonight." in (m.body or "")
            )
        )

    def test_portal_requests_tour(self):
        """A member of an organisation sees their requests and their
        organisation's, not other citizens'; filters them and rates an answer."""
        resolved = self.env["citizen.request"].create(
            {
                "title": "Resolved lamp of Claire",
                "category_id": self.category_road.id,
                "partner_id": self.user_member1.partner_id.id,
            }
        )
        resolved.action_resolve()
        self.start_tour(
            "/my/requests", "citizen_portal_requests_tour", login="member1_org"
        )
        rating = resolved.rating_ids.filtered("consumed")
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.feedback, "Fixed in two days, thank you.")
