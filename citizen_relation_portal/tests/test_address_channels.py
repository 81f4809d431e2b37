import json

from lxml import html as lxml_html

from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.ban_standin import BanStandinMixin

from .common import CitizenPortalCase

PORT_ID = "80021_6590_00008"


@tagged("post_install", "-at_install")
class TestAddressChannels(BanStandinMixin, CitizenPortalCase):
    """Every public channel locates the address typed on the server, refuses
    an address of another town with its own kind of error, and records the
    request unconfirmed when the national service fails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Client = cls.env["citizen.api.client"]
        cls.open311_client = Client.create({"name": "Town app"})
        cls.open311_key = cls.open311_client._set_new_key()
        cls.intake_client = Client.create(
            {"name": "Social connector", "channel": "social"}
        )
        cls.intake_key = cls.intake_client._set_new_key()

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _requests(self, **domain):
        return self.env["citizen.request"].search(
            [(name, "=", value) for name, value in domain.items()]
        )

    # web form -------------------------------------------------------------

    def _submit(self, **values):
        data = {
            "csrf_token": self.csrf_token(),
            "category_id": str(self.category_road.id),
            "title": "Lampadaire éteint",
            "description": "Le lampadaire ne s'allume plus.",
            "contact_name": "Eve Citoyenne",
            "contact_email": "eve.citoyenne@example.org",
            "consent": "1",
        }
        data.update(values)
        return self.url_open("/requests/new", data=data)

    def test_web_form_without_javascript_is_geocoded_on_the_server(self):
        response = self._submit(street="8 bd du Port")
        self.assertEqual(response.status_code, 200)
        request = self._requests(contact_email="eve.citoyenne@example.org")
        self.assertEqual(len(request), 1)
        self.assertEqual(request.location_state, "confirmed")
        self.assertEqual(request.ban_id, PORT_ID)
        self.assertEqual(request.street, "8 bd du Port")
        self.assertAlmostEqual(request.latitude, 49.897443, places=6)
        self.assertAlmostEqual(request.longitude, 2.290084, places=6)

    def test_web_form_suggestion_picked(self):
        """What the completion fills in: address, postal code, town, position
        and the hidden ban_id."""
        self._submit(
            street="8 Boulevard du Port",
            zip="80000",
            city="Amiens",
            latitude="49.897443",
            longitude="2.290084",
            ban_id=PORT_ID,
        )
        request = self._requests(contact_email="eve.citoyenne@example.org")
        self.assertEqual(request.ban_id, PORT_ID)
        self.assertEqual(request.location_state, "confirmed")
        self.assertEqual(request.citycode, "80021")
        self.assertEqual(request.street, "8 Boulevard du Port")

    def test_web_form_refuses_another_town_next_to_the_address(self):
        response = self._submit(street="2 Rue de Strasbourg", ban_id="44109_5730_00002")
        self.assertEqual(response.status_code, 400)
        self.assertIn('id="street_error"', response.text)
        # the reason, in the website's language, names the address refused
        error = lxml_html.fromstring(response.text).get_element_by_id("street_error")
        self.assertIn("2 Rue de Strasbourg", error.text_content())
        self.assertIn('aria-describedby="street_help street_error"', response.text)
        # what the visitor typed is kept
        self.assertIn('value="2 Rue de Strasbourg"', response.text)
        self.assertIn("Le lampadaire ne s", response.text)
        self.assertFalse(self._requests(contact_email="eve.citoyenne@example.org"))

    def test_web_form_records_when_the_service_fails(self):
        for street in (
            "3 rue trop de demandes",
            "4 rue de la lenteur",
            "5 rue incertaine",
        ):
            with self.subTest(street=street):
                response = self._submit(street=street)
                self.assertEqual(response.status_code, 200)
                request = self._requests(street=street)
                self.assertEqual(len(request), 1)
                self.assertEqual(request.location_state, "unconfirmed")

    # Open311 ----------------------------------------------------------------

    def _open311(self, **values):
        data = {
            "api_key": self.open311_key,
            "service_code": "T-ROAD",
            "description": "Nid de poule",
            "email": "open311.citizen@example.org",
        }
        data.update(values)
        return self.url_open("/open311/v2/requests.json", data=data)

    def test_open311_address_string_is_geocoded(self):
        response = self._open311(address_string="8 bd du Port")
        self.assertEqual(response.status_code, 200, response.text)
        reference = response.json()[0]["service_request_id"]
        request = self._requests(name=reference)
        self.assertEqual(request.ban_id, PORT_ID)
        self.assertEqual(request.location_state, "confirmed")

    def test_open311_refuses_another_town_with_the_spec_error(self):
        count = self.env["citizen.request"].search_count([])
        response = self._open311(address_string="2 rue de Strasbourg 44000 Nantes")
        self.assertEqual(response.status_code, 400)
        [error] = response.json()
        self.assertEqual(error["code"], 400)
        self.assertIn("44000 Nantes", error["description"])
        self.assertEqual(self.env["citizen.request"].search_count([]), count)

    def test_open311_records_when_the_service_fails(self):
        response = self._open311(address_string="7 rue pas du json")
        self.assertEqual(response.status_code, 200)
        request = self._requests(name=response.json()[0]["service_request_id"])
        self.assertEqual(request.location_state, "unconfirmed")
        self.assertEqual(request.street, "7 rue pas du json")

    # connector JSON ---------------------------------------------------------

    def _intake(self, source_id, **values):
        payload = {
            "source_id": source_id,
            "description": "Dépôt sauvage derrière le gymnase",
            "category_code": "T-ROAD",
            "contact_name": "@amienois",
        }
        payload.update(values)
        return self.url_open(
            "/citizen/api/v1/requests",
            data=json.dumps(payload),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.intake_key}",
            },
        )

    def test_intake_geocodes_and_refuses_another_town(self):
        response = self._intake("post-1", street="8 bd du Port")
        self.assertEqual(response.status_code, 201, response.text)
        request = self._requests(source_ref="post-1")
        self.assertEqual(request.ban_id, PORT_ID)
        response = self._intake("post-2", street="2 rue de Strasbourg", city="Nantes")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["error"]["code"], "address_outside_town")
        self.assertFalse(self._requests(source_ref="post-2"))
        response = self._intake("post-3", street="6 rue en panne")
        self.assertEqual(response.status_code, 201)
        self.assertEqual(
            self._requests(source_ref="post-3").location_state, "unconfirmed"
        )

    def test_completion_tour_picks_the_suggestion_with_the_keyboard(self):
        """A visitor types "8 bd du Port", picks the suggestion with the arrow
        key and Enter, and sends: the request carries the BAN id, the position
        and the district of the town's map holding it."""
        # the town's map: a district around the documentation's example
        port = self.env["citizen.district"].create(
            {
                "name": "Quartier du Port",
                "geometry": json.dumps(
                    {
                        "type": "Polygon",
                        "coordinates": [
                            [
                                [2.28, 49.89],
                                [2.30, 49.89],
                                [2.30, 49.91],
                                [2.28, 49.91],
                                [2.28, 49.89],
                            ]
                        ],
                    }
                ),
            }
        )
        self.start_tour("/requests/new", "citizen_address_completion_tour")
        request = self._requests(contact_email="eve.adresse@example.org")
        self.assertEqual(len(request), 1)
        self.assertEqual(request.ban_id, PORT_ID)
        self.assertEqual(request.location_state, "confirmed")
        self.assertEqual(request.street, "8 Boulevard du Port")
        self.assertAlmostEqual(request.latitude, 49.897443, places=6)
        self.assertAlmostEqual(request.longitude, 2.290084, places=6)
        self.assertEqual(request.district_id, port)
        self.assertEqual(request.district, "Quartier du Port")
        # the browser asked our server, which asked the BAN with autocomplete
        self.assertTrue(
            any(call["autocomplete"] == "1" for call in self.ban.calls_to("/search"))
        )
