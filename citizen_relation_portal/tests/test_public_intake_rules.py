"""One set of rules for every public channel: the same bad input sent
through the web form, the connectors' JSON intake and Open311 gets the same
refusal, tied to the same field, and files nothing."""

import json

from lxml import html as lxml_html

from odoo.tests import tagged

from odoo.addons.citizen_relation.models.citizen_request_public import (
    PublicValuesError,
)

from .common import CitizenPortalCase

# each rule: the request's field refused, and what each channel sends for it
# (Open311 has no title argument; the web form takes no link)
RULES = {
    "overlong title": (
        "title",
        {"web": {"title": "T" * 201}, "connector": {"title": "T" * 201}},
    ),
    "overlong description": (
        "description",
        {
            "web": {"description": "D" * 4001},
            "connector": {"description": "D" * 4001},
            "open311": {"description": "D" * 4001},
        },
    ),
    "bad email": (
        "contact_email",
        {
            "web": {"contact_email": "marie.dupont@"},
            "connector": {"contact_email": "marie.dupont@"},
            "open311": {"email": "marie.dupont@"},
        },
    ),
    "latitude 91": (
        "latitude",
        {
            "web": {"latitude": "91", "longitude": "2.35"},
            "connector": {"latitude": 91, "longitude": 2.35},
            "open311": {"lat": "91", "long": "2.35"},
        },
    ),
    "coordinates not numbers": (
        "latitude",
        {
            "web": {"latitude": "north", "longitude": "2.35"},
            "connector": {"latitude": "north", "longitude": 2.35},
            "open311": {"lat": "north", "long": "2.35"},
        },
    ),
    "link not http": (
        "source_url",
        {
            "connector": {"source_url": "javascript:alert(1)"},
            "open311": {"media_url": "javascript:alert(1)"},
        },
    ),
}


