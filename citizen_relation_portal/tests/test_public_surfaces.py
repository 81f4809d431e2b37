"""What visitors, citizens and intruders can reach over HTTP.

Everything goes through the real HTTP stack: files, chatter, RPC and the
routes of the portal, with forged, empty or swapped credentials.
"""

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest.mock import patch
from urllib.parse import parse_qs

import requests
from lxml import html as lxml_html
from requests import HTTPError

from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.citizen_relation.tests.common import run_acknowledgement_job

from .reliability_common import build_town


class _SiteVerify(BaseHTTPRequestHandler):
    """A stand-in for reCAPTCHA's ``siteverify`` on the loopback: it answers
    as Google documents it, refusing the token or the key it is sent."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        if form.get("secret") != ["town-secret-for-tests"]:
            errors = ["invalid-input-secret"]
        elif not form.get("response"):
            errors = ["missing-input-response"]
        else:
            errors = ["invalid-input-response"]
        body = json.dumps({"success": False, "error-codes": errors}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def local_siteverify():
    """Send Odoo's reCAPTCHA verification, whose address is written in its
    code, to the stand-in: no test reaches the internet. Yields a function
    that stops the stand-in, so that the provider no longer answers."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SiteVerify)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    local_url = f"http://127.0.0.1:{server.server_address[1]}/recaptcha/api/siteverify"
    real_post = requests.post

    def post(url, *args, **kwargs):
        assert url.endswith("/recaptcha/api/siteverify"), url
        return real_post(local_url, *args, **kwargs)

    stopped = []

    def stop():
        if not stopped:
            server.shutdown()
            server.server_close()
            stopped.append(True)

    try:
        with patch("odoo.addons.google_recaptcha.models.ir_http.requests.post", post):
            yield stop
    finally:
        stop()
        thread.join(5)


