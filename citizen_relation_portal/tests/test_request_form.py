from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.common import (
    load_french,
    run_acknowledgement_job,
)

from .common import CitizenPortalCase, make_png


@tagged("post_install", "-at_install")
class TestCitizenRequestForm(CitizenPortalCase):
    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _form_data(self, **values):
        data = {
            "csrf_token": self.csrf_token(),
            "category_id": str(self.category_road.id),
            "title": "Broken street lamp",
            "description": "The lamp in front of number 4 is off.",
            "street": "4 rue Victor Hugo",
            "city": "Villebourg",
            "contact_name": "Eve Citizen",
            "contact_email": "eve.citizen@example.org",
            "consent": "1",
        }
        data.update(values)
        return data

    def _requests_of(self, email):
        return self.env["citizen.request"].search([("contact_email", "=", email)])

    def test_form_page(self):
        response = self.url_open("/requests/new")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Roads Test", response.text)
        self.assertIn("Potholes, damaged pavements.", response.text)
        self.assertNotIn("Internal Test", response.text)
        self.assertIn('for="contact_email"', response.text)
        self.assertIn('autocomplete="email"', response.text)
        self.assertIn("<html lang=", response.text)

    def test_form_prefilled_for_logged_in_user(self):
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open("/requests/new")
        self.assertIn('value="alice.martin@example.org"', response.text)

    def test_submit_creates_request_with_photo(self):
        response = self.url_open(
            "/requests/new",
            data=self._form_data(),
            files={"photos": ("../../etc/my photo.png", make_png(), "image/png")},
        )
        self.assertEqual(response.status_code, 200)
        citizen_request = self._requests_of("eve.citizen@example.org")
        self.assertEqual(len(citizen_request), 1)
        self.assertIn(citizen_request.name, response.text)
        self.assertIn(
            citizen_request.get_portal_url(), response.text.replace("&amp;", "&")
        )
        self.assertEqual(citizen_request.channel, "web")
        self.assertEqual(citizen_request.category_id, self.category_road)
        self.assertEqual(citizen_request.contact_name, "Eve Citizen")
        # the consent the visitor gave is kept with the request, as given
        self.assertTrue(citizen_request.consent_date)
        self.assertIn("anonymi", citizen_request.consent_text)
        self.assertEqual(citizen_request.partner_id.email, "eve.citizen@example.org")
        self.assertIn("front of number 4", citizen_request.description)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "citizen.request"), ("res_id", "=", citizen_request.id)]
        )
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.mimetype, "image/png")
        self.assertEqual(attachment.name, "etc_my_photo.png")
        self.assertFalse(attachment.public)
        # the acknowledgement is sent to the requester, a moment later
        run_acknowledgement_job(self.env)
        mails = self.env["mail.mail"].search(
            [("recipient_ids", "in", citizen_request.partner_id.ids)]
        )
        self.assertTrue(mails, "an acknowledgement email is queued")
        # the email carries the signed link to the same public page
        self.assertIn(
            citizen_request.get_portal_url(),
            "".join(mails.mapped("body_html")).replace("&amp;", "&"),
        )

    def test_logged_in_user_is_the_requester(self):
        self.authenticate("alice_citizen", "alice_citizen")
        self.url_open(
            "/requests/new",
            data=self._form_data(contact_email="alice.martin@example.org"),
        )
        citizen_request = self._requests_of("alice.martin@example.org")
        self.assertEqual(citizen_request.partner_id, self.user_alice.partner_id)

    def test_extra_fields_are_ignored(self):
        """Mass assignment: fields outside the whitelist are not written."""
        rejected = self.env.ref("citizen_relation.stage_rejected")
        self.url_open(
            "/requests/new",
            data=self._form_data(
                stage_id=str(rejected.id),
                user_id=str(self.user_agent.id),
                partner_id=str(self.user_bob.partner_id.id),
                priority="3",
                channel="api",
                name="DEM-FAKE",
                access_token="chosen-token",
            ),
        )
        citizen_request = self._requests_of("eve.citizen@example.org")
        self.assertEqual(len(citizen_request), 1)
        self.assertNotEqual(citizen_request.stage_id, rejected)
        self.assertNotEqual(citizen_request.user_id, self.user_agent)
        self.assertNotEqual(citizen_request.partner_id, self.user_bob.partner_id)
        self.assertEqual(citizen_request.channel, "web")
        self.assertNotEqual(citizen_request.name, "DEM-FAKE")
        self.assertNotEqual(citizen_request.access_token, "chosen-token")

    def test_generic_website_form_refused(self):
        """The website builder's generic form cannot create requests."""
        self.url_open(
            "/website/form/citizen.request",
            data={"title": "Generic", "contact_email": "eve.citizen@example.org"},
        )
        self.assertFalse(self._requests_of("eve.citizen@example.org"))

    def test_csrf_is_enforced(self):
        data = self._form_data()
        del data["csrf_token"]
        response = self.url_open("/requests/new", data=data)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._requests_of("eve.citizen@example.org"))

    def test_honeypot_creates_and_sends_nothing(self):
        mails_before = self.env["mail.mail"].search_count([])
        response = self.url_open(
            "/requests/new", data=self._form_data(homepage="http://spam.example")
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_citizen_request_form_success", response.text)
        self.assertNotIn("o_citizen_request_reference", response.text)
        self.assertFalse(self._requests_of("eve.citizen@example.org"))
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)

    def test_ip_limit(self):
        self.set_param("limit_ip_count", 2)
        for index in range(2):
            self.url_open(
                "/requests/new",
                data=self._form_data(contact_email=f"ip{index}@example.org"),
            )
        mails_before = self.env["mail.mail"].search_count([])
        response = self.url_open(
            "/requests/new", data=self._form_data(contact_email="ip3@example.org")
        )
        self.assertEqual(response.status_code, 429)
        self.assertIn('id="citizen_form_general_error"', response.text)
        self.assertIn('role="alert"', response.text)
        self.assertFalse(self._requests_of("ip3@example.org"))
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        # the state is in the database, so every worker sees it
        self.assertEqual(
            self.env["citizen.submission.throttle"].search_count(
                [("scope", "=", "ip")]
            ),
            2,
        )

    def test_honeypot_hits_count_in_limits(self):
        self.set_param("limit_ip_count", 1)
        self.url_open("/requests/new", data=self._form_data(homepage="spam"))
        response = self.url_open("/requests/new", data=self._form_data())
        self.assertEqual(response.status_code, 429)
        self.assertFalse(self._requests_of("eve.citizen@example.org"))

    def test_email_limit(self):
        self.set_param("limit_email_count", 1)
        self.url_open("/requests/new", data=self._form_data())
        response = self.url_open(
            "/requests/new",
            data=self._form_data(contact_email="EVE.citizen@example.org"),
        )
        self.assertEqual(response.status_code, 429)
        self.assertEqual(len(self._requests_of("eve.citizen@example.org")), 1)

    def test_errors_are_tied_to_fields(self):
        response = self.url_open(
            "/requests/new",
            data=self._form_data(title="", contact_email="not-an-email", consent=""),
        )
        self.assertEqual(response.status_code, 400)
        html = response.text
        self.assertIn('id="title_error"', html)
        self.assertIn('aria-describedby="title_help title_error"', html)
        self.assertIn('aria-describedby="contact_email_help contact_email_error"', html)
        self.assertIn('id="consent_error"', html)
        self.assertIn('id="citizen_form_errors"', html)
        # the page title says there is an error
        title = html.split("<title>")[1].split("</title>")[0]
        page = self.url_open("/requests/new").text
        self.assertNotEqual(title, page.split("<title>")[1].split("</title>")[0])
        # what was typed is kept
        self.assertIn("The lamp in front of number 4 is off.", html)
        self.assertFalse(self._requests_of("not-an-email"))

    def test_non_public_category_refused(self):
        response = self.url_open(
            "/requests/new",
            data=self._form_data(category_id=str(self.category_internal.id)),
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._requests_of("eve.citizen@example.org"))

    def test_fake_photo_refused(self):
        fake = b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>" * 10
        response = self.url_open(
            "/requests/new",
            data=self._form_data(),
            files={"photos": ("photo.jpg", fake, "image/jpeg")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn('id="photos_error"', response.text)
        self.assertFalse(self._requests_of("eve.citizen@example.org"))

    def test_hostile_uploads_refused(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        cases = [
            [("photos", ("drawing.svg", svg, "image/svg+xml"))],
            [
                (
                    "photos",
                    ("page.html", b"<html><script>x</script></html>", "text/html"),
                )
            ],
            [("photos", ("empty.png", b"", "image/png"))],
            [
                ("photos", (f"p{index}.png", make_png(), "image/png"))
                for index in range(4)
            ],
        ]
        for files in cases:
            response = self.url_open(
                "/requests/new", data=self._form_data(), files=files
            )
            self.assertEqual(response.status_code, 400, files[0][1][0])
            self.assertIn('id="photos_error"', response.text)
        self.assertFalse(self._requests_of("eve.citizen@example.org"))

    def test_oversized_photo_refused(self):
        self.set_param("photo_max_size_mb", 0)
        response = self.url_open(
            "/requests/new",
            data=self._form_data(),
            files={"photos": ("photo.png", make_png(), "image/png")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._requests_of("eve.citizen@example.org"))

    def test_script_in_text_is_inert(self):
        self.url_open(
            "/requests/new",
            data=self._form_data(description="<script>alert('x')</script> hole"),
        )
        citizen_request = self._requests_of("eve.citizen@example.org")
        self.assertNotIn("<script>", citizen_request.description)


@tagged("post_install", "-at_install")
class TestCitizenRequestFormFrench(CitizenPortalCase):
    def test_form_in_french(self):
        french = load_french(self.env)
        website = self.env["website"].get_current_website()
        website.language_ids |= french
        self.authenticate(None, None)
        response = self.url_open("/fr/requests/new")
        self.assertEqual(response.status_code, 200)
        self.assertIn('lang="fr-FR"', response.text)
        self.assertIn("Faire une demande à la mairie", response.text)
        self.assertIn("(obligatoire)", response.text)
