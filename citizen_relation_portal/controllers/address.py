"""Address completion for the public form, the portal and the map: our
server asks the Base Adresse Nationale, so that no visitor's browser calls a
third party. Read-only, limited to the town, rate-limited per IP address."""

from odoo import http
from odoo.http import request

from .text_input import clean_text

RESULT_KEYS = (
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
)


class CitizenAddressController(http.Controller):
    def _address_response(self, results, available=True, status=200, headers=None):
        data = {
            "results": [{key: result[key] for key in RESULT_KEYS} for result in results]
        }
        if not available:
            # the service did not answer: the citizen types the address,
            # which is geocoded later
            data["unavailable"] = True
        return request.make_json_response(data, headers=headers, status=status)

    def _address_throttled(self):
        """A 429 answer when this visitor asked too often, else None."""
        Throttle = request.env["citizen.submission.throttle"]
        scope = {"address": request.httprequest.remote_addr or "unknown"}
        if Throttle._check_and_record(scope):
            return None
        return self._address_response(
            [],
            status=429,
            headers=[("Retry-After", str(Throttle._get_retry_after(scope)))],
        )

    @http.route(
        "/requests/address/search",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
        save_session=False,
    )
    def citizen_address_search(self, q="", limit="5", **kw):
        throttled = self._address_throttled()
        if throttled:
            return throttled
        query = clean_text(q or "")[:200]
        try:
            limit = int(limit)
        except (TypeError, ValueError):
            limit = 5
        results, available = request.env["citizen.address.service"]._ban_search_safe(
            query, limit=limit
        )
        return self._address_response(results, available)

    @http.route(
        "/requests/address/reverse",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
        save_session=False,
    )
    def citizen_address_reverse(self, lat="", lon="", **kw):
        throttled = self._address_throttled()
        if throttled:
            return throttled
        try:
            latitude, longitude = request.env[
                "citizen.request"
            ]._parse_public_coordinates(lat, lon)
        except ValueError:
            return request.make_json_response(
                {"results": [], "error": "lat and lon must be valid coordinates"},
                status=400,
            )
        results, available = request.env["citizen.address.service"]._ban_reverse_safe(
            latitude, longitude
        )
        return self._address_response(results, available)
