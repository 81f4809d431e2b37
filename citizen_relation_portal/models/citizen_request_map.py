"""Requests on a map: the published ones for the public, what an agent may
read for staff, grouped by a grid on the server so that one call costs the
same whatever the number of requests."""

import math

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

# OpenStreetMap France's tiles and their credit: the defaults of the settings
DEFAULT_TILE_URL = "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">'
    "les contributeurs d'OpenStreetMap</a>, tuiles "
    '<a href="https://www.openstreetmap.fr/">OpenStreetMap France</a>'
)
# the demo town's centre, when the town has not set its own
DEFAULT_CENTER = (47.9030, 1.9100)
DEFAULT_ZOOM = 15
# grid cells per 256-pixel tile: a cluster covers about 64 pixels
CELLS_PER_TILE = 4
# the public never sees a position finer than 3 decimals (about 110 m)
PUBLIC_CELL_MIN = 0.001
PUBLIC_DIGITS = 3
MAX_ZOOM = 19
# at most this many cells across the area asked, whatever its size: one call
# answers at most 64 x 64 clusters (a screen holds about 20 x 12)
MAX_CELLS_ACROSS = 64


def parse_bbox(value):
    """``minlon,minlat,maxlon,maxlat`` as four floats, or None."""
    try:
        bbox = tuple(float(part) for part in (value or "").split(","))
    except ValueError:
        return None
    if len(bbox) != 4 or not all(math.isfinite(part) for part in bbox):
        return None
    min_lon, min_lat, max_lon, max_lat = bbox
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        return None
    return bbox


def grid_cell(zoom, bbox):
    """Side of a grid cell, in degrees, at a zoom level of the web map, and
    never less than a 64th of the area asked."""
    zoom = min(max(int(zoom), 0), MAX_ZOOM)
    return max(
        360.0 / (2**zoom) / CELLS_PER_TILE,
        (bbox[2] - bbox[0]) / MAX_CELLS_ACROSS,
        (bbox[3] - bbox[1]) / MAX_CELLS_ACROSS,
    )


