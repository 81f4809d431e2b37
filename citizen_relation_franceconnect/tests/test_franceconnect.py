from urllib.parse import parse_qs, urlparse

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CLIENT_ID, CLIENT_SECRET, FranceConnectCase
from .fc_standin import IDENTITY


@tagged("post_install", "-at_install")
class TestFranceConnectSignIn(FranceConnectCase):
    def test_success_creates_a_portal_account(self):
        response = self.sign_in()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(urlparse(response.url).path, "/my")
        self.assertTrue(self.is_signed_in())

        user = self.env["res.users"].search([("login", "=", IDENTITY["email"])])
        self.assertTrue(user.share, "a citizen gets a portal account")
        self.assertEqual(user.franceconnect_sub, self.standin.sub)
        partner = user.partner_id
        self.assertEqual(partner.name, "Angela Claire Louise DUBOIS")
        self.assertEqual(partner.franceconnect_given_name, "Angela Claire Louise")
        self.assertEqual(partner.franceconnect_family_name, "DUBOIS")
        self.assertTrue(partner.franceconnect_verified)
        self.assertEqual(
            partner.citizen_confirmed_email,
            IDENTITY["email"],
            "the address FranceConnect verified is a confirmed one",
        )

    def test_authorization_and_token_calls(self):
        """What FranceConnect's partner documentation asks of the client."""
        self.sign_in()
        (authorize,) = self.calls_to("/authorize")
        args = authorize["args"]
        self.assertEqual(args["response_type"], "code")
        self.assertEqual(args["client_id"], CLIENT_ID)
        self.assertEqual(args["acr_values"], "eidas1")
        self.assertEqual(args["scope"], "openid given_name family_name email")
        self.assertGreaterEqual(len(args["state"]), 32)
        self.assertGreaterEqual(len(args["nonce"]), 32)
        self.assertNotEqual(args["state"], args["nonce"])
        self.assertTrue(args["redirect_uri"].endswith("/auth/franceconnect/callback"))
        (token,) = self.calls_to("/token")
        self.assertEqual(token["form"]["client_secret"], CLIENT_SECRET)
        self.assertEqual(token["form"]["client_id"], CLIENT_ID)
        self.assertNotIn("Authorization", token["headers"])
        (userinfo,) = self.calls_to("/userinfo")
        self.assertTrue(userinfo["headers"]["Authorization"].startswith("Bearer "))

    def test_state_and_nonce_change_every_time(self):
        self.sign_in()
        self.url_open("/auth/franceconnect/logout")
        self.sign_in()
        first, second = (c["args"] for c in self.calls_to("/authorize"))
        self.assertNotEqual(first["state"], second["state"])
        self.assertNotEqual(first["nonce"], second["nonce"])

    def test_existing_portal_account_is_signed_into(self):
        """The portal account of the contact that confirmed the address is
        the one signed into: its requests are the citizen's."""
        user = new_test_user(
            self.env,
            login="angela",
            groups="base.group_portal",
            name="Angela Dubois",
            email=IDENTITY["email"],
        )
        self.assertEqual(user.partner_id.citizen_confirmed_email, IDENTITY["email"])
        users_before = self.env["res.users"].search_count([])
        self.sign_in()
        self.assertTrue(self.is_signed_in())
        self.assertEqual(self.env["res.users"].search_count([]), users_before)
        self.assertEqual(user.franceconnect_sub, self.standin.sub)
        self.assertEqual(user.partner_id.franceconnect_family_name, "DUBOIS")
        self.assertEqual(user.partner_id.name, "Angela Dubois", "its name is kept")
        # the next sign-in goes to the same account through its identifier,
        # even with another address at FranceConnect
        self.url_open("/auth/franceconnect/logout")
        self.standin.identity["email"] = "angela.new@example.org"
        self.sign_in()
        self.assertTrue(self.is_signed_in())
        self.assertEqual(self.env["res.users"].search_count([]), users_before)

    def test_contact_with_requests_gets_the_account(self):
        """A citizen who filed requests with the address before gets an
        account on the contact of those requests."""
        partner = self.env["res.partner"].create(
            {"name": "A. Dubois", "email": IDENTITY["email"]}
        )
        self.assertEqual(partner.citizen_confirmed_email, IDENTITY["email"])
        self.sign_in()
        self.assertTrue(self.is_signed_in())
        self.assertEqual(partner.user_ids.login, IDENTITY["email"])
        self.assertTrue(partner.user_ids.share)

    def test_staff_account_is_never_taken_over(self):
        staff = new_test_user(
            self.env,
            login=IDENTITY["email"],
            groups="base.group_user",
            name="Agent",
            email=IDENTITY["email"],
        )
        response = self.sign_in()
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.error_reason(response), "account")
        self.assertFalse(self.is_signed_in())
        self.assertFalse(staff.franceconnect_sub)
        self.assertFalse(staff.partner_id.franceconnect_verified)

    def test_staff_contact_is_not_matched(self):
        """An employee whose contact confirmed the address (another login)
        is not signed in, nor given the citizen's identity."""
        staff = new_test_user(
            self.env,
            login="agent_dubois",
            groups="base.group_user",
            name="Agent",
            email=IDENTITY["email"],
        )
        self.sign_in()
        user = self.env["res.users"].search(
            [("franceconnect_sub", "=", self.standin.sub)]
        )
        self.assertTrue(user.share)
        self.assertNotEqual(user.partner_id, staff.partner_id)
        self.assertFalse(staff.partner_id.franceconnect_verified)

    def test_wrong_state_refused(self):
        callback, query = self.provider_answer()
        forged = callback.replace(query["state"][0], "x" * 43)
        response = self.opener.get(forged, timeout=60)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.error_reason(response), "state")
        self.assertFalse(self.calls_to("/token"), "no code is exchanged")
        self.assertFalse(self.is_signed_in())
        # nor is the right answer accepted afterwards: the sign-in is spent
        response = self.opener.get(callback, timeout=60)
        self.assertEqual(self.error_reason(response), "state")
        self.assertFalse(self.is_signed_in())

    def test_wrong_nonce_refused(self):
        self.standin.nonce = "n" * 43
        response = self.sign_in()
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.error_reason(response), "verification")
        self.assertFalse(self.is_signed_in())
        self.assertFalse(
            self.env["res.users"].search([("login", "=", IDENTITY["email"])])
        )

    def test_alg_none_and_hs256_refused(self):
        for algorithm in ("none", "HS256"):
            with self.subTest(algorithm=algorithm):
                self.standin.reset()
                self.standin.algorithm = algorithm
                response = self.sign_in()
                self.assertEqual(response.status_code, 400)
                self.assertEqual(self.error_reason(response), "verification")
                self.assertFalse(self.is_signed_in())
                self.assertFalse(self.calls_to("/userinfo"), "the ID token stops it")
        self.assertFalse(
            self.env["res.users"].search([("login", "=", IDENTITY["email"])])
        )

    def test_unknown_kid_fetches_the_keys_again_once(self):
        self.sign_in()  # the keys are known from now on
        self.url_open("/auth/franceconnect/logout")
        self.standin.rotate_key()
        hits = self.standin.jwks_hits
        self.sign_in()
        self.assertTrue(self.is_signed_in(), "the new key is fetched and used")
        self.assertEqual(self.standin.jwks_hits, hits + 1)

    def test_key_still_unknown_refused(self):
        self.standin.signing_kid = "not-published"
        hits = self.standin.jwks_hits
        response = self.sign_in()
        self.assertEqual(self.error_reason(response), "verification")
        self.assertFalse(self.is_signed_in())
        self.assertLessEqual(
            self.standin.jwks_hits, hits + 2, "fetched again once, not in a loop"
        )

    def test_access_denied_ends_on_a_clear_page(self):
        self.standin.deny = True
        response = self.sign_in()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(urlparse(response.url).path, "/auth/franceconnect/callback")
        self.assertEqual(self.error_reason(response), "denied")
        self.assertIn('href="/requests/new"', response.text)
        self.assertFalse(self.is_signed_in())
        self.assertFalse(self.calls_to("/token"))

    def test_logout_round_trip(self):
        self.sign_in()
        self.assertTrue(self.is_signed_in())
        issued = set(self.standin.id_tokens)
        # the portal's own "Log out" link
        response = self.url_open("/web/session/logout?redirect=/")
        (end_session,) = self.calls_to("/session/end")
        args = end_session["args"]
        self.assertIn(args["id_token_hint"], issued)
        self.assertGreaterEqual(len(args["state"]), 32)
        self.assertTrue(
            args["post_logout_redirect_uri"].endswith("/auth/franceconnect/logout/done")
        )
        self.assertEqual(urlparse(response.url).path, "/auth/franceconnect/logout/done")
        self.assertEqual(
            parse_qs(urlparse(response.url).query)["state"], [args["state"]]
        )
        self.assertIn('data-franceconnect="1"', response.text)
        self.assertFalse(self.is_signed_in())
        self.assertFalse(self.standin.id_tokens, "the provider ended the session")

    def test_identity_mark_cannot_be_forged(self):
        """Only FranceConnect's answer marks an identity as verified, not an
        employee who may edit contacts."""
        employee = new_test_user(
            self.env,
            login="fc_employee",
            groups="base.group_user,base.group_partner_manager",
        )
        partner = self.env["res.partner"].create({"name": "Someone"})
        with self.assertRaises(AccessError):
            partner.with_user(employee).write(
                {"franceconnect_verified": True, "franceconnect_family_name": "X"}
            )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(employee).create(
                {"name": "Forged", "franceconnect_verified": True}
            )

    def test_request_filed_signed_in_carries_the_identity(self):
        self.env["citizen.request.category"].create(
            {"name": "Lighting FC", "code": "T-FC", "is_public": True}
        )
        category = self.env["citizen.request.category"].search([("code", "=", "T-FC")])
        self.sign_in()
        page = self.url_open("/requests/new").text
        csrf_token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        self.url_open(
            "/requests/new",
            data={
                "csrf_token": csrf_token,
                "category_id": str(category.id),
                "title": "Street lamp off FC",
                "description": "The lamp in front of number 4 is off.",
                "street": "4 rue Victor Hugo",
                "contact_name": "Angela Dubois",
                "contact_email": IDENTITY["email"],
                "consent": "1",
            },
        )
        citizen_request = self.env["citizen.request"].search(
            [("title", "=", "Street lamp off FC")]
        )
        user = self.env["res.users"].search(
            [("franceconnect_sub", "=", self.standin.sub)]
        )
        self.assertEqual(citizen_request.partner_id, user.partner_id)
        self.assertTrue(citizen_request.partner_franceconnect_verified)
        self.assertEqual(
            citizen_request.partner_franceconnect_given_name, "Angela Claire Louise"
        )
        self.assertEqual(citizen_request.partner_franceconnect_family_name, "DUBOIS")

    def test_pages_offer_the_button(self):
        for url in ("/web/login", "/requests/new"):
            with self.subTest(url=url):
                page = self.url_open(url).text
                self.assertIn('class="fr-connect"', page)
                self.assertIn('href="https://franceconnect.gouv.fr/"', page)
        self.assertIn(
            'id="citizen_franceconnect_offer"', self.url_open("/requests/new").text
        )
        self.sign_in()
        self.assertNotIn(
            'id="citizen_franceconnect_offer"',
            self.url_open("/requests/new").text,
            "a citizen signed in is not offered to sign in",
        )
