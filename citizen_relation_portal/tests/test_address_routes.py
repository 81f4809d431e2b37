from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.ban_standin import BanStandinMixin

from .common import CitizenPortalCase

RESULT_KEYS = {
    "label",
    "ban_id",
    "housenumber",
    "street",
    "postcode",
    "citycode",
    "city",
    "latitude",
    "longitude",
    "score",
}


@tagged("post_install", "-at_install")
class TestAddressRoutes(BanStandinMixin, CitizenPortalCase):
    def _get(self, path):
        response = self.url_open(path)
        return response, response.json()

    def test_search_suggests_town_addresses_in_lat_lon_order(self):
        response, data = self._get("/requests/address/search?q=8+bd+du+Port&limit=5")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(data["results"]), 1)
        result = data["results"][0]
        self.assertEqual(set(result), RESULT_KEYS)
        self.assertEqual(result["ban_id"], "80021_6590_00008")
        self.assertEqual(result["label"], "8 Boulevard du Port 80000 Amiens")
        self.assertEqual(result["housenumber"], "8")
        self.assertEqual(result["street"], "Boulevard du Port")
        self.assertEqual((result["postcode"], result["citycode"]), ("80000", "80021"))
        # GeoJSON said [2.290084, 49.897443]: longitude first
        self.assertEqual(result["latitude"], 49.897443)
        self.assertEqual(result["longitude"], 2.290084)
        [params] = self.ban.calls_to("/search")
        self.assertEqual(params["q"], "8 bd du port")
        self.assertEqual(params["citycode"], "80021")
        self.assertEqual(params["autocomplete"], "1")
        self.assertEqual(params["limit"], "5")

    def test_second_identical_search_is_answered_from_the_cache(self):
        self._get("/requests/address/search?q=8+bd+du+Port")
        _response, data = self._get("/requests/address/search?q=8%20BD%20du%20port%20")
        self.assertEqual(data["results"][0]["ban_id"], "80021_6590_00008")
        self.assertEqual(len(self.ban.calls_to("/search")), 1)

    def test_search_elsewhere_and_short_queries_give_nothing(self):
        _response, data = self._get("/requests/address/search?q=2+rue+de+strasbourg")
        self.assertEqual(data, {"results": []})
        _response, data = self._get("/requests/address/search?q=8")
        self.assertEqual(data, {"results": []})
        self.assertEqual(len(self.ban.calls_to("/search")), 1)

    def test_service_failures_answer_an_empty_list(self):
        for query in ("trop de demandes", "panne", "pas du json"):
            with self.subTest(query=query):
                response, data = self._get(f"/requests/address/search?q={query}")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(data, {"results": [], "unavailable": True})
        # failures are not cached
        self._get("/requests/address/search?q=panne")
        self.assertEqual(len(self.ban.calls_to("/search")), 4)

    def test_reverse_gives_the_town_address_of_a_position(self):
        _response, data = self._get("/requests/address/reverse?lat=49.8975&lon=2.2901")
        self.assertEqual([r["ban_id"] for r in data["results"]], ["80021_6590_00008"])
        [params] = self.ban.calls_to("/reverse")
        self.assertEqual((params["lat"], params["lon"]), ("49.897500", "2.290100"))
        # a position in another town: nothing
        _response, data = self._get("/requests/address/reverse?lat=47.2184&lon=-1.5536")
        self.assertEqual(data["results"], [])
        response = self.url_open("/requests/address/reverse?lat=abc&lon=2")
        self.assertEqual(response.status_code, 400)

    def test_lookups_are_rate_limited_per_address(self):
        set_param = self.env["ir.config_parameter"].sudo().set_param
        set_param("citizen_relation_portal.limit_address_count", "2")
        self._get("/requests/address/search?q=8+bd+du+Port")
        self._get("/requests/address/reverse?lat=49.8975&lon=2.2901")
        response = self.url_open("/requests/address/search?q=8+bd+du+Port")
        self.assertEqual(response.status_code, 429)
        self.assertTrue(int(response.headers["Retry-After"]) >= 1)
        self.assertEqual(response.json(), {"results": []})
