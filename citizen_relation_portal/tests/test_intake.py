import json

from odoo.tests import tagged

from .common import CitizenPortalCase

URL = "/citizen/api/v1/requests"


@tagged("post_install", "-at_install")
class TestConnectorIntake(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["citizen.api.client"].create(
            {"name": "Social connector", "channel": "social"}
        )
        cls.api_key = cls.client._set_new_key()

    def _post(self, payload, key=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.api_key}"
        data = raw if raw is not None else json.dumps(payload)
        return self.url_open(URL, data=data, headers=headers)

    def _payload(self, **values):
        payload = {
            "source_id": "post-1234",
            "source_url": "https://social.example/villebourg/posts/1234",
            "description": "Fly-tipping behind the gym\nmattresses and boxes",
            "category_code": "T-ROAD",
            "contact_name": "@villebourgeois",
            "latitude": 48.85,
            "longitude": 2.35,
        }
        payload.update(values)
        return payload

    def test_intake_creates_request(self):
        response = self._post(self._payload())
        self.assertEqual(response.status_code, 201, response.text)
        body = response.json()
        self.assertTrue(body["created"])
        citizen_request = self.env["citizen.request"].search(
            [("name", "=", body["reference"])]
        )
        self.assertEqual(citizen_request.channel, "social")
        self.assertEqual(citizen_request.api_client_id, self.client)
        self.assertEqual(citizen_request.source_ref, "post-1234")
        self.assertEqual(
            citizen_request.source_url, "https://social.example/villebourg/posts/1234"
        )
        self.assertEqual(citizen_request.title, "Fly-tipping behind the gym")
        self.assertEqual(citizen_request.category_id, self.category_road)

    def test_anonymisation_erases_the_post(self):
        """The address of the post names its author (the account in the
        path): anonymising the request erases it with the rest."""
        body = self._post(self._payload()).json()
        citizen_request = self.env["citizen.request"].search(
            [("name", "=", body["reference"])]
        )
        citizen_request.action_close()
        citizen_request.action_anonymize()
        self.assertTrue(citizen_request.is_anonymized)
        self.assertFalse(citizen_request.source_url)
        self.assertFalse(citizen_request.source_ref)
        self.assertFalse(citizen_request.contact_name)
        # what the statistics keep
        self.assertEqual(citizen_request.channel, "social")
        self.assertEqual(citizen_request.api_client_id, self.client)

    def test_intake_is_idempotent(self):
        first = self._post(self._payload()).json()
        second = self._post(self._payload(description="edited text"))
        self.assertEqual(second.status_code, 200)
        self.assertFalse(second.json()["created"])
        self.assertEqual(second.json()["reference"], first["reference"])
        self.assertEqual(
            self.env["citizen.request"].search_count(
                [("source_ref", "=", "post-1234")]
            ),
            1,
        )

    def test_intake_channel_api(self):
        response = self._post(self._payload(channel="api", source_id="m-2"))
        reference = response.json()["reference"]
        citizen_request = self.env["citizen.request"].search([("name", "=", reference)])
        self.assertEqual(citizen_request.channel, "api")

    def test_intake_refuses_bad_key(self):
        count = self.env["citizen.request"].search_count([])
        for key in (False, "wrong-key"):
            response = self._post(self._payload(), key=key)
            self.assertEqual(response.status_code, 401)
            self.assertEqual(response.json()["error"]["code"], "invalid_key")
        self.client.allow_intake = False
        self.assertEqual(self._post(self._payload()).status_code, 401)
        self.assertEqual(self.env["citizen.request"].search_count([]), count)

    def test_intake_validation(self):
        count = self.env["citizen.request"].search_count([])
        cases = [
            (None, "{not json"),
            (self._payload(source_id=None), None),
            (self._payload(description=""), None),
            (self._payload(channel="phone"), None),
            (self._payload(category_code="NOPE"), None),
            (self._payload(source_url="javascript:alert(1)"), None),
            (self._payload(latitude="north"), None),
            (self._payload(contact_email="nope"), None),
            (["a list"], None),
        ]
        for payload, raw in cases:
            response = self._post(payload, raw=raw)
            self.assertEqual(response.status_code, 400, (payload, raw))
        self.assertEqual(self.env["citizen.request"].search_count([]), count)

    def test_intake_refuses_categories_not_offered(self):
        """The connector used to file requests in the town's internal
        categories, which the website and Open311 refuse: it gets the same
        refusal now, with a reason, and may send the message again without a
        category."""
        response = self._post(self._payload(category_code="T-INT"))
        self.assertEqual(response.status_code, 400)
        error = response.json()["error"]
        self.assertEqual(error["code"], "invalid_field")
        self.assertIn("T-INT", error["message"])
        self.assertIn("offered to citizens", error["message"])
        self.assertFalse(
            self.env["citizen.request"].search([("source_ref", "=", "post-1234")])
        )
        response = self._post(self._payload(category_code=None))
        self.assertEqual(response.status_code, 201, response.text)

    def test_intake_ignores_other_fields(self):
        response = self._post(
            self._payload(stage_id=999, user_id=2, partner_id=3, company_id=99)
        )
        citizen_request = self.env["citizen.request"].search(
            [("name", "=", response.json()["reference"])]
        )
        self.assertNotEqual(citizen_request.user_id.id, 2)
        self.assertNotEqual(citizen_request.partner_id.id, 3)
        self.assertEqual(citizen_request.company_id, self.client.company_id)

    def test_intake_rate_limited_per_client(self):
        self.set_param("limit_api_count", 1)
        self.assertEqual(self._post(self._payload()).status_code, 201)
        response = self._post(self._payload(source_id="post-2"))
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["error"]["code"], "rate_limited")
        self.assertFalse(
            self.env["citizen.request"].search([("source_ref", "=", "post-2")])
        )
