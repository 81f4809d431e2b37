from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.ban_standin import BanStandinMixin

from .common import CitizenPortalCase

BBOX = "1.80,47.80,2.00,48.00"


@tagged("post_install", "-at_install")
class TestRequestMap(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Request = cls.env["citizen.request"]
        # two published requests 130 m apart
        cls.request_alice.write({"latitude": 47.90313, "longitude": 1.91014})
        cls.request_bob.write({"latitude": 47.9042, "longitude": 1.9103})
        # beside them, a request of a category that publishes nothing, and a
        # closed one: neither is on the public map
        cls.request_internal = Request.create(
            {
                "title": "Neighbour dispute of Zoé",
                "category_id": cls.category_internal.id,
                "contact_name": "Zoé Secret",
                "latitude": 47.90314,
                "longitude": 1.91015,
            }
        )
        cls.request_closed = Request.create(
            {
                "title": "Closed pothole",
                "category_id": cls.category_road.id,
                "latitude": 47.90315,
                "longitude": 1.91016,
            }
        )
        cls.request_closed.action_resolve()

    def get_data(self, query, category=True):
        # the test town's category: the demo town's requests stay out
        if category:
            query += f"&category={self.category_road.id}"
        response = self.url_open(f"/requests/map/data?{query}")
        return response, response.json() if response.content else None

    def test_public_clusters(self):
        """The public map gets counts and rounded centroids of the published
        open requests, nothing about them."""
        response, data = self.get_data(f"bbox={BBOX}&zoom=14")
        self.assertEqual(response.status_code, 200)
        [cluster] = data["clusters"]
        self.assertEqual(cluster["count"], 2)
        self.assertEqual(cluster["longitude"], 1.91)
        self.assertEqual(cluster["latitude"], round(cluster["latitude"], 3))
        for secret in ("Alice", "Lilas", "Zoé", "Bob", str(self.request_alice.id)):
            self.assertNotIn(secret, response.text)

    def test_public_positions_rounded(self):
        """Zoomed in, each request is on its own, rounded to about 100 m."""
        response, data = self.get_data(f"bbox={BBOX}&zoom=19")
        self.assertEqual(
            sorted(
                (c["latitude"], c["longitude"], c["count"]) for c in data["clusters"]
            ),
            [(47.903, 1.91, 1), (47.904, 1.91, 1)],
        )

    def test_public_outside_bbox_and_category(self):
        """Only the area asked, and the category asked if any."""
        response, data = self.get_data("bbox=2.0,48.0,2.5,48.5&zoom=14")
        self.assertEqual(data["clusters"], [])
        response, data = self.get_data(f"bbox={BBOX}&zoom=19", category=False)
        self.assertGreaterEqual(sum(c["count"] for c in data["clusters"]), 2)
        # a category whose requests are not published is not a filter
        response, data = self.get_data(
            f"bbox={BBOX}&zoom=19&category={self.category_internal.id}", category=False
        )
        self.assertEqual(response.status_code, 400)

    def test_public_bad_parameters(self):
        for query in (
            "zoom=14",
            f"bbox={BBOX}",
            "bbox=1,2,3&zoom=3",
            "bbox=a,b,c,d&zoom=3",
        ):
            response, _data = self.get_data(query)
            self.assertEqual(response.status_code, 400, query)

    def test_public_rate_limited(self):
        """The map's data counts with Open311's reads of the address."""
        self.set_param("limit_read_count", 1)
        self.assertEqual(self.get_data(f"bbox={BBOX}&zoom=14")[0].status_code, 200)
        response, data = self.get_data(f"bbox={BBOX}&zoom=14")
        self.assertEqual(response.status_code, 429)
        self.assertTrue(response.headers.get("Retry-After"))

    def test_public_list_without_script(self):
        """The page lists the same requests as a table, without house number
        nor requester, for those who cannot use the map."""
        response = self.url_open(f"/requests/map?category={self.category_road.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_citizen_map_table", response.text)
        self.assertIn(self.request_alice.name, response.text)
        self.assertIn("rue des Lilas", response.text)
        self.assertNotIn("12 rue des Lilas", response.text)
        self.assertNotIn("Pothole in Alice street", response.text)
        self.assertNotIn(self.request_internal.name, response.text)
        self.assertNotIn(self.request_closed.name, response.text)
        response = self.url_open(f"/requests/map?category={self.category_internal.id}")
        # an unpublished category filters nothing in: the list stays public
        self.assertNotIn(self.request_internal.name, response.text)

    def test_staff_map_reads_as_the_user(self):
        """Agents see every request they may read, with its work orders;
        a portal user may not call the board's map."""
        team = self.env["maintenance.team"].create({"name": "Voirie carte"})
        self.env["maintenance.request"].create(
            {
                "name": "Reboucher le trou",
                "maintenance_team_id": team.id,
                "citizen_request_id": self.request_alice.id,
            }
        )
        Request = self.env["citizen.request"].with_user(self.user_agent)
        # what a screen shows around the requests, zoomed in
        screen = [1.90, 47.90, 1.92, 47.91]
        clusters = Request.get_map_data(
            [("category_id", "=", self.category_internal.id)],
            screen,
            19,
        )
        self.assertEqual([c["name"] for c in clusters], [self.request_internal.name])
        clusters = Request.get_map_data(
            [("category_id", "=", self.category_road.id)],
            screen,
            19,
        )
        by_name = {c["name"]: c for c in clusters if c["id"]}
        self.assertEqual(
            [o["name"] for o in by_name[self.request_alice.name]["work_orders"]],
            ["Reboucher le trou"],
        )
        self.assertNotIn(self.request_closed.name, by_name)
        with self.assertRaises(AccessError):
            self.env["citizen.request"].with_user(self.user_alice).get_map_data(
                [], screen, 19
            )

    def test_query_count_flat(self):
        """One map call costs the same queries with 3 or 40 requests."""

        def count_queries(n):
            Request = self.env["citizen.request"]
            Request.create(
                [
                    {
                        "title": f"Lamp {n}-{i}",
                        "category_id": self.category_road.id,
                        "latitude": 47.81 + i * 0.002,
                        "longitude": 1.81 + n * 0.001,
                    }
                    for i in range(n)
                ]
            )
            self.env.flush_all()
            self.env.invalidate_all()
            agent = Request.with_user(self.user_agent)
            domain = [("category_id", "=", self.category_road.id)]
            bbox = (1.80, 47.80, 2.00, 48.00)
            counts = []
            for call in (
                lambda: agent.get_map_data(domain, bbox, 19),
                lambda: Request.sudo()._get_map_clusters(domain, bbox, 10, public=True),
            ):
                call()  # warm the caches Odoo keeps between calls
                self.env.invalidate_all()
                before = self.cr.sql_log_count
                call()
                counts.append(self.cr.sql_log_count - before)
            return tuple(counts)

        few, many = count_queries(3), count_queries(40)
        self.assertEqual(few, many)
        self.assertEqual(few[1], 1)


@tagged("post_install", "-at_install")
class TestRequestMapTours(CitizenPortalCase):
    def test_form_map_tour(self):
        """A visitor places the pin on the map; the coordinates follow it and
        the request is recorded at that place."""
        self.start_tour("/requests/new", "citizen_request_form_map_tour")
        citizen_request = self.env["citizen.request"].search(
            [("contact_email", "=", "mia.map@example.org")]
        )
        self.assertEqual(len(citizen_request), 1)
        self.assertAlmostEqual(citizen_request.latitude, 47.9030, delta=0.01)
        self.assertAlmostEqual(citizen_request.longitude, 1.9100, delta=0.01)

    def test_public_map_tour(self):
        """The public map draws the server's clusters and passes axe."""
        self.request_alice.write({"latitude": 47.90313, "longitude": 1.91014})
        self.request_bob.write({"latitude": 47.9042, "longitude": 1.9103})
        # both in one cluster at this zoom
        self.set_param("map_zoom", 14)
        self.start_tour("/requests/map", "citizen_request_public_map_tour")

    def test_board_map_tour(self):
        """An agent opens the board's map: a request with a work order has
        its own marker, whose bubble lists the work order and opens it."""
        self.request_alice.write({"latitude": 47.9077, "longitude": 1.9177})
        team = self.env["maintenance.team"].create({"name": "Voirie carte"})
        self.env["maintenance.request"].create(
            {
                "name": "Reboucher le trou",
                "maintenance_team_id": team.id,
                "citizen_request_id": self.request_alice.id,
            }
        )
        # alone in its cell at this zoom, among the demo town's requests
        self.set_param("map_zoom", 19)
        self.set_param("map_latitude", 47.9077)
        self.set_param("map_longitude", 1.9177)
        self.start_tour(
            "/odoo/action-citizen_relation.citizen_request_action?view_type=citizen_map",
            "citizen_request_board_map_tour",
            login="agent_portal_test",
        )


@tagged("post_install", "-at_install")
class TestRequestMapAddressTour(BanStandinMixin, CitizenPortalCase):
    def test_pin_fills_address_tour(self):
        """The pin dropped by the port fills the address the BAN finds there
        (through the town's server), and the request carries it."""
        self.set_param("map_latitude", 49.897443)
        self.set_param("map_longitude", 2.290084)
        self.set_param("map_zoom", 17)
        self.start_tour("/requests/new", "citizen_request_form_pin_address_tour")
        citizen_request = self.env["citizen.request"].search(
            [("contact_email", "=", "pia.pin@example.org")]
        )
        self.assertEqual(len(citizen_request), 1)
        self.assertEqual(citizen_request.street, "8 Boulevard du Port")
        self.assertEqual(citizen_request.ban_id, "80021_6590_00008")
        self.assertAlmostEqual(citizen_request.latitude, 49.8974, delta=0.001)
        self.assertTrue(self.ban.calls_to("/reverse"))
