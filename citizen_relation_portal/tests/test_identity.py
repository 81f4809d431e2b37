import json
import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import CitizenPortalCase, make_png

INTAKE_URL = "/citizen/api/v1/requests"


@tagged("post_install", "-at_install")
class TestPortalIdentity(CitizenPortalCase):
    """A typed email is not an identity: changing the address of a portal
    account to someone else's gives none of their requests, and only a link
    followed from the new address makes it the account's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Gaston has no account: the town knows him from a request by email.
        cls.gaston = cls.env["res.partner"].create(
            {"name": "Gaston Leroy", "email": "gaston.leroy@example.org"}
        )
        cls.request_gaston = cls.env["citizen.request"].create(
            {
                "title": "Gaston water leak",
                "description": "<p>Gaston private text, 5 rue Basse</p>",
                "category_id": cls.category_road.id,
                "partner_id": cls.gaston.id,
                "channel": "email",
                "contact_email": "gaston.leroy@example.org",
                "contact_phone": "06 55 44 33 22",
            }
        )
        cls.client = cls.env["citizen.api.client"].create(
            {"name": "Connector I", "channel": "social"}
        )
        cls.api_key = cls.client._set_new_key()

    def _account_form(self, user, **values):
        partner = user.partner_id
        data = {
            "csrf_token": self.csrf_token(),
            "name": partner.name,
            "phone": "0102030405",
            "email": partner.email,
            "street": "1 rue Test",
            "city": "Villebourg",
            "country_id": str(self.env.ref("base.fr").id),
        }
        data.update(values)
        return data

    def _change_address(self, user, email):
        """The owner of ``user`` types ``email`` on /my/account."""
        self.authenticate(user.login, user.login)
        return self.url_open("/my/account", data=self._account_form(user, email=email))

    def _confirmation_links(self, email):
        mails = self.env["mail.mail"].sudo().search([("email_to", "=", email)])
        return re.findall(
            r'href="[^"]*(/my/account/confirm-email\?token=[^"]+)"',
            "".join(mails.mapped("body_html")),
        )

    def _web_form(self, **values):
        data = {
            "csrf_token": self.csrf_token(),
            "category_id": str(self.category_road.id),
            "title": "Leak again",
            "description": "Water on the pavement.",
            "contact_name": "Gaston Leroy",
            "contact_email": "gaston.leroy@example.org",
            "consent": "1",
        }
        data.update(values)
        return self.url_open("/requests/new", data=data)

    def _intake(self, **values):
        payload = {
            "source_id": f"post-{values.get('contact_email', 'x')}",
            "description": "Water on the pavement",
            "category_code": "T-ROAD",
            "contact_name": "@gaston",
        }
        payload.update(values)
        return self.url_open(
            INTAKE_URL,
            data=json.dumps(payload),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.api_key}",
            },
        )

    # ------------------------------------------------------------------
    # Changing the account's address
    # ------------------------------------------------------------------

    def test_address_change_waits_for_confirmation(self):
        """The account keeps its address until the link sent to the new one
        is followed; the page says so."""
        response = self._change_address(self.user_bob, "gaston.leroy@example.org")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/my/account?email_confirmation=sent", response.url)
        self.assertIn("o_citizen_email_pending", response.text)
        bob = self.user_bob.partner_id
        self.assertEqual(bob.email, "bob.durand@example.org")
        self.assertEqual(bob.citizen_pending_email, "gaston.leroy@example.org")
        links = self._confirmation_links("gaston.leroy@example.org")
        self.assertEqual(len(links), 1, "one link, sent to the new address only")
        self.assertFalse(self._confirmation_links("bob.durand@example.org"))
        # Other details of the form are saved at once.
        self.assertEqual(bob.street, "1 rue Test")

    def test_confirmation_link_needs_its_account(self):
        """The link works only for the account that asked for it, logged in,
        once; forged or stale links change nothing."""
        self._change_address(self.user_bob, "bob.new@example.org")
        link = self._confirmation_links("bob.new@example.org")[0]
        bob = self.user_bob.partner_id
        # someone else following it (logged in to another account)
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open(link)
        self.assertIn("email_confirmation=invalid", response.url)
        self.assertEqual(self.user_alice.partner_id.email, "alice.martin@example.org")
        # nobody logged in: the login page comes first
        self.authenticate(None, None)
        response = self.url_open(link, allow_redirects=False)
        self.assertIn("/web/login", response.headers["Location"])
        self.authenticate("bob_citizen", "bob_citizen")
        for forged in (
            link[:-2] + "xx",
            "/my/account/confirm-email?token=abc",
            "/my/account/confirm-email",
        ):
            response = self.url_open(forged)
            self.assertIn("email_confirmation=invalid", response.url, forged)
        self.assertEqual(bob.email, "bob.durand@example.org")
        with freeze_time(fields.Datetime.now() + timedelta(hours=49)):
            response = self.url_open(link)
        self.assertIn("email_confirmation=invalid", response.url, "expired")
        response = self.url_open(link)
        self.assertIn("email_confirmation=confirmed", response.url)
        self.assertIn("o_citizen_email_confirmed", response.text)
        self.assertEqual(bob.email, "bob.new@example.org")
        self.assertEqual(bob.citizen_confirmed_email, "bob.new@example.org")
        self.assertFalse(bob.citizen_pending_email)

    def test_newer_change_voids_the_older_link(self):
        self._change_address(self.user_bob, "first@example.org")
        first = self._confirmation_links("first@example.org")[0]
        self._change_address(self.user_bob, "second@example.org")
        self.assertIn("email_confirmation=invalid", self.url_open(first).url)
        self.assertEqual(self.user_bob.partner_id.email, "bob.durand@example.org")

    def test_confirmation_links_are_limited(self):
        """A few links a day per account: the town's mail server is not a way
        to write to any address."""
        for index in range(3):
            self._change_address(self.user_bob, f"try{index}@example.org")
        response = self._change_address(self.user_bob, "try3@example.org")
        self.assertIn("email_confirmation=limited", response.url)
        self.assertIn("o_citizen_email_limited", response.text)
        self.assertFalse(self._confirmation_links("try3@example.org"))
        self.assertEqual(self.user_bob.partner_id.email, "bob.durand@example.org")

    def test_unconfirmed_account_address_can_be_confirmed(self):
        """An account opened on the website: its address was only typed; the
        page offers to confirm it."""
        bob = self.user_bob.partner_id
        bob.with_user(self.user_bob).sudo().write({"email": "bob.site@example.org"})
        self.assertEqual(bob.citizen_confirmed_email, "bob.durand@example.org")
        self.authenticate("bob_citizen", "bob_citizen")
        page = self.url_open("/my/account")
        self.assertIn("o_citizen_email_unconfirmed", page.text)
        self.url_open(
            "/my/account/confirm-email/send", data={"csrf_token": self.csrf_token()}
        )
        link = self._confirmation_links("bob.site@example.org")[0]
        self.assertIn("email_confirmation=confirmed", self.url_open(link).url)
        self.assertEqual(bob.citizen_confirmed_email, "bob.site@example.org")

    # ------------------------------------------------------------------
    # What an address typed on an account does not give
    # ------------------------------------------------------------------

    def _bob_types_gaston_address(self):
        """Bob types Gaston's address on his account and, whatever the page
        does, gets it written there (as an account opened on the website
        with it would have it)."""
        self._change_address(self.user_bob, "gaston.leroy@example.org")
        bob = self.user_bob.partner_id
        bob.with_user(self.user_bob).sudo().write({"email": "gaston.leroy@example.org"})
        self.assertEqual(bob.email_normalized, "gaston.leroy@example.org")

    def test_personal_data_leaves_out_an_address_typed_alone(self):
        """Regression: /my/requests/personal-data returned the requests given
        with the address typed on the account (someone else's: titles,
        descriptions, phone, street, the town's answers)."""
        self._bob_types_gaston_address()
        self.authenticate("bob_citizen", "bob_citizen")
        response = self.url_open("/my/requests/personal-data")
        self.assertEqual(response.status_code, 200)
        references = [r["reference"] for r in response.json()["requests"]]
        self.assertEqual(references, [self.request_bob.name])
        for secret in ("Gaston", "5 rue Basse", "06 55 44 33 22"):
            self.assertNotIn(secret, response.text)

    def test_personal_data_holds_the_confirmed_address(self):
        """Once confirmed, the requests given with the address are the
        account's too (and those of its organisation stay)."""
        self._change_address(self.user_bob, "gaston.leroy@example.org")
        link = self._confirmation_links("gaston.leroy@example.org")[0]
        self.url_open(link)
        data = self.url_open("/my/requests/personal-data").json()
        self.assertEqual(
            {r["reference"] for r in data["requests"]},
            {self.request_bob.name, self.request_gaston.name},
        )
        self.authenticate("member1_org", "member1_org")
        data = self.url_open("/my/requests/personal-data").json()
        self.assertEqual(
            [r["reference"] for r in data["requests"]], [self.request_org.name]
        )

    def test_web_form_and_connector_are_not_captured(self):
        """Regression: the person's next request, on the web form or through a
        connector, went to the account that had typed their address (the
        lowest contact id with it); it is theirs, acknowledged and followed
        by its link."""
        self._bob_types_gaston_address()
        self.authenticate(None, None)
        response = self._web_form()
        self.assertEqual(response.status_code, 200)
        web = self.env["citizen.request"].search([("title", "=", "Leak again")])
        self.assertEqual(web.partner_id, self.gaston)
        self.assertIn(web.name, response.text)
        response = self._intake(contact_email="gaston.leroy@example.org")
        self.assertEqual(response.status_code, 201, response.text)
        api = self.env["citizen.request"].search(
            [("name", "=", response.json()["reference"])]
        )
        self.assertEqual(api.partner_id, self.gaston)
        self.authenticate("bob_citizen", "bob_citizen")
        page = self.url_open("/my/requests").text
        for reference in (web.name, api.name, self.request_gaston.name):
            self.assertNotIn(reference, page)

    def test_connector_never_matches_staff_nor_part_of_a_number(self):
        """Regression: a connector's post carrying an agent's address, or the
        last digits of someone's phone, was linked to them."""
        self.user_agent.partner_id.write(
            {"email": "agent.test@villebourg.example.org", "phone": "01 99 88 77 66"}
        )
        response = self._intake(
            contact_email="agent.test@villebourg.example.org", source_id="post-staff"
        )
        api = self.env["citizen.request"].search(
            [("name", "=", response.json()["reference"])]
        )
        self.assertNotEqual(api.partner_id, self.user_agent.partner_id)
        self.assertFalse(api.partner_id.user_ids)
        for number, source in (
            ("44 33 22", "post-part"),
            ("01 99 88 77 66", "post-agent"),
        ):
            response = self._intake(contact_phone=number, source_id=source)
            api = self.env["citizen.request"].search(
                [("name", "=", response.json()["reference"])]
            )
            self.assertNotIn(
                api.partner_id, self.gaston | self.user_agent.partner_id, number
            )

    def test_web_form_photos_are_the_visitor_s(self):
        """Regression: the photos of the form were posted as the contact the
        typed address designates, naming them to the visitor."""
        self.authenticate(None, None)
        response = self.url_open(
            "/requests/new",
            data={
                "csrf_token": self.csrf_token(),
                "category_id": str(self.category_road.id),
                "title": "Photo leak",
                "description": "See the photo.",
                "contact_name": "Someone",
                "contact_email": "gaston.leroy@example.org",
                "consent": "1",
            },
            files={"photos": ("leak.png", make_png(), "image/png")},
        )
        citizen_request = self.env["citizen.request"].search(
            [("title", "=", "Photo leak")]
        )
        self.assertEqual(citizen_request.partner_id, self.gaston)
        self.assertEqual(response.status_code, 200)
        message = citizen_request.message_ids.filtered(
            lambda m: m.message_type == "comment"
        )
        self.assertEqual(len(message), 1)
        self.assertFalse(message.author_id)
        self.assertIn("Someone", message.email_from)

    def test_account_opened_on_the_website_holds_no_typed_address(self):
        """With free sign-up on the website (*Customer Account: Free sign up*),
        anybody opens an account with any address: the address is not
        confirmed, so the requests and emails given with it stay their
        owner's, until the account proves receiving mail at it."""
        self.env["website"].search([]).auth_signup_uninvited = "b2c"
        self.authenticate(None, None)
        response = self.url_open(
            "/web/signup",
            data={
                "csrf_token": self.csrf_token(),
                "login": "gaston.leroy@example.org",
                "name": "Faux Gaston",
                "password": "Xq7-signup-test",
                "confirm_password": "Xq7-signup-test",
            },
        )
        self.assertEqual(response.status_code, 200)
        account = self.env["res.users"].search(
            [("login", "=", "gaston.leroy@example.org")]
        )
        self.assertTrue(account, "the account was opened")
        self.assertFalse(account.partner_id.citizen_confirmed_email)
        self.authenticate(None, None)
        self._web_form()
        web = self.env["citizen.request"].search([("title", "=", "Leak again")])
        self.assertEqual(web.partner_id, self.gaston)
        self.authenticate("gaston.leroy@example.org", "Xq7-signup-test")
        self.assertNotIn(web.name, self.url_open("/my/requests").text)
        data = self.url_open("/my/requests/personal-data").json()
        self.assertFalse(data["requests"])
        self.assertIn("o_citizen_email_unconfirmed", self.url_open("/my/account").text)
