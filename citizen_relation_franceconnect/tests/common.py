from urllib.parse import parse_qs, urlparse

from odoo.tests import HttpCase

from odoo.addons.citizen_relation_franceconnect.models.citizen_franceconnect import (
    PARAM_PREFIX,
)

from .fc_standin import FranceConnectStandin

CLIENT_ID = "211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e"
CLIENT_SECRET = "2791a731e6a59f56b6b4dd0d08c9b1f593b5f3658b9fd731cb24248e2669af4b"


class FranceConnectCase(HttpCase):
    """The town's site with FranceConnect declared, its provider being the
    stand-in on the loopback, reached by the Odoo server itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standin = FranceConnectStandin(CLIENT_ID, CLIENT_SECRET).start()
        cls.addClassCleanup(cls.standin.stop)
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(f"{PARAM_PREFIX}client_id", CLIENT_ID)
        params.set_param(f"{PARAM_PREFIX}client_secret", CLIENT_SECRET)
        params.set_param(f"{PARAM_PREFIX}environment", "custom")
        params.set_param(f"{PARAM_PREFIX}provider_url", cls.standin.issuer)

    def setUp(self):
        super().setUp()
        self.standin.reset()
        # no session of the test framework: the visitor's browser keeps the
        # one the site gives it, as it changes on signing in and out

    def url_open(self, url, *args, timeout=60, **kwargs):
        # the first page of a run builds the website's assets: slow on a
        # busy machine
        return super().url_open(url, *args, timeout=timeout, **kwargs)

    def calls_to(self, endpoint):
        return [c for c in self.standin.calls if c["path"].endswith(endpoint)]

    def sign_in(self, redirect=None):
        """The visitor clicks the button and FranceConnect answers: the last
        response, after every redirection (the provider's included)."""
        url = "/auth/franceconnect/login"
        if redirect:
            url += f"?redirect={redirect}"
        return self.url_open(url, allow_redirects=True)

    def is_signed_in(self):
        response = self.url_open("/my", allow_redirects=False)
        return response.status_code == 200

    def error_reason(self, response):
        """The reason given by the page ending a failed sign-in."""
        self.assertIn(
            'id="citizen_franceconnect_error"', response.text, "no sign-in error page"
        )
        return response.text.split('data-reason="', 1)[1].split('"', 1)[0]

    def provider_answer(self):
        """The URL of the callback FranceConnect sends the visitor back to,
        without following it."""
        login = self.url_open("/auth/franceconnect/login", allow_redirects=False)
        self.assertEqual(login.status_code, 303)
        answer = self.opener.get(
            login.headers["Location"], allow_redirects=False, timeout=60
        )
        self.assertEqual(answer.status_code, 302)
        location = answer.headers["Location"]
        return location, parse_qs(urlparse(location).query)
