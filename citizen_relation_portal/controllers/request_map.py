"""The public map of open requests, and its list for those who do not see it.

What it shows is what Open311 publishes (the same domain): requests of the
categories that publish their requests, positions rounded to about 100 m,
the street without house number, never the requester nor their words.
Clusters are computed by PostgreSQL per grid cell, so that one call costs the
same with 100 or 10,000 open requests. The data route is counted per client
address with Open311's reads.
"""

from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.citizen_request_map import parse_bbox
from .open311 import Open311Controller

LIST_PAGE_SIZE = 20


class CitizenRequestMap(http.Controller):
    def _get_company(self):
        return request.env["website"].get_current_website().company_id

    def _get_map_categories(self, company):
        # the names of the categories whose requests are published are
        # published too (Open311's services); nothing else is read
        return (
            request.env["citizen.request.category"]
            .sudo()
            .search(
                [
                    ("publish_requests", "=", True),
                    ("company_id", "in", [False, company.id]),
                ],
                order="complete_name",
            )
        )

    def _published_domain(self, category):
        company = self._get_company()
        domain = request.env["citizen.request"]._get_published_domain(company)
        if category:
            domain = domain + [("category_id", "=", category.id)]
        return domain

    def _parse_category(self, value, company):
        try:
            category_id = int(value or 0)
        except ValueError:
            return None
        categories = self._get_map_categories(company)
        return categories.filtered(lambda c: c.id == category_id)

    @http.route(
        ["/requests/map", "/requests/map/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=True,
    )
    def citizen_request_map(self, category=None, page=1, **kw):
        company = self._get_company()
        selected = self._parse_category(category, company)
        try:
            page = max(int(page), 1)
        except ValueError:
            page = 1
        domain = self._published_domain(selected) + [("is_closed", "=", False)]
        # the published requests only (Open311's domain), and the page shows
        # only their public fields: reference, category, district, street
        # without house number, status and date
        Request = request.env["citizen.request"].sudo()
        pager = portal_pager(
            url="/requests/map",
            url_args={"category": selected.id} if selected else {},
            total=Request.search_count(domain),
            page=page,
            step=LIST_PAGE_SIZE,
        )
        requests = Request.search(
            domain,
            order="district, category_id, date_received desc, id desc",
            limit=LIST_PAGE_SIZE,
            offset=pager["offset"],
        )
        return request.render(
            "citizen_relation_portal.request_map_page",
            {
                "categories": self._get_map_categories(company),
                "selected_category": selected,
                "citizen_requests": requests,
                "pager": pager,
                # the street of a home is not published: Open311's rule
                "public_street": lambda street: Open311Controller._public_street(
                    self, street
                ),
                "map_settings": Request._get_map_settings(),
            },
        )

    @http.route(
        "/requests/map/data",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        sitemap=False,
    )
    def citizen_request_map_data(self, bbox=None, zoom=None, category=None, **kw):
        Throttle = request.env["citizen.submission.throttle"]
        scope = {"read": request.httprequest.remote_addr or "unknown"}
        if not Throttle._check_and_record(scope):
            return request.make_json_response(
                {"error": "Too many requests from this address, try again later"},
                headers=[("Retry-After", str(Throttle._get_retry_after(scope)))],
                status=429,
            )
        parsed_bbox = parse_bbox(bbox)
        try:
            zoom = int(zoom)
        except (TypeError, ValueError):
            zoom = None
        if parsed_bbox is None or zoom is None:
            return request.make_json_response(
                {"error": "bbox=minlon,minlat,maxlon,maxlat and zoom are required"},
                status=400,
            )
        company = self._get_company()
        selected = self._parse_category(category, company) if category else None
        if selected is not None and not selected:
            return request.make_json_response({"error": "Unknown category"}, status=400)
        # published requests only (Open311's domain); public clusters give a
        # count and a centroid rounded to 3 decimals, never a request
        clusters = (
            request.env["citizen.request"]
            .sudo()
            ._get_map_clusters(
                self._published_domain(selected), parsed_bbox, zoom, public=True
            )
        )
        return request.make_json_response(
            {
                "clusters": [
                    {key: c[key] for key in ("count", "latitude", "longitude")}
                    for c in clusters
                ]
            }
        )
