"""What the anonymous Open311 GET methods publish, read as a script would.

Before, ``GET /open311/v2/requests.json?service_request_id=...`` gave anyone
the requester's own title (for a birth certificate: a full name and a date of
birth) and the full address, for every category, civil registry included; a
list of ids skipped the 90-day window, GETs had no limit and no company.
"""

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import CitizenPortalCase

BASE = "/open311/v2"


@tagged("post_install", "-at_install")
class TestOpen311Privacy(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["citizen.request.category"]
        # offered on the form, but its requests concern a person
        cls.category_civil = Category.create(
            {"name": "Civil Registry Test", "code": "T-CIVIL", "is_public": True}
        )
        cls.request_birth = cls.env["citizen.request"].create(
            {
                "title": "Birth certificate of Jean Dupont born 14/05/1988",
                "description": "<p>Jean Dupont, born 14 May 1988</p>",
                "category_id": cls.category_civil.id,
                "contact_email": "jean.dupont@example.org",
                "contact_name": "Jean Dupont",
                "street": "12 rue des Lilas",
            }
        )

    def _ids(self, path):
        response = self.url_open(BASE + path)
        self.assertEqual(response.status_code, 200, response.text)
        return [r["service_request_id"] for r in response.json()]

    def _one(self, citizen_request):
        response = self.url_open(f"{BASE}/requests/{citizen_request.name}.json")
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()[0]

    def test_requester_words_are_not_published(self):
        """The description is what an agent wrote for the public, or nothing;
        never the title or the text the requester typed."""
        for path in (
            f"/requests/{self.request_alice.name}.json",
            f"/requests.json?service_request_id={self.request_alice.name}",
            "/requests.json",
        ):
            with self.subTest(path=path):
                text = self.url_open(BASE + path).text
                self.assertIn(self.request_alice.name, text)
                self.assertNotIn("Pothole in Alice street", text)
                self.assertNotIn("Alice private text", text)
        self.assertEqual(self._one(self.request_alice)["description"], "")
        self.request_alice.with_user(
            self.user_agent
        ).public_description = "Pothole on the roadway"
        self.assertEqual(
            self._one(self.request_alice)["description"], "Pothole on the roadway"
        )
        root = etree.fromstring(
            self.url_open(f"{BASE}/requests/{self.request_alice.name}.xml").content
        )
        self.assertEqual(root.findtext("request/description"), "Pothole on the roadway")

    def test_person_categories_are_not_published(self):
        """A category that concerns a person is offered to citizens without
        its requests being listed: neither by search, nor by id."""
        for path in (
            "/requests.json",
            f"/requests.json?service_request_id={self.request_birth.name}",
        ):
            with self.subTest(path=path):
                self.assertNotIn(self.request_birth.name, self._ids(path))
        for fmt in ("json", "xml"):
            response = self.url_open(f"{BASE}/requests/{self.request_birth.name}.{fmt}")
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("Jean Dupont", response.text)
        # it is still a service software may file requests in
        services = [
            s["service_code"] for s in self.url_open(f"{BASE}/services.json").json()
        ]
        self.assertIn("T-CIVIL", services)

    def test_shipped_categories(self):
        """New categories are neither offered nor published until an
        administrator decides; the shipped categories about a person (civil
        registry, noise, collection at home, parking permits, urbanism files,
        other) are offered but never published."""
        new = self.env["citizen.request.category"].create(
            {"name": "Social help", "code": "T-SOCIAL"}
        )
        self.assertFalse(new.is_public)
        self.assertFalse(new.publish_requests)
        private = (
            "category_civil_registry",
            "category_birth_certificate",
            "category_marriage",
            "category_noise",
            "category_bulky_waste",
            "category_parking",
            "category_urban_planning",
            "category_other",
        )
        for name in private:
            category = self.env.ref(f"citizen_relation.{name}")
            with self.subTest(category=name):
                self.assertTrue(category.is_public)
                self.assertFalse(category.publish_requests)
        for name in ("category_pothole", "category_lamp_out", "category_graffiti"):
            with self.subTest(category=name):
                self.assertTrue(
                    self.env.ref(f"citizen_relation.{name}").publish_requests
                )
        birth = self.env["citizen.request"].create(
            {
                "title": "Extrait d'acte de naissance de Léa Martin",
                "category_id": self.env.ref(
                    "citizen_relation.category_birth_certificate"
                ).id,
            }
        )
        response = self.url_open(f"{BASE}/requests/{birth.name}.json")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Léa Martin", response.text)

    def test_places_are_coarse(self):
        """The street without house number, building, stair, floor or flat;
        coordinates rounded to about 100 m."""
        cases = {
            "Bâtiment B, appartement 12, 5 bis rue des Lilas": "rue des Lilas",
            "5 rue des Lilas, bât. C, 3e étage, porte 12": "rue des Lilas",
            "5 rue des Lilas bât. C appt 12": "rue des Lilas",
            "Résidence Les Pins, 7 avenue Foch": "avenue Foch",
            "Chez Mme Durand, 3 rue Haute": "rue Haute",
            "7 avenue Foch, 2ème étage gauche": "avenue Foch",
            "N° 14 rue du 8 Mai 1945": "rue du 8 Mai 1945",
            "place de la Porte": "place de la Porte",
        }
        self.request_alice.write({"latitude": 48.8566149, "longitude": 2.3522219})
        for street, public in cases.items():
            with self.subTest(street=street):
                self.request_alice.street = street
                values = self._one(self.request_alice)
                self.assertEqual(values["address"], f"{public}, Villebourg")
                self.assertEqual((values["lat"], values["long"]), (48.857, 2.352))

    def test_id_list_obeys_the_window_and_the_bounds(self):
        """A list of ids reads no further back than a search: references
        follow each other, and the whole history could be read at once."""
        with freeze_time("2025-01-15 10:00:00"):
            old = self.env["citizen.request"].create(
                {"title": "Old pothole", "category_id": self.category_road.id}
            )
        ids = f"{old.name},{self.request_alice.name}"
        self.assertEqual(
            self._ids(f"/requests.json?service_request_id={ids}"),
            [self.request_alice.name],
        )
        self.assertEqual(
            self._ids(
                f"/requests.json?service_request_id={ids}"
                "&start_date=2025-01-01T00:00:00Z&end_date=2025-02-01T00:00:00Z"
            ),
            [old.name],
        )
        for fmt in ("json", "xml"):
            response = self.url_open(
                f"{BASE}/requests.{fmt}?service_request_id={ids}"
                "&start_date=2024-01-01T00:00:00Z&end_date=2025-02-01T00:00:00Z"
            )
            self.assertEqual(response.status_code, 400)
        too_many = ",".join(f"DEM-2026-{number:05d}" for number in range(1, 1002))
        response = self.url_open(f"{BASE}/requests.json?service_request_id={too_many}")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()[0]["code"], 400)

    def test_each_company_publishes_its_own(self):
        """The website of a town lists the requests of its company only."""
        other = self.env["res.company"].create({"name": "Other Town Test"})
        other_category = self.env["citizen.request.category"].create(
            {
                "name": "Other roads",
                "code": "T-OTHER-ROAD",
                "is_public": True,
                "publish_requests": True,
                "company_id": other.id,
            }
        )
        other_request = (
            self.env["citizen.request"]
            .with_company(other)
            .create(
                {
                    "title": "Pothole of the other town",
                    "category_id": self.category_road.id,
                    "company_id": other.id,
                }
            )
        )
        self.assertNotIn(other_request.name, self._ids("/requests.json"))
        self.assertNotIn(
            other_request.name,
            self._ids(f"/requests.json?service_request_id={other_request.name}"),
        )
        response = self.url_open(f"{BASE}/requests/{other_request.name}.json")
        self.assertEqual(response.status_code, 404)
        services = [
            s["service_code"] for s in self.url_open(f"{BASE}/services.json").json()
        ]
        self.assertNotIn("T-OTHER-ROAD", services)
        # the other town's website publishes the other town's requests
        self.env["website"].get_current_website().company_id = other
        ids = self._ids("/requests.json")
        self.assertIn(other_request.name, ids)
        self.assertNotIn(self.request_alice.name, ids)
        self.assertIn(
            "T-OTHER-ROAD",
            [s["service_code"] for s in self.url_open(f"{BASE}/services.json").json()],
        )
        self.assertTrue(other_category)

    def test_reads_are_throttled_per_address(self):
        """A script cannot read without end: past the limit of its address,
        429 with Retry-After, in the Open311 error format."""
        self.set_param("limit_read_count", 3)
        self.set_param("limit_read_minutes", 60)
        for path in ("/services.json", "/requests.json", "/discovery.json"):
            self.assertEqual(self.url_open(BASE + path).status_code, 200)
        for fmt in ("json", "xml"):
            for path in (
                f"/requests.{fmt}",
                f"/requests/{self.request_alice.name}.{fmt}",
                f"/services.{fmt}",
            ):
                with self.subTest(path=path):
                    response = self.url_open(BASE + path)
                    self.assertEqual(response.status_code, 429)
                    self.assertLessEqual(1, int(response.headers["Retry-After"]))
                    self.assertLessEqual(int(response.headers["Retry-After"]), 3601)
                    self.assertNotIn(self.request_alice.name, response.text)
                    if fmt == "json":
                        self.assertEqual(response.json()[0]["code"], 429)
                    else:
                        root = etree.fromstring(response.content)
                        self.assertEqual(root.findtext("error/code"), "429")

    def test_anonymisation_erases_the_public_description(self):
        self.request_alice.public_description = "Pothole in front of number 12"
        self.request_alice.action_close()
        self.request_alice.action_anonymize()
        self.assertFalse(self.request_alice.public_description)
