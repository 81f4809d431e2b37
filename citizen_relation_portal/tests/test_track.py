"""Following a request without an account, over HTTP.

Before, ``/requests/track`` with a reference and the requester's email
redirected to the signed page of the request (description, closing button):
an email address is no secret, and Open311 gave the references out with the
street. Now the page answers the same whatever was typed, and the signed link
goes by email to the requester's own address.
"""

from lxml import html as lxml_html

from odoo.tests import tagged

from .common import CitizenPortalCase


@tagged("post_install", "-at_install")
class TestCitizenRequestTracking(CitizenPortalCase):
    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _track(self, reference, email):
        return self.url_open(
            "/requests/track",
            data={
                "csrf_token": self.csrf_token(),
                "reference": reference,
                "email": email,
            },
            allow_redirects=False,
        )

    def _links_sent(self, citizen_request):
        """The emails holding the signed link of the request. Whatever their
        language, they are the ones deleted once sent: the acknowledgement
        and status emails are kept."""
        return self.env["mail.mail"].search(
            [
                ("model", "=", "citizen.request"),
                ("res_id", "=", citizen_request.id),
                ("body_html", "ilike", "access_token="),
                ("auto_delete", "=", True),
            ]
        )

    def _answer(self, response):
        """The text of the page's answer, without what the visitor typed."""
        page = lxml_html.fromstring(response.text)
        return [
            " ".join(node.text_content().split())
            for node in page.xpath('//*[@role="status" or @role="alert"]')
        ]

    def test_track_page(self):
        response = self.url_open("/requests/track")
        self.assertEqual(response.status_code, 200)
        self.assertIn('for="reference"', response.text)

    def test_same_answer_whatever_was_typed(self):
        """The right address, a wrong one and an unknown reference get the
        same page, with no redirection and nothing of the request."""
        answers = []
        for reference, email in (
            (self.request_alice.name.lower(), "Alice.Martin@example.org"),
            (self.request_alice.name, "bob.durand@example.org"),
            ("DEM-1999-99999", "alice.martin@example.org"),
        ):
            with self.subTest(reference=reference, email=email):
                response = self._track(reference, email)
                self.assertEqual(response.status_code, 200)
                self.assertNotIn("Location", response.headers)
                self.assertNotIn("Pothole in Alice street", response.text)
                self.assertNotIn("access_token", response.text)
                self.assertIn('id="track_sent"', response.text)
                answers.append(self._answer(response))
        self.assertTrue(answers[0])
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[0], answers[2])

    def test_link_goes_to_the_requester_by_email(self):
        """Only the requester's mailbox receives the signed link, which opens
        the request."""
        self._track(self.request_alice.name, "bob.durand@example.org")
        self._track("DEM-1999-99999", "alice.martin@example.org")
        self.assertFalse(self._links_sent(self.request_alice))
        messages_before = self.request_alice.message_ids
        self._track(self.request_alice.name.lower(), " Alice.Martin@example.org ")
        mail = self._links_sent(self.request_alice)
        self.assertEqual(len(mail), 1)
        self.assertIn("alice.martin@example.org", mail.email_to)
        self.assertFalse(mail.recipient_ids)
        self.assertIn(self.request_alice.name, mail.subject)
        self.assertIn(self.request_alice.get_portal_url(), mail.body_html)
        # the agents see in the chatter that a link was sent (an internal log
        # that stays once the email, deleted when sent, is gone)
        note = (self.request_alice.message_ids - messages_before).filtered(
            lambda m: m.message_type == "notification"
        )
        self.assertEqual(len(note), 1)
        self.assertTrue(note.subtype_id.internal)
        page = self.url_open(self.request_alice.get_portal_url())
        self.assertIn("Pothole in Alice street", page.text)

    def test_address_given_on_the_request(self):
        """A visitor without an account gave an address on the form: the link
        goes to it."""
        citizen_request = self.env["citizen.request"].create(
            {
                "title": "Lamp off",
                "category_id": self.category_road.id,
                "contact_email": "eve.visitor@example.org",
                "contact_name": "Eve Visitor",
            }
        )
        response = self._track(citizen_request.name, "EVE.visitor@example.org")
        self.assertEqual(response.status_code, 200)
        mail = self._links_sent(citizen_request)
        self.assertEqual(len(mail), 1)
        self.assertIn("eve.visitor@example.org", mail.email_to)

    def test_same_reference_in_another_town(self):
        """Regression: each town of a database numbers its requests alike,
        and the page looked at one request of the reference only, the
        newest: the requester of the other town's request was never sent
        its link."""
        other_town = self.env["res.company"].create({"name": "Autre Commune"})
        homonym = (
            self.env["citizen.request"]
            .with_company(other_town)
            .create(
                {
                    "name": self.request_alice.name,
                    "title": "Other town's request",
                    "company_id": other_town.id,
                    "contact_email": "zoe.autre@example.org",
                    "contact_name": "Zoé Autre",
                }
            )
        )
        self.assertEqual(homonym.name, self.request_alice.name)
        self._track(self.request_alice.name, "alice.martin@example.org")
        self.assertEqual(len(self._links_sent(self.request_alice)), 1)
        self.assertFalse(self._links_sent(homonym))
        self._track(self.request_alice.name, "zoe.autre@example.org")
        self.assertEqual(len(self._links_sent(homonym)), 1)
        self.assertEqual(len(self._links_sent(self.request_alice)), 1)

    def test_links_are_limited_per_request(self):
        """Whoever asks, a request's requester gets a few links a day; the
        page does not say when the limit is reached."""
        self.set_param("limit_track_request_count", 1)
        first = self._track(self.request_alice.name, "alice.martin@example.org")
        second = self._track(self.request_alice.name, "alice.martin@example.org")
        self.assertEqual(second.status_code, 200)
        self.assertEqual(self._answer(first), self._answer(second))
        self.assertEqual(len(self._links_sent(self.request_alice)), 1)

    def test_attempts_are_limited_per_address(self):
        self.set_param("limit_track_count", 2)
        self._track("DEM-0000-00000", "x@example.org")
        self._track("DEM-0000-00001", "x@example.org")
        response = self._track(self.request_alice.name, "alice.martin@example.org")
        self.assertEqual(response.status_code, 429)
        self.assertIn('role="alert"', response.text)
        self.assertFalse(self._links_sent(self.request_alice))

    def test_missing_or_invalid_fields(self):
        for reference, email in (
            ("", "alice.martin@example.org"),
            (self.request_alice.name, ""),
            (self.request_alice.name, "not an email"),
        ):
            with self.subTest(reference=reference, email=email):
                response = self._track(reference, email)
                self.assertEqual(response.status_code, 400)
                self.assertIn('id="track_error"', response.text)
                self.assertNotIn('id="track_sent"', response.text)
        self.assertFalse(self._links_sent(self.request_alice))

    def test_track_with_nul_character(self):
        """A NUL character in the tracking form used to end in a server error
        (PostgreSQL refuses it in a query); it is now simply dropped."""
        response = self._track(
            self.request_alice.name + "\x00", "alice.martin@example.org\x00"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._links_sent(self.request_alice)), 1)

    def test_track_requires_csrf(self):
        response = self.url_open(
            "/requests/track",
            data={
                "reference": self.request_alice.name,
                "email": "alice.martin@example.org",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._links_sent(self.request_alice))
