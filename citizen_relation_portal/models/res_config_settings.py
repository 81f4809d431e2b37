from odoo import fields, models

from .citizen_request_map import (
    DEFAULT_ATTRIBUTION,
    DEFAULT_CENTER,
    DEFAULT_TILE_URL,
    DEFAULT_ZOOM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    citizen_map_tile_url = fields.Char(
        string="Map Tiles",
        config_parameter="citizen_relation_portal.map_tile_url",
        default=DEFAULT_TILE_URL,
        help="Address template of the map tiles, with {z}, {x}, {y} and "
        "optionally {s}. The default is OpenStreetMap France's tile server.",
    )
    citizen_map_attribution = fields.Char(
        string="Map Credit",
        config_parameter="citizen_relation_portal.map_attribution",
        default=DEFAULT_ATTRIBUTION,
        help="Credit shown at the bottom of the maps, required by the tile "
        "provider's licence (HTML links allowed).",
    )
    citizen_map_latitude = fields.Float(
        string="Map Centre Latitude",
        config_parameter="citizen_relation_portal.map_latitude",
        default=DEFAULT_CENTER[0],
        digits=(10, 6),
    )
    citizen_map_longitude = fields.Float(
        string="Map Centre Longitude",
        config_parameter="citizen_relation_portal.map_longitude",
        default=DEFAULT_CENTER[1],
        digits=(10, 6),
    )
    citizen_map_zoom = fields.Integer(
        string="Map Zoom",
        config_parameter="citizen_relation_portal.map_zoom",
        default=DEFAULT_ZOOM,
        help="Zoom level the maps open at, from 1 (the world) to 19 (a street).",
    )