@tagged("post_install", "-at_install")
class TestPublicIntakeRules(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.connector = cls.env["citizen.api.client"].create(
            {"name": "Connector rules", "channel": "social"}
        )
        cls.connector_key = cls.connector._set_new_key()
        cls.app = cls.env["citizen.api.client"].create({"name": "App rules"})
        cls.app_key = cls.app._set_new_key()

    def setUp(self):
        super().setUp()
        # every refusal below is counted as a submission: no limit in the way
        for scope in ("ip", "email", "api"):
            self.set_param(f"limit_{scope}_count", 10**6)

    def _expected_reason(self, field, values, lang="en_US"):
        """The reason the intake service itself gives for ``values``, in
        ``lang`` (the APIs answer in English, the form in the website's
        language)."""
        data = {"title": "Hole", "description": "Deep hole", **values}
        with self.assertRaises(PublicValuesError) as caught:
            self.env["citizen.request"].with_context(lang=lang)._prepare_public_values(
                data, "api"
            )
        return caught.exception.reasons[field]

    def _send_web(self, values):
        self.authenticate(None, None)
        data = {
            "csrf_token": self.csrf_token(),
            "category_id": str(self.category_road.id),
            "title": "Hole",
            "description": "Deep hole",
            "contact_name": "Rita Rules",
            "contact_email": "rita.rules@example.org",
            "consent": "1",
            **values,
        }
        # the first page of the website renders slowly on a busy machine
        response = self.url_open("/requests/new", data=data, timeout=60)
        self.assertEqual(response.status_code, 400)
        page = lxml_html.fromstring(response.text)
        return {
            node.get("id").removesuffix("_error"): node.text_content().strip()
            for node in page.xpath("//*[contains(@class, 'o_citizen_field_error')]")
        }

    def _send_connector(self, values):
        payload = {
            "source_id": "rules-1",
            "description": "Deep hole",
            "category_code": "T-ROAD",
            **values,
        }
        response = self.url_open(
            "/citizen/api/v1/requests",
            data=json.dumps(payload),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.connector_key}",
            },
        )
        self.assertEqual(response.status_code, 400, response.text)
        error = response.json()["error"]
        self.assertEqual(error["code"], "invalid_field")
        return error["fields"]

    def _send_open311(self, values):
        data = {
            "api_key": self.app_key,
            "service_code": "T-ROAD",
            "lat": "48.85",
            "long": "2.35",
            "description": "Deep hole",
            **values,
        }
        response = self.url_open("/open311/v2/requests.json", data=data)
        self.assertEqual(response.status_code, 400, response.text)
        errors = response.json()
        self.assertTrue(all(error["code"] == 400 for error in errors))
        arguments = {
            "description": "description",
            "email": "contact_email",
            "lat": "latitude",
            "media_url": "source_url",
        }
        return {
            arguments[argument]: reason
            for argument, reason in (
                error["description"].split(": ", 1) for error in errors
            )
        }

    def test_same_refusal_on_every_channel(self):
        senders = {
            "web": self._send_web,
            "connector": self._send_connector,
            "open311": self._send_open311,
        }
        Request = self.env["citizen.request"]
        count = Request.search_count([])
        website_lang = self.env["website"].get_current_website().default_lang_id.code
        for rule, (field, inputs) in RULES.items():
            for channel, values in inputs.items():
                # the connector's names are the request's fields
                expected = self._expected_reason(
                    field,
                    inputs["connector"],
                    lang=website_lang if channel == "web" else "en_US",
                )
                with self.subTest(rule=rule, channel=channel):
                    self.assertEqual(senders[channel](values).get(field), expected)
        self.assertEqual(Request.search_count([]), count, "nothing was filed")

    def test_same_values_on_every_channel(self):
        """What is accepted is stored alike: a long street is shortened, a
        decimal comma read, the email normalised, the title taken from the
        description's first line where the channel has no title."""
        street = "Allée " + "des Tilleuls " * 30
        self.authenticate(None, None)
        form = self.url_open(
            "/requests/new",
            data={
                "csrf_token": self.csrf_token(),
                "category_id": str(self.category_road.id),
                "title": "Fallen tree",
                "description": "Fallen tree\nblocking the lane",
                "street": street,
                "latitude": "48,85",
                "longitude": "2,35",
                "contact_name": "Rita Rules",
                "contact_email": "Rita.Rules@Example.org",
                "consent": "1",
            },
        )
        self.assertEqual(form.status_code, 200, form.text[:500])
        connector = self._send_ok_connector(street)
        open311 = self._send_ok_open311(street)
        web = self.env["citizen.request"].search(
            [("channel", "=", "web"), ("title", "=", "Fallen tree")]
        )
        for citizen_request in (web, connector, open311):
            with self.subTest(channel=citizen_request.channel):
                self.assertEqual(len(citizen_request), 1)
                self.assertEqual(citizen_request.title, "Fallen tree")
                self.assertEqual(citizen_request.street, street.strip()[:200])
                self.assertEqual(
                    citizen_request.contact_email, "rita.rules@example.org"
                )
                self.assertAlmostEqual(citizen_request.latitude, 48.85)
                self.assertAlmostEqual(citizen_request.longitude, 2.35)
                self.assertEqual(citizen_request.category_id, self.category_road)

    def _send_ok_connector(self, street):
        response = self.url_open(
            "/citizen/api/v1/requests",
            data=json.dumps(
                {
                    "source_id": "rules-ok",
                    "description": "Fallen tree\nblocking the lane",
                    "category_code": "T-ROAD",
                    "street": street,
                    "latitude": "48,85",
                    "longitude": "2,35",
                    "contact_email": "Rita.Rules@Example.org",
                }
            ),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.connector_key}",
            },
        )
        self.assertEqual(response.status_code, 201, response.text)
        return self.env["citizen.request"].search(
            [("name", "=", response.json()["reference"])]
        )

    def _send_ok_open311(self, street):
        response = self.url_open(
            "/open311/v2/requests.json",
            data={
                "api_key": self.app_key,
                "service_code": "T-ROAD",
                "lat": "48,85",
                "long": "2,35",
                "address_string": street,
                "description": "Fallen tree\nblocking the lane",
                "email": "Rita.Rules@Example.org",
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        return self.env["citizen.request"].search(
            [("name", "=", response.json()[0]["service_request_id"])]
        )
