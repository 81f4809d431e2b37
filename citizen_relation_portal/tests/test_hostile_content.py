"""Script and markup typed or mailed by anyone stay inert wherever the text
is shown again: portal pages, emails, backend views and notes."""

from lxml import etree
from lxml import html as lxml_html

from odoo import http
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.citizen_relation.tests.common import (
    raw_email,
    run_acknowledgement_job,
)

from .reliability_common import build_town

SCRIPT = '<script>alert("xss")</script>'
IMG = "<img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT}{IMG}\u202etxt.exe\u200b"
# what must never come back raw (escaped copies are fine)
LIVE_MARKERS = ("<script>alert(", "<img src=x onerror", "onerror=alert(1)>")

TEXT_FIELDS = (
    "title",
    "description",
    "street",
    "zip",
    "city",
    "district",
    "contact_name",
    "contact_phone",
)

HOSTILE_EMAIL = raw_email(
    """<html><head><style>body{{display:none}}</style></head><body>
<p>Trou dans la chaussée</p>
<script>alert("mail")</script>
<img src="x" onerror="alert(2)">
<a href="javascript:alert(3)">voir la photo</a>
<iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name="password"></form>
</body></html>
""",
    email_from="Jean Pirate <jean.pirate@example.net>",
    msg_id="<hostile-html@example.net>",
    content_type='text/html; charset="utf-8"',
)


