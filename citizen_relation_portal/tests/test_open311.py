import json

from freezegun import freeze_time
from lxml import etree

from odoo.fields import Command
from odoo.tests import tagged

from .common import CitizenPortalCase

BASE = "/open311/v2"


@tagged("post_install", "-at_install")
class TestOpen311(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["citizen.api.client"].create({"name": "Town app"})
        cls.api_key = cls.client._set_new_key()
        cls.closed_stage = cls.env.ref("citizen_relation.stage_closed")
        cls.request_internal = cls.env["citizen.request"].create(
            {
                "title": "Internal matter",
                "category_id": cls.category_internal.id,
                "contact_email": "hidden.person@example.org",
                "contact_name": "Hidden Person",
            }
        )

    def _get(self, path):
        return self.url_open(BASE + path)

    def _post(self, fmt, **data):
        values = {
            "api_key": self.api_key,
            "service_code": "T-ROAD",
            "lat": "48.8566",
            "long": "2.3522",
            "description": "Pothole near the bakery\nvery deep",
            "email": "open311.citizen@example.org",
            "first_name": "Oscar",
            "last_name": "Open",
        }
        values.update(data)
        values = {key: value for key, value in values.items() if value is not None}
        return self.url_open(f"{BASE}/requests.{fmt}", data=values)

    def _assert_error(self, response, status, fmt):
        self.assertEqual(response.status_code, status)
        if fmt == "json":
            body = response.json()
            self.assertIsInstance(body, list)
            self.assertEqual(body[0]["code"], status)
            self.assertTrue(body[0]["description"])
        else:
            root = etree.fromstring(response.content)
            self.assertEqual(root.tag, "errors")
            self.assertEqual(root.findtext("error/code"), str(status))
            self.assertTrue(root.findtext("error/description"))

    # discovery and services

    def test_discovery(self):
        body = self._get("/discovery.json").json()
        endpoint = body["endpoints"][0]
        self.assertEqual(
            endpoint["specification"], "http://wiki.open311.org/GeoReport_v2"
        )
        self.assertIn("text/xml", endpoint["formats"])
        root = etree.fromstring(self._get("/discovery.xml").content)
        self.assertEqual(root.tag, "discovery")
        formats = root.findall("endpoints/endpoint/formats/format")
        self.assertEqual({f.text for f in formats}, {"text/xml", "application/json"})

    def test_service_list(self):
        response = self._get("/services.json")
        self.assertEqual(
            response.headers["Content-Type"], "application/json; charset=utf-8"
        )
        services = {s["service_code"]: s for s in response.json()}
        self.assertIn("T-ROAD", services)
        self.assertNotIn("T-INT", services)
        self.assertEqual(services["T-ROAD"]["type"], "realtime")
        self.assertIs(services["T-ROAD"]["metadata"], False)
        root = etree.fromstring(self._get("/services.xml").content)
        self.assertEqual(root.tag, "services")
        codes = [node.text for node in root.findall("service/service_code")]
        self.assertIn("T-ROAD", codes)
        self.assertNotIn("T-INT", codes)

    def test_service_definition(self):
        body = self._get("/services/T-ROAD.json").json()
        self.assertEqual(body["service_code"], "T-ROAD")
        self.assertEqual(body["attributes"], [])
        root = etree.fromstring(self._get("/services/T-ROAD.xml").content)
        self.assertEqual(root.tag, "service_definition")
        self.assertEqual(root.findtext("service_code"), "T-ROAD")
        for fmt in ("json", "xml"):
            self._assert_error(self._get(f"/services/T-INT.{fmt}"), 404, fmt)
            self._assert_error(self._get(f"/services/NOPE.{fmt}"), 404, fmt)

    def test_jurisdiction(self):
        self.set_param("open311_jurisdiction_id", "villebourg.fr")
        for fmt in ("json", "xml"):
            self._assert_error(
                self._get(f"/services.{fmt}?jurisdiction_id=other.fr"), 404, fmt
            )
            response = self._get(f"/services.{fmt}?jurisdiction_id=villebourg.fr")
            self.assertEqual(response.status_code, 200)
            self._assert_error(self._post(fmt, jurisdiction_id="other.fr"), 404, fmt)

    # POST

    def test_post_request_json(self):
        response = self._post("json")
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        reference = body[0]["service_request_id"]
        self.assertNotIn("token", body[0])
        citizen_request = self.env["citizen.request"].search([("name", "=", reference)])
        self.assertEqual(citizen_request.channel, "api")
        self.assertEqual(citizen_request.api_client_id, self.client)
        self.assertEqual(citizen_request.category_id, self.category_road)
        self.assertAlmostEqual(citizen_request.latitude, 48.8566)
        self.assertEqual(citizen_request.title, "Pothole near the bakery")
        self.assertEqual(citizen_request.contact_email, "open311.citizen@example.org")
        self.assertEqual(citizen_request.contact_name, "Oscar Open")

    def test_post_request_xml(self):
        response = self._post(
            "xml", lat=None, long=None, address_string="1 place de la Mairie"
        )
        self.assertEqual(response.status_code, 200, response.text)
        root = etree.fromstring(response.content)
        self.assertEqual(root.tag, "service_requests")
        reference = root.findtext("request/service_request_id")
        citizen_request = self.env["citizen.request"].search([("name", "=", reference)])
        self.assertEqual(citizen_request.street, "1 place de la Mairie")

    def test_post_errors(self):
        for fmt in ("json", "xml"):
            count = self.env["citizen.request"].search_count([])
            self._assert_error(self._post(fmt, api_key=None), 403, fmt)
            self._assert_error(self._post(fmt, api_key="wrong"), 403, fmt)
            self._assert_error(self._post(fmt, service_code=None), 400, fmt)
            self._assert_error(self._post(fmt, service_code=""), 400, fmt)
            self._assert_error(self._post(fmt, service_code="NOPE"), 404, fmt)
            self._assert_error(self._post(fmt, service_code="T-INT"), 404, fmt)
            self._assert_error(self._post(fmt, lat=None, long=None), 400, fmt)
            self._assert_error(self._post(fmt, long=None), 400, fmt)
            self._assert_error(self._post(fmt, lat="north", long="east"), 400, fmt)
            self._assert_error(self._post(fmt, lat="123", long="2"), 400, fmt)
            self._assert_error(self._post(fmt, description="x" * 4001), 400, fmt)
            self._assert_error(self._post(fmt, email="not an email"), 400, fmt)
            self.assertEqual(self.env["citizen.request"].search_count([]), count)

    def test_rate_limited_per_client(self):
        self.set_param("limit_api_count", 1)
        self.assertEqual(self._post("json").status_code, 200)
        count = self.env["citizen.request"].search_count([])
        for fmt in ("json", "xml"):
            response = self._post(fmt)
            self.assertEqual(response.status_code, 400)
            if fmt == "json":
                self.assertEqual(response.json()[0]["code"], 429)
            else:
                root = etree.fromstring(response.content)
                self.assertEqual(root.findtext("error/code"), "429")
        self.assertEqual(self.env["citizen.request"].search_count([]), count)

    def test_api_key_not_echoed(self):
        response = self._post("json", service_code="NOPE")
        self.assertNotIn(self.api_key, response.text)

    def test_revoked_client(self):
        self.client.active = False
        self._assert_error(self._post("json"), 403, "json")
        self.client.write({"active": True, "allow_open311": False})
        self._assert_error(self._post("json"), 403, "json")

    def test_key_is_stored_hashed(self):
        self.assertNotIn(self.api_key, self.client.sudo().key_hash)
        self.assertEqual(self.client.key_prefix, self.api_key[:6])

    # GET requests

    def test_get_requests(self):
        body = self._get("/requests.json").json()
        ids = [r["service_request_id"] for r in body]
        self.assertIn(self.request_alice.name, ids)
        self.assertNotIn(self.request_internal.name, ids)
        alice = next(
            r for r in body if r["service_request_id"] == self.request_alice.name
        )
        self.assertEqual(alice["status"], "open")
        self.assertEqual(alice["service_code"], "T-ROAD")
        self.assertTrue(alice["requested_datetime"].endswith("Z"))
        # the requester's own words are not published, only what an agent
        # wrote for the public
        self.assertEqual(alice["description"], "")
        text = json.dumps(body)
        for personal in (
            "Alice Martin",
            "alice.martin",
            "Alice private text",
            "Pothole in Alice street",
        ):
            self.assertNotIn(personal, text)
        root = etree.fromstring(self._get("/requests.xml").content)
        self.assertEqual(root.tag, "service_requests")
        self.assertIn(
            self.request_alice.name,
            [node.text for node in root.findall("request/service_request_id")],
        )

    def test_get_requests_filters(self):
        self.request_bob.stage_id = self.closed_stage
        closed = self._get("/requests.json?status=closed").json()
        closed_ids = {r["service_request_id"] for r in closed}
        self.assertIn(self.request_bob.name, closed_ids)
        self.assertNotIn(self.request_alice.name, closed_ids)
        opened = {
            r["service_request_id"]
            for r in self._get("/requests.json?status=open").json()
        }
        self.assertIn(self.request_alice.name, opened)
        both = {
            r["service_request_id"]
            for r in self._get("/requests.json?status=open,closed").json()
        }
        self.assertTrue({self.request_alice.name, self.request_bob.name} <= both)
        by_code = self._get("/requests.json?service_code=OTHER").json()
        self.assertEqual(by_code, [])
        by_id = self._get(
            f"/requests.json?service_request_id={self.request_alice.name}&service_code=OTHER"
        ).json()
        self.assertEqual(
            [r["service_request_id"] for r in by_id], [self.request_alice.name]
        )
        # empty arguments are the same as absent ones
        self.assertEqual(
            len(self._get("/requests.json?status=&service_code=").json()),
            len(self._get("/requests.json").json()),
        )

    def test_get_requests_dates(self):
        with freeze_time("2026-03-01 10:00:00"):
            old = self.env["citizen.request"].create(
                {"title": "Old one", "category_id": self.category_road.id}
            )
        recent = self._get("/requests.json").json()
        self.assertNotIn(old.name, [r["service_request_id"] for r in recent])
        in_range = self._get(
            "/requests.json?start_date=2026-02-20T00:00:00Z&end_date=2026-03-10T00:00:00%2B01:00"
        ).json()
        self.assertEqual([r["service_request_id"] for r in in_range], [old.name])
        for fmt in ("json", "xml"):
            self._assert_error(
                self._get(
                    f"/requests.{fmt}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z"
                ),
                400,
                fmt,
            )
            self._assert_error(
                self._get(f"/requests.{fmt}?start_date=yesterday"), 400, fmt
            )
            self._assert_error(self._get(f"/requests.{fmt}?status=pending"), 400, fmt)

    def test_get_one_request(self):
        self.request_alice.write({"latitude": 48.856614, "longitude": 2.3522219})
        body = self._get(f"/requests/{self.request_alice.name}.json").json()
        self.assertEqual(len(body), 1)
        self.assertEqual(body[0]["service_request_id"], self.request_alice.name)
        # a place, not a home: no house number, coordinates rounded
        self.assertEqual(body[0]["address"], "rue des Lilas, Villebourg")
        self.assertEqual((body[0]["lat"], body[0]["long"]), (48.857, 2.352))
        root = etree.fromstring(
            self._get(f"/requests/{self.request_alice.name}.xml").content
        )
        self.assertEqual(root.findtext("request/status"), "open")
        for fmt in ("json", "xml"):
            self._assert_error(self._get(f"/requests/DEM-0000-99999.{fmt}"), 404, fmt)
            self._assert_error(
                self._get(f"/requests/{self.request_internal.name}.{fmt}"), 404, fmt
            )

    def test_tokens(self):
        for fmt in ("json", "xml"):
            self._assert_error(self._get(f"/tokens/abc.{fmt}"), 404, fmt)


@tagged("post_install", "-at_install")
class TestOpen311Attributes(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["citizen.api.client"].create({"name": "Town app"})
        cls.api_key = cls.client._set_new_key()
        cls.category_road.attribute_ids = [
            Command.create(
                {
                    "code": "DEPTH",
                    "description": "Depth in centimetres",
                    "datatype": "number",
                    "required": True,
                    "sequence": 1,
                }
            ),
            Command.create(
                {
                    "code": "DANGER",
                    "description": "Who is in danger?",
                    "datatype": "multivaluelist",
                    "sequence": 2,
                    "value_ids": [
                        Command.create({"key": "CYCLE", "name": "Cyclists"}),
                        Command.create({"key": "WALK", "name": "Pedestrians"}),
                    ],
                }
            ),
        ]

    def _post(self, fmt, extra):
        data = [
            ("api_key", self.api_key),
            ("service_code", "T-ROAD"),
            ("address_string", "2 rue Haute"),
            ("description", "Deep hole"),
        ] + extra
        return self.url_open(f"{BASE}/requests.{fmt}", data=data)

    def test_service_definition_lists_attributes(self):
        services = {
            s["service_code"]: s for s in self.url_open(f"{BASE}/services.json").json()
        }
        self.assertIs(services["T-ROAD"]["metadata"], True)
        body = self.url_open(f"{BASE}/services/T-ROAD.json").json()
        depth, danger = body["attributes"]
        self.assertEqual(depth["code"], "DEPTH")
        self.assertEqual(depth["datatype"], "number")
        self.assertIs(depth["required"], True)
        self.assertEqual(depth["order"], 1)
        self.assertEqual(
            danger["values"],
            [
                {"key": "CYCLE", "name": "Cyclists"},
                {"key": "WALK", "name": "Pedestrians"},
            ],
        )
        root = etree.fromstring(self.url_open(f"{BASE}/services/T-ROAD.xml").content)
        self.assertEqual(
            [n.text for n in root.findall("attributes/attribute/code")],
            ["DEPTH", "DANGER"],
        )
        self.assertEqual(
            [n.text for n in root.findall("attributes/attribute/values/value/key")],
            ["CYCLE", "WALK"],
        )

    def test_post_with_attributes(self):
        response = self._post(
            "json",
            [
                ("attribute[DEPTH]", "12"),
                ("attribute[DANGER][]", "CYCLE"),
                ("attribute[DANGER][]", "WALK"),
            ],
        )
        self.assertEqual(response.status_code, 200, response.text)
        reference = response.json()[0]["service_request_id"]
        citizen_request = self.env["citizen.request"].search([("name", "=", reference)])
        self.assertIn("Depth in centimetres: 12", citizen_request.description)
        self.assertIn("Cyclists, Pedestrians", citizen_request.description)

    def test_post_attribute_errors(self):
        count = self.env["citizen.request"].search_count([])
        for fmt in ("json", "xml"):
            for extra in (
                [],
                [("attribute[DEPTH]", "deep")],
                [("attribute[DEPTH]", "3"), ("attribute[DANGER][]", "CARS")],
                [("attribute[DEPTH]", "3"), ("attribute[DEPTH]", "4")],
            ):
                response = self._post(fmt, extra)
                self.assertEqual(response.status_code, 400, extra)
        self.assertEqual(self.env["citizen.request"].search_count([]), count)
