"""A local stand-in for the Base Adresse Nationale: a WSGI server on the
loopback (port 0) answering ``/search`` and ``/reverse`` with GeoCodeJSON.

Its first feature is the documentation's example (adresse.data.gouv.fr,
"8 bd du port"). The query chooses the case: an empty result, a 429, a
timeout, a low score, a server error, invalid JSON, an address in another
town. Every call is recorded in ``BanStandin.calls``.
"""

import json
import time
from urllib.parse import parse_qs

from odoo.addons.citizen_relation.models.citizen_address_service import (
    clear_ban_cache,
)

from .standin import LoopbackStandin

TOWN = "80021"
# the documentation's example feature; GeoJSON: [longitude, latitude]
PORT_FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [2.290084, 49.897443]},
    "properties": {
        "label": "8 Boulevard du Port 80000 Amiens",
        "score": 0.49159121588068583,
        "housenumber": "8",
        "id": "80021_6590_00008",
        "type": "housenumber",
        "name": "8 Boulevard du Port",
        "postcode": "80000",
        "citycode": "80021",
        "x": 648952.58,
        "y": 6977867.25,
        "city": "Amiens",
        "context": "80, Somme, Hauts-de-France",
        "importance": 0.6706612694243868,
        "street": "Boulevard du Port",
    },
}
ELSEWHERE_FEATURE = {
    "type": "Feature",
    "geometry": {"type": "Point", "coordinates": [-1.553621, 47.218371]},
    "properties": {
        "label": "2 Rue de Strasbourg 44000 Nantes",
        "score": 0.93,
        "housenumber": "2",
        "id": "44109_5730_00002",
        "type": "housenumber",
        "name": "2 Rue de Strasbourg",
        "postcode": "44000",
        "citycode": "44109",
        "city": "Nantes",
        "context": "44, Loire-Atlantique, Pays de la Loire",
        "street": "Rue de Strasbourg",
    },
}
SLOW_SECONDS = 3
# positions (latitude as sent, 6 decimals) whose /reverse fails
REVERSE_TOO_MANY = "45.000001"
REVERSE_DOWN = "45.000003"
# a position with no address near it (fields, woods)
REVERSE_NOTHING = "45.000004"


def _with_score(feature, score):
    return dict(feature, properties=dict(feature["properties"], score=score))


class BanStandin(LoopbackStandin):
    def __init__(self):
        super().__init__()
        self.calls = []
        # the service's base URL, as the setting holds it
        self.url = self.base_url

    def calls_to(self, path):
        return [params for called, params in self.calls if called == path]

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        params = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
        self.calls.append((path, params))
        status, body = self.answer(path, params)
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json")])
        return [payload]

    def answer(self, path, params):
        if path == "/reverse":
            if params["lat"] == REVERSE_TOO_MANY:
                return "429 Too Many Requests", {"code": 429, "message": "Too many"}
            if params["lat"] == REVERSE_DOWN:
                return "503 Service Unavailable", b"<html>down</html>"
            if params["lat"] == REVERSE_NOTHING:
                return "200 OK", self.collection([], params)
            lat, lon = float(params["lat"]), float(params["lon"])
            near_port = abs(lat - 49.897443) < 0.01 and abs(lon - 2.290084) < 0.01
            feature = PORT_FEATURE if near_port else ELSEWHERE_FEATURE
            return "200 OK", self.collection([feature], params)
        if path != "/search":
            return "404 Not Found", {"code": 404, "message": "Not found"}
        query = params.get("q", "")
        if "trop de demandes" in query:
            return "429 Too Many Requests", {"code": 429, "message": "Too many"}
        if "panne" in query:
            return "503 Service Unavailable", b"<html>down</html>"
        if "pas du json" in query:
            return "200 OK", b"{not json"
        if "lenteur" in query:
            time.sleep(SLOW_SECONDS)
            return "200 OK", self.collection([PORT_FEATURE], params)
        if "incertaine" in query:
            return "200 OK", self.collection([_with_score(PORT_FEATURE, 0.2)], params)
        if "strasbourg" in query:
            return "200 OK", self.collection([ELSEWHERE_FEATURE], params)
        if "port" in query:
            return "200 OK", self.collection([_with_score(PORT_FEATURE, 0.96)], params)
        return "200 OK", self.collection([], params)

    def collection(self, features, params):
        if params.get("citycode"):
            # the service filters on the INSEE code asked
            features = [
                f for f in features if f["properties"]["citycode"] == params["citycode"]
            ]
        return {
            "type": "FeatureCollection",
            "version": "draft",
            "features": features,
            "attribution": "BAN",
            "licence": "ETALAB-2.0",
            "query": params.get("q"),
            "limit": int(params.get("limit") or 5),
        }


class BanStandinMixin:
    """Starts the stand-in for the test class and points the settings at it
    (the town: Amiens, INSEE 80021; a 1 s timeout)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ban = BanStandin().start()
        cls.addClassCleanup(cls.ban.stop)
        set_param = cls.env["ir.config_parameter"].sudo().set_param
        set_param("citizen_relation.ban_url", cls.ban.url)
        set_param("citizen_relation.ban_citycodes", TOWN)
        set_param("citizen_relation.ban_timeout", "1")
        set_param("citizen_relation.ban_min_score", "0.5")

    def setUp(self):
        super().setUp()
        clear_ban_cache()
        self.ban.calls.clear()