@tagged("post_install", "-at_install")
class TestHostileContent(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_town(cls)
        cls.api_client = cls.env["citizen.api.client"].create({"name": "Appli R"})
        cls.api_key = cls.api_client._set_new_key()

    def csrf_token(self):
        return http.Request.csrf_token(self)

    def assertInert(self, text, where):
        for marker in LIVE_MARKERS:
            self.assertNotIn(marker, text or "", f"live markup in {where}")

    def _submit(self, **values):
        data = {
            "csrf_token": self.csrf_token(),
            "category_id": str(self.category_a.id),
            "contact_email": "pirate.web@example.net",
            "consent": "1",
            **{name: PAYLOAD for name in TEXT_FIELDS},
        }
        data.update(values)
        return self.url_open("/requests/new", data=data)

    def _web_request(self):
        return self.env["citizen.request"].search(
            [("contact_email", "=", "pirate.web@example.net")]
        )

    def test_form_inputs_inert_in_portal_and_emails(self):
        self.authenticate(None, None)
        response = self._submit()
        self.assertEqual(response.status_code, 200, response.text[:2000])
        self.assertInert(response.text, "success page")
        request = self._web_request()
        self.assertEqual(len(request), 1)
        self.assertInert(request.description, "stored description")
        # the requester's page, through the signed link
        page = self.url_open(request.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertInert(page.text, "portal page")
        self.assertIn("&lt;script&gt;", page.text)
        # the list of the portal account
        self.authenticate("rel_citizen", "rel_citizen")
        request.sudo().partner_id = self.users["citizen"].partner_id
        self.assertInert(self.url_open("/my/requests").text, "portal list")
        # every email about the request: acknowledgement, then resolution
        self.assertIn(request, run_acknowledgement_job(self.env))
        request.sudo().action_resolve()
        mails = self.env["mail.mail"].search(
            [("model", "=", "citizen.request"), ("res_id", "=", request.id)]
        )
        self.assertTrue(mails)
        for mail in mails:
            self.assertInert(mail.body_html, f"email {mail.subject}")
            self.assertInert(mail.subject, "email subject")

    def test_form_errors_echo_inputs_inert(self):
        """A refused form shows back what was typed, escaped."""
        self.authenticate(None, None)
        response = self._submit(consent="")
        self.assertEqual(response.status_code, 400)
        self.assertInert(response.text, "form with errors")
        self.assertFalse(self._web_request())

    def test_nul_bytes_refused_cleanly(self):
        """A NUL character, which the database refuses, is no server error."""
        self.authenticate(None, None)
        response = self._submit(title="Nid\x00de poule", description="a\x00b")
        self.assertIn(response.status_code, (200, 400))
        for request in self._web_request():
            self.assertNotIn("\x00", request.title)

    def test_nul_bytes_refused_cleanly_by_open311(self):
        response = self.url_open(
            "/open311/v2/requests.json",
            data={
                "api_key": self.api_key,
                "service_code": "REL-VOI",
                "lat": "48.85",
                "long": "2.35",
                "description": "Trou\x00profond",
                "first_name": "Nul\x00",
            },
        )
        self.assertIn(response.status_code, (200, 201, 400), response.text[:500])

    def test_email_body_inert(self):
        domain = self.env["mail.alias.domain"].create({"name": "hostile.example"})
        self.env["mail.alias"].create(
            {
                "alias_name": "demandes-hostile",
                "alias_domain_id": domain.id,
                "alias_model_id": self.env["ir.model"]._get_id("citizen.request"),
                "alias_contact": "everyone",
            }
        )
        raw = HOSTILE_EMAIL.format(
            to="demandes-hostile@hostile.example", subject=f"Trou {SCRIPT}"
        ).encode()
        self.env["mail.thread"].sudo().message_process(None, raw)
        request = self.env["citizen.request"].search(
            [("source_ref", "=", "<hostile-html@example.net>")]
        )
        self.assertEqual(len(request), 1)
        self.assertIn("Trou dans la chaussée", request.description)
        incoming = request.message_ids.filtered(
            lambda m: m.message_id == "<hostile-html@example.net>"
        )
        for where, html in (
            ("description", request.description),
            ("message", incoming.body),
        ):
            with self.subTest(where=where):
                self.assertInert(html, where)
                for marker in (
                    "javascript:",
                    "<iframe",
                    "<form",
                    "<style",
                    'alert("mail")',
                ):
                    self.assertNotIn(marker, html)
        token = request._portal_ensure_token()
        self.authenticate(None, None)
        page = self.url_open(f"/my/requests/{request.id}?access_token={token}")
        self.assertInert(page.text, "portal page")
        self.assertNotIn("javascript:alert(3)", page.text)

    def test_agent_text_inert_in_notes(self):
        """A transfer reason pasted by an agent is text in the team's note."""
        wizard = (
            self.env["citizen.request.transfer.wizard"]
            .with_user(self.users["agent_a"])
            .with_context(active_model="citizen.request", active_ids=self.request_a.ids)
            .create(
                {
                    "request_ids": [Command.set(self.request_a.ids)],
                    "team_id": self.team_b.id,
                    "reason": PAYLOAD,
                }
            )
        )
        wizard.action_transfer()
        note = self.request_a.message_ids.filtered(lambda m: "Reason" in (m.body or ""))
        self.assertTrue(note)
        self.assertInert(note[0].body, "transfer note")

    def test_backend_views_render_user_text_as_text(self):
        """In the backend, only sanitized HTML fields may be shown as HTML."""
        models = (
            "citizen.request",
            "citizen.team",
            "citizen.request.category",
            "citizen.routing.rule",
            "citizen.request.transfer",
            "citizen.request.escalation",
            "citizen.api.client",
        )
        for model_name in models:
            Model = self.env[model_name]
            views = Model.get_views(
                [(False, kind) for kind in ("form", "list", "kanban", "search")]
            )["views"]
            for kind, view in views.items():
                arch = lxml_html.fromstring(view["arch"])
                for node in arch.iter("field"):
                    widget = node.get("widget") or ""
                    field = Model._fields.get(node.get("name"))
                    if not field or "html" not in widget:
                        continue
                    with self.subTest(model=model_name, view=kind, field=field.name):
                        self.assertEqual(field.type, "html")
                        self.assertTrue(field.sanitize)
                self.assertNotIn("t-raw", view["arch"])
        # what an agent writes in the description is sanitized too
        self.request_a.with_user(self.users["agent_a"]).description = PAYLOAD
        self.assertInert(self.request_a.description, "description by an agent")

    def test_open311_limits_and_types(self):
        def post(**values):
            data = {
                "api_key": self.api_key,
                "service_code": "REL-VOI",
                "lat": "48.85",
                "long": "2.35",
                "description": "Trou",
            }
            data.update(values)
            return self.url_open("/open311/v2/requests.json", data=data)

        count = self.env["citizen.request"].search_count([])
        for values in (
            {"lat": "nan", "long": "nan"},
            {"lat": "inf", "long": "2"},
            {"lat": "1e400", "long": "2"},
            {"lat": "48.85; DROP TABLE citizen_request", "long": "2"},
            {"description": "x" * 4001},
            {"service_code": "REL-INT"},
        ):
            with self.subTest(values={k: v[:40] for k, v in values.items()}):
                response = post(**values)
                self.assertIn(response.status_code, (400, 404), response.text)
                self.assertIsInstance(response.json(), list)
        self.assertEqual(self.env["citizen.request"].search_count([]), count)
        response = post(
            description=PAYLOAD,
            first_name="A" * 5000 + SCRIPT,
            last_name=IMG,
            phone="0" * 5000,
            address_string="B" * 5000,
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        request = self.env["citizen.request"].search(
            [("name", "=", response.json()[0]["service_request_id"])]
        )
        self.assertLessEqual(len(request.contact_name), 200)
        self.assertLessEqual(len(request.contact_phone), 40)
        self.assertLessEqual(len(request.street), 200)
        self.assertLessEqual(len(request.title), 200)
        self.assertInert(request.description, "Open311 description")
        # Open311 serves the text as data: JSON typed as such, XML escaped;
        # the text published is the public description an agent wrote
        detail = self.url_open(f"/open311/v2/requests/{request.name}.json")
        self.assertTrue(detail.headers["Content-Type"].startswith("application/json"))
        self.assertNotIn("AAAAAAAAAA", detail.text, "no personal data served back")
        self.assertEqual(
            detail.json()[0]["description"], "", "the requester's text is not published"
        )
        request.with_user(self.users["agent_a"]).public_description = PAYLOAD
        detail = self.url_open(f"/open311/v2/requests/{request.name}.xml")
        self.assertInert(detail.text, "Open311 XML answer")
        root = etree.fromstring(detail.content)
        self.assertIn(SCRIPT, root.findtext("request/description"))