@tagged("post_install", "-at_install")
class TestPublicSurfaces(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_town(cls)
        cls.denise = cls.users["citizen"].partner_id
        cls.token_a = cls.request_a._portal_ensure_token()
        cls.token_b = cls.request_b._portal_ensure_token()
        # an internal note with a file on the citizen's own request
        cls.note_file = cls.env["ir.attachment"].create(
            {
                "name": "rapport_interne.txt",
                "raw": b"INTERNAL REPORT",
                "res_model": "citizen.request",
                "res_id": cls.request_a.id,
            }
        )
        cls.request_a.message_post(
            body="Note interne: le riverain est procédurier",
            subtype_xmlid="mail.mt_note",
            attachment_ids=cls.note_file.ids,
        )

    def csrf_token(self):
        return http.Request.csrf_token(self)

    def _login(self, role):
        login = self.users[role].login
        self.authenticate(login, login)

    def _content(self, attachment, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.url_open(f"/web/content/{attachment.id}?download=1&{query}")

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    # ------------------------------------------------------------------
    # Files
    # ------------------------------------------------------------------

    def test_files_of_other_requests_are_not_served(self):
        cases = [
            (None, self.attachment_a, {}),
            (None, self.attachment_a, {"access_token": self.token_a}),
            ("citizen", self.attachment_b, {}),
            ("citizen", self.attachment_b, {"access_token": self.token_a}),
            ("outsider", self.attachment_a, {}),
            ("member", self.attachment_a, {"access_token": ""}),
            ("agent_b", self.attachment_a, {}),
            ("technician", self.attachment_a, {}),
        ]
        for role, attachment, params in cases:
            with self.subTest(role=role, file=attachment.name, params=params):
                if role:
                    self._login(role)
                else:
                    self.authenticate(None, None)
                response = self._content(attachment, **params)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn(attachment.raw.decode(), response.text)

    def test_request_token_does_not_open_internal_files(self):
        """The signed link of a request is no key to its files: the internal
        report stays closed, even to the requester holding the link."""
        for role in (None, "citizen"):
            with self.subTest(role=role):
                if role:
                    self._login(role)
                else:
                    self.authenticate(None, None)
                response = self._content(self.note_file, access_token=self.token_a)
                self.assertIn(response.status_code, (403, 404))
                self.assertNotIn("INTERNAL REPORT", response.text)

    def test_file_token_opens_only_its_file(self):
        token = self.attachment_a.generate_access_token()[0]
        self.authenticate(None, None)
        response = self._content(self.attachment_a, access_token=token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"photo A")
        response = self._content(self.attachment_b, access_token=token)
        self.assertIn(response.status_code, (403, 404))

    def test_signed_chatter_hides_internal_notes_and_files(self):
        self.authenticate(None, None)
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "citizen.request",
                "thread_id": self.request_a.id,
                "token": self.token_a,
                "limit": 100,
            },
        )
        text = str(result)
        self.assertNotIn("procédurier", text)
        self.assertNotIn("rapport_interne", text)
        self.assertNotIn("photo_b", text)

    def test_request_page_shows_no_internal_note(self):
        self.authenticate(None, None)
        response = self.url_open(
            f"/my/requests/{self.request_a.id}?access_token={self.token_a}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Nid de poule rue Hugo", response.text)
        for secret in ("procédurier", "rapport_interne", "Secret B", "photo_b"):
            self.assertNotIn(secret, response.text)

    # ------------------------------------------------------------------
    # Chatter
    # ------------------------------------------------------------------

    def _post(self, params, body):
        params = dict(
            params,
            thread_model="citizen.request",
            thread_id=self.request_a.id,
        )
        params.setdefault("post_data", {"body": body, "message_type": "comment"})
        with contextlib.suppress(HTTPError, JsonRpcException):
            self.make_jsonrpc_request("/mail/message/post", params)
        return self.request_a.message_ids.filtered(lambda m: body in (m.body or ""))

    def test_chatter_hash_and_pid_forgery(self):
        """A signed partner id only works with its own signature."""
        self.authenticate(None, None)
        manager = self.users["manager"].partner_id
        good_hash = self.request_a._sign_token(self.denise.id)
        forged = [
            {"pid": self.denise.id, "hash": "0" * 64},
            {"pid": self.denise.id, "hash": ""},
            {"pid": manager.id, "hash": good_hash},
            {"pid": self.denise.id, "hash": self.request_b._sign_token(self.denise.id)},
            {"token": self.token_b},
            {"token": ""},
        ]
        for index, params in enumerate(forged):
            with self.subTest(params=params):
                self.assertFalse(self._post(params, f"Forged {index}"))

    def test_chatter_post_cannot_choose_author_or_kind(self):
        """The signed requester posts as themselves and notifies nobody of
        their choosing, whatever the post data claims."""
        self.authenticate(None, None)
        manager = self.users["manager"].partner_id
        body = "Je confirme mon adresse"
        message = self._post(
            {
                "pid": self.denise.id,
                "hash": self.request_a._sign_token(self.denise.id),
                "post_data": {
                    "body": body,
                    "message_type": "notification",
                    "subtype_xmlid": "mail.mt_note",
                    "author_id": manager.id,
                    "email_from": "directrice@valmont.example.org",
                    "partner_ids": [self.users["outsider"].partner_id.id],
                },
            },
            body,
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.denise)
        self.assertNotIn(self.users["outsider"].partner_id, message.partner_ids)
        self.assertNotIn(
            self.users["outsider"].partner_id, self.request_a.message_partner_ids
        )

    # ------------------------------------------------------------------
    # RPC and portal routes
    # ------------------------------------------------------------------

    def test_portal_rpc_reads_only_own_requests(self):
        self._login("citizen")
        found = self._rpc(
            "citizen.request",
            "search_read",
            [],
            fields=["name", "title", "description", "street"],
        )
        self.assertEqual([row["id"] for row in found], [self.request_a.id])
        for method, args in (
            ("read", [[self.request_b.id], ["title", "description"]]),
            ("write", [[self.request_a.id], {"stage_id": 1}]),
            ("unlink", [[self.request_a.id]]),
            ("create", [{"title": "RPC", "category_id": self.category_a.id}]),
            ("action_close", [[self.request_a.id]]),
        ):
            with (
                self.subTest(method=method),
                self.assertRaises(JsonRpcException),
            ):
                self._rpc("citizen.request", method, *args)
        self.assertFalse(self.request_a.is_closed)
        for model in ("citizen.team", "citizen.api.client", "ir.attachment"):
            with self.subTest(model=model), self.assertRaises(JsonRpcException):
                self._rpc(model, "search_read", [], fields=["id"])

    def test_public_rpc_refused(self):
        self.authenticate(None, None)
        with contextlib.suppress(HTTPError), self.assertRaises(JsonRpcException):
            self._rpc("citizen.request", "search_read", [], fields=["title"])

    def test_close_requires_csrf(self):
        """A page elsewhere cannot make the logged-in citizen close a request."""
        self._login("citizen")
        response = self.url_open(
            f"/my/requests/{self.request_a.id}/close",
            data={"access_token": self.token_a},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.request_a.is_closed)

    def test_outsider_cannot_close_with_id(self):
        self._login("outsider")
        self.url_open(
            f"/my/requests/{self.request_a.id}/close",
            data={"csrf_token": self.csrf_token()},
            allow_redirects=False,
        )
        self.assertFalse(self.request_a.is_closed)

    def test_track_does_not_confirm_references(self):
        """Tracking says the same whether the reference exists or not, and
        whether the email is the requester's or not: references cannot be
        enumerated, nor requesters unmasked, and the request is never opened
        (its signed link goes by email to its requester)."""
        self.authenticate(None, None)
        answers = []
        for reference, email in (
            (self.request_a.name, "mallory@example.com"),
            ("DEM-1999-99999", "mallory@example.com"),
            (self.request_a.name, self.denise.email),
        ):
            response = self.url_open(
                "/requests/track",
                data={
                    "csrf_token": self.csrf_token(),
                    "reference": reference,
                    "email": email,
                },
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 200)
            self.assertNotIn("Location", response.headers)
            self.assertNotIn("Nid de poule rue Hugo", response.text)
            self.assertNotIn("access_token", response.text)
            page = lxml_html.fromstring(response.text)
            answers.append(
                [
                    " ".join(node.text_content().split())
                    for node in page.xpath('//*[@role="status" or @role="alert"]')
                ]
            )
        self.assertTrue(answers[0])
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[0], answers[2])

    @mute_logger("odoo.addons.google_recaptcha.models.ir_http")
    def test_captcha_configured_and_token_missing_or_forged(self):
        """Once the town sets reCAPTCHA keys, a form without a valid token
        creates nothing and sends nothing, whatever the provider answers
        (wrong token, wrong key, or no answer at all). The provider is a
        stand-in on the loopback: before, the test sent the verification to
        Google's real address."""
        self.env["ir.config_parameter"].sudo().set_param(
            "recaptcha_private_key", "town-secret-for-tests"
        )
        self.authenticate(None, None)
        mails_before = self.env["mail.mail"].search_count([])
        siteverify = local_siteverify()
        provider = siteverify.__enter__()
        self.addCleanup(siteverify.__exit__, None, None, None)
        for token in (None, "forged-token", "no-answer"):
            if token == "no-answer":
                provider()
            data = {
                "csrf_token": self.csrf_token(),
                "category_id": str(self.category_a.id),
                "title": "Robot",
                "description": "Robot text",
                "contact_name": "Robot",
                "contact_email": "robot.captcha@example.net",
                "consent": "1",
            }
            if token:
                data["recaptcha_token_response"] = token
            with self.subTest(token=token):
                response = self.url_open("/requests/new", data=data)
                self.assertEqual(response.status_code, 400)
                self.assertIn('role="alert"', response.text)
        self.assertFalse(
            self.env["citizen.request"].search(
                [("contact_email", "=", "robot.captcha@example.net")]
            )
        )
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)

    def test_logged_in_citizen_is_acknowledged(self):
        """A citizen logged in to the portal sends the form: the
        acknowledgement is emailed to them, as to a visitor."""
        self._login("citizen")
        response = self.url_open(
            "/requests/new",
            data={
                "csrf_token": self.csrf_token(),
                "category_id": str(self.category_a.id),
                "title": "Banc cassé square Verlaine",
                "description": "Le banc est cassé.",
                "contact_name": "Denise Martin",
                "contact_email": "denise.martin@example.net",
                "consent": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        request = self.env["citizen.request"].search(
            [("title", "=", "Banc cassé square Verlaine")]
        )
        self.assertEqual(request.partner_id, self.denise)
        self.assertIn(request, run_acknowledgement_job(self.env))
        notifications = self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.denise.id),
                ("notification_type", "=", "email"),
                ("mail_message_id.model", "=", "citizen.request"),
                ("mail_message_id.res_id", "=", request.id),
            ]
        )
        self.assertEqual(len(notifications), 1, "one acknowledgement email")

    def test_open311_ignores_fields_it_does_not_define(self):
        """Mass assignment through Open311: only its own arguments count."""
        client = self.env["citizen.api.client"].create({"name": "Appli R"})
        key = client._set_new_key()
        closed = self.env.ref("citizen_relation.stage_closed")
        self.authenticate(None, None)
        response = self.url_open(
            "/open311/v2/requests.json",
            data={
                "api_key": key,
                "service_code": "REL-VOI",
                "lat": "48.85",
                "long": "2.35",
                "description": "Trou rue Hugo",
                "email": "open311.mass@example.net",
                "stage_id": str(closed.id),
                "user_id": str(self.users["agent_b"].id),
                "team_id": str(self.team_b.id),
                "partner_id": str(self.denise.id),
                "priority": "3",
                "name": "DEM-FAKE",
                "access_token": "chosen",
                "channel": "counter",
                "create_uid": str(self.users["manager"].id),
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        request = self.env["citizen.request"].search(
            [("name", "=", response.json()[0]["service_request_id"])]
        )
        self.assertNotEqual(request.stage_id, closed)
        self.assertFalse(request.user_id)
        self.assertEqual(request.team_id, self.team_a)
        self.assertNotEqual(request.partner_id, self.denise)
        self.assertEqual(request.partner_id.email, "open311.mass@example.net")
        self.assertNotEqual(request.priority, "3")
        self.assertNotEqual(request.access_token, "chosen")
        self.assertEqual(request.channel, "api")
        self.assertNotEqual(request.create_uid, self.users["manager"])