# The maps' side of the request beside the portal's (citizen_request.py): one
# concern per file.
class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    @api.model
    def _get_map_settings(self):
        """Tiles, credit and starting view of the maps, from the settings."""
        # the tile server and the town's centre are what the public map and
        # the form show to everybody: no secret among these parameters
        params = self.env["ir.config_parameter"].sudo()

        def number(key, default):
            try:
                return float(params.get_param(key) or default)
            except ValueError:
                return default

        return {
            "tile_url": params.get_param("citizen_relation_portal.map_tile_url")
            or DEFAULT_TILE_URL,
            "attribution": params.get_param("citizen_relation_portal.map_attribution")
            or DEFAULT_ATTRIBUTION,
            "latitude": number(
                "citizen_relation_portal.map_latitude", DEFAULT_CENTER[0]
            ),
            "longitude": number(
                "citizen_relation_portal.map_longitude", DEFAULT_CENTER[1]
            ),
            "zoom": int(number("citizen_relation_portal.map_zoom", DEFAULT_ZOOM)),
        }

    # ------------------------------------------------------------------
    # What is published
    # ------------------------------------------------------------------

    @api.model
    def _get_published_domain(self, company):
        """Requests anybody may see, as Open311 publishes them: those of the
        categories that publish their requests, in the website's company."""
        return [
            ("category_id.publish_requests", "=", True),
            ("company_id", "=", company.id),
        ]

    # ------------------------------------------------------------------
    # Clusters
    # ------------------------------------------------------------------

    @api.model
    def _get_map_clusters(self, domain, bbox, zoom, public=False):
        """Requests of ``domain`` inside ``bbox``, grouped by grid cell.

        One query whatever the number of requests: PostgreSQL groups the
        positions by cell and gives each cell its count and centroid. The
        domain goes through ``_search``, so record rules apply to the user of
        ``self``. Public clusters never say more than 3 decimals of a
        position, nor which request is in a cell.
        """
        cell = grid_cell(zoom, bbox)
        if public:
            cell = max(cell, PUBLIC_CELL_MIN)
        query = self._search(
            domain
            + [
                ("is_closed", "=", False),
                ("latitude", "!=", False),
                ("longitude", "!=", False),
                ("longitude", ">=", bbox[0]),
                ("latitude", ">=", bbox[1]),
                ("longitude", "<=", bbox[2]),
                ("latitude", "<=", bbox[3]),
            ]
        )
        # the columns are numeric: double precision computes faster
        latitude = SQL("%s::float8", SQL.identifier(query.table, "latitude"))
        longitude = SQL("%s::float8", SQL.identifier(query.table, "longitude"))
        if public:
            latitude = SQL("round(%s::numeric, %s)::float8", latitude, PUBLIC_DIGITS)
            longitude = SQL("round(%s::numeric, %s)::float8", longitude, PUBLIC_DIGITS)
        rows = self.env.execute_query(
            SQL(
                """SELECT count(*), avg(%(lat)s), avg(%(lon)s), min(%(id)s)
                     FROM %(from)s
                    WHERE %(where)s
                 GROUP BY floor(%(lon)s / %(cell)s), floor(%(lat)s / %(cell)s)""",
                lat=latitude,
                lon=longitude,
                id=SQL.identifier(query.table, "id"),
                cell=cell,
                **{"from": query.from_clause, "where": query.where_clause},
            )
        )
        digits = PUBLIC_DIGITS if public else 6
        return [
            {
                "count": count,
                "latitude": round(float(lat), digits),
                "longitude": round(float(lon), digits),
                "id": None if public or count > 1 else request_id,
            }
            for count, lat, lon, request_id in rows
        ]

    @api.model
    def _get_staff_map_data(self, domain, bbox, zoom):
        """Clusters of the requests an agent may read, and the details of
        the requests alone in their cell with their work orders.

        Three queries whatever the number of requests: the clusters, the
        requests alone in their cell (at most one per cell) and their work
        orders. Everything is read as the user: record rules apply.
        """
        clusters = self._get_map_clusters(domain, bbox, zoom)
        singles = self.browse([c["id"] for c in clusters if c["id"]])
        orders = self._map_work_orders(singles)
        details = {
            record.id: {
                "name": record.name,
                "title": record.title,
                "category": record.category_id.display_name,
                "stage": record.stage_id.name,
                "work_orders": orders.get(record.id, []),
            }
            for record in singles.with_prefetch(singles.ids)
        }
        for cluster in clusters:
            cluster.update(details.get(cluster["id"], {}))
        return clusters

    def _map_work_orders(self, requests):
        """Work orders of ``requests`` the user may read, by request id."""
        if not requests or "maintenance.request" not in self.env:
            return {}
        WorkOrder = self.env["maintenance.request"]
        if not WorkOrder.has_access("read"):
            return {}
        orders = {}
        for order in WorkOrder.search_fetch(
            [("citizen_request_id", "in", requests.ids)],
            ["name", "citizen_request_id", "stage_id"],
        ):
            orders.setdefault(order.citizen_request_id.id, []).append(
                {"id": order.id, "name": order.name, "stage": order.stage_id.name}
            )
        return orders

    def _check_map_access(self):
        if not self.env.user._is_internal():
            raise AccessError(self.env._("The map of the requests is for the staff."))
        self.check_access("read")

    @api.model
    def get_map_settings(self):
        """Back-office map: tiles, credit and starting view."""
        self._check_map_access()
        return self._get_map_settings()

    @api.model
    def get_map_data(self, domain, bbox, zoom):
        """Back-office map: what the map view of the requests shows.

        ``domain`` is the search of the view (the kanban's filters); ``bbox``
        is ``[minlon, minlat, maxlon, maxlat]``. Staff only: a portal user
        reads their own requests elsewhere.
        """
        self._check_map_access()
        bbox = parse_bbox(",".join(str(part) for part in bbox or []))
        if bbox is None:
            return []
        return self._get_staff_map_data(list(domain or []), bbox, zoom)
