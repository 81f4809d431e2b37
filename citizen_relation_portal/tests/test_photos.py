from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.photos import PhotoAssertions, make_gps_jpeg

from .common import CitizenPortalCase


@tagged("post_install", "-at_install")
class TestPhotos(PhotoAssertions, CitizenPortalCase):
    """Regression: a photo sent through the web form or the portal was stored
    with the GPS position, camera and comment its phone wrote in it. Every
    way in stores it turned upright and without metadata."""

    def _photos(self, citizen_request):
        return self.env["ir.attachment"].search(
            [
                ("res_model", "=", "citizen.request"),
                ("res_id", "=", citizen_request.id),
                ("mimetype", "=like", "image/%"),
            ]
        )

    def test_web_form(self):
        self.authenticate(None, None)
        photo = make_gps_jpeg()
        self.assertPhotoCarriesMetadata(photo)
        response = self.url_open(
            "/requests/new",
            data={
                "csrf_token": self.csrf_token(),
                "category_id": str(self.category_road.id),
                "title": "Pothole in front of my house",
                "description": "Deep hole.",
                "street": "4 rue Victor Hugo",
                "contact_name": "Eve Citizen",
                "contact_email": "eve.photo@example.org",
                "consent": "1",
            },
            files={"photos": ("IMG_0042.jpg", photo, "image/jpeg")},
        )
        self.assertEqual(response.status_code, 200)
        citizen_request = self.env["citizen.request"].search(
            [("contact_email", "=", "eve.photo@example.org")]
        )
        photos = self._photos(citizen_request)
        self.assertEqual(photos.mapped("name"), ["IMG_0042.jpg"])
        self.assertPhotoTurned(photos.raw)

    def test_portal_reply_without_javascript(self):
        token = self.request_bob._portal_ensure_token()
        self.authenticate(None, None)
        self.url_open(
            f"/my/requests/{self.request_bob.id}/reply",
            data={
                "csrf_token": self.csrf_token(),
                "access_token": token,
                "message": "Here is a photo",
            },
            files={"photos": ("IMG_0043.jpg", make_gps_jpeg(), "image/jpeg")},
        )
        photos = self._photos(self.request_bob)
        self.assertEqual(photos.mapped("name"), ["IMG_0043.jpg"])
        self.assertIn(photos, self.request_bob.message_ids[:1].attachment_ids)
        self.assertPhotoTurned(photos.raw)

    def test_portal_chatter(self):
        """The chatter uploads the file first, then posts the message."""
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open(
            "/mail/attachment/upload",
            data={
                "csrf_token": self.csrf_token(),
                "thread_model": "citizen.request",
                "thread_id": str(self.request_alice.id),
                "is_pending": "true",
            },
            files={"ufile": ("IMG_0044.jpg", make_gps_jpeg(), "image/jpeg")},
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        uploaded = response.json()["data"]["ir.attachment"][0]
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "citizen.request",
                "thread_id": self.request_alice.id,
                "post_data": {
                    "body": "Photo of the hole",
                    "message_type": "comment",
                    "attachment_ids": [uploaded["id"]],
                },
                "attachment_tokens": [uploaded["access_token"]],
            },
        )
        photos = self._photos(self.request_alice)
        self.assertEqual(photos.mapped("name"), ["IMG_0044.jpg"])
        self.assertPhotoTurned(photos.raw)

    def test_open311_stores_no_file(self):
        """Open311 takes a photo by its address (media_url), never a file:
        a file posted along is not stored."""
        client = self.env["citizen.api.client"].create({"name": "Photo app"})
        api_key = client._set_new_key()
        response = self.url_open(
            "/open311/v2/requests.json",
            data={
                "api_key": api_key,
                "service_code": "T-ROAD",
                "lat": "48.8566",
                "long": "2.3522",
                "description": "Pothole near the bakery",
                "email": "open311.photo@example.org",
                "media_url": "https://photos.example.org/hole.jpg",
            },
            files={"media": ("hole.jpg", make_gps_jpeg(), "image/jpeg")},
        )
        self.assertEqual(response.status_code, 200, response.text[:300])
        reference = response.json()[0]["service_request_id"]
        citizen_request = self.env["citizen.request"].search([("name", "=", reference)])
        self.assertEqual(len(citizen_request), 1)
        self.assertFalse(
            self.env["ir.attachment"].search(
                [
                    ("res_model", "=", "citizen.request"),
                    ("res_id", "=", citizen_request.id),
                ]
            )
        )
