"""Already reported nearby: follow it instead.

While a visitor fills in the public form, the script asks which open
requests of the chosen category were reported close to the position given
(``GET /requests/nearby``), and offers to follow one of them instead of
filing the same report again (``POST /requests/<id>/follow``). Only what the
open data publishes leaves: reference, public title, status, a rounded
distance and a date.
"""

import math

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.mail import email_normalize

from .text_input import clean_text


class CitizenRequestNearby(http.Controller):
    def _get_client_ip(self):
        return request.httprequest.remote_addr or "unknown"

    def _json_error(self, message, status, headers=None):
        return request.make_json_response(
            {"error": message}, status=status, headers=headers
        )

    @http.route(
        "/requests/nearby",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
        save_session=False,
    )
    def citizen_request_nearby(self, category=None, lat=None, lon=None, **kw):
        Throttle = request.env["citizen.submission.throttle"]
        scope = {"read": self._get_client_ip()}
        if not Throttle._check_and_record(scope):
            return self._json_error(
                "Too many requests from this address, try again later",
                429,
                headers=[("Retry-After", str(Throttle._get_retry_after(scope)))],
            )
        try:
            category_id = int(category or 0)
            latitude, longitude = request.env[
                "citizen.request"
            ]._parse_public_coordinates(lat, lon)
        except (TypeError, ValueError):
            return self._json_error(
                "category (a number), lat and lon (decimal degrees) are required",
                400,
            )
        if not all(map(math.isfinite, (latitude, longitude))):
            return self._json_error("lat and lon must be finite numbers", 400)
        # the visitor looks among the categories offered on the form (public
        # ACL and record rules apply: another company's is not found)
        category_rec = request.env["citizen.request.category"].search(
            [("id", "=", category_id), ("is_public", "=", True)], limit=1
        )
        if not category_rec:
            return request.make_json_response({"requests": []})
        # sudo: visitors read no request; _get_nearby_public_values gives
        # only the public fields (reference, public title, status, rounded
        # distance, date) of open requests of categories that publish them
        values = (
            request.env["citizen.request"]
            .sudo()
            .with_company(request.env.company)
            ._get_nearby_public_values(category_rec.sudo(), latitude, longitude)
        )
        return request.make_json_response({"requests": values})

    def _render_follow(self, citizen_request=None, error=None, status=200):
        return request.render(
            "citizen_relation_portal.request_follow_page",
            {"citizen_request": citizen_request, "error": error},
            status=status,
        )

    @http.route(
        "/requests/<int:request_id>/follow",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def citizen_request_follow(
        self, request_id, name="", email="", pending_token=None, **kw
    ):
        name = clean_text(name or "")[:200]
        email = clean_text(email or "")[:200]
        normalized = email_normalize(email)
        Throttle = request.env["citizen.submission.throttle"]
        if not Throttle._check_and_record(
            {"ip": self._get_client_ip(), "email": normalized}
        ):
            return self._render_follow(
                error=request.env._(
                    "Too many requests were sent from this connection or with"
                    " this email address. Please try again later, or contact the"
                    " town hall by phone or at the front desk."
                ),
                status=429,
            )
        if not name or not normalized:
            return self._render_follow(
                error=request.env._(
                    "Please give your name and a valid email address, e.g."
                    " marie.dupont@example.org: we write to you when the request"
                    " progresses."
                ),
                status=400,
            )
        # sudo: a visitor follows a request they cannot read; only requests
        # offered as nearby (_is_followable: open, not a duplicate, public
        # category that publishes its requests) may be followed, and the page
        # shows only its reference and public title
        citizen_request = (
            request.env["citizen.request"]
            .sudo()
            .with_company(request.env.company)
            .browse(request_id)
            .exists()
        )
        if (
            not citizen_request
            or citizen_request.company_id != request.env.company
            or not citizen_request._is_followable()
        ):
            return self._render_follow(
                error=request.env._(
                    "This request cannot be followed any more. You can file"
                    " your own request with the form."
                ),
                status=404,
            )
        try:
            citizen_request._add_reporter(name, normalized)
        except UserError as e:
            return self._render_follow(error=str(e), status=400)
        if pending_token:
            # sudo: the form its sender held while choosing, found by the
            # token only they received; following it, they file nothing
            pending = (
                request.env["citizen.request.pending.submission"]
                .sudo()
                ._find(pending_token)
            )
            if pending and not pending.request_id:
                pending.unlink()
        return self._render_follow(citizen_request=citizen_request)
