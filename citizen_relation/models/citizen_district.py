import json

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
DISTRICT_CACHE_FIELDS = {"geometry", "active", "company_id", "sequence"}


def parse_district_geometry(text):
    """The shapely geometry of a GeoJSON Polygon or MultiPolygon (the
    ``geometry`` of a Feature), in the GeoJSON order ``[longitude,
    latitude]``. Raises ``ValueError`` with a reason a person can act on."""
    try:
        data = json.loads(text) if isinstance(text, str) else text
    except ValueError as e:
        raise ValueError(f"it is not JSON ({e})") from e
    if not isinstance(data, dict) or data.get("type") not in GEOMETRY_TYPES:
        kind = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"a Polygon or a MultiPolygon is expected, not {kind!r}")
    try:
        geometry = shape(data)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as e:
        raise ValueError(f"its coordinates are not a polygon ({e})") from e
    if geometry.is_empty:
        raise ValueError("it has no coordinates")
    if not geometry.is_valid:
        raise ValueError(f"its outline is not valid ({explain_validity(geometry)})")
    minx, miny, maxx, maxy = geometry.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise ValueError(
            "its coordinates are not longitudes and latitudes in degrees (WGS 84)"
        )
    return geometry


class CitizenDistrict(models.Model):
    """A district (quartier) of the town, drawn on its map.

    Requests take the district their coordinates fall in; routing rules and
    statistics use it. The outlines are those the town publishes, usually as
    open data in GeoJSON (WGS 84, ``[longitude, latitude]``).
    """

    _name = "citizen.district"
    _inherit = ["citizen.cached.source"]
    _description = "District"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=False)
    code = fields.Char(help="Code of the district in the town's open data, if any.")
    sequence = fields.Integer(
        default=10,
        help="Where outlines overlap or touch, the first district in this "
        "order takes the point.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    geometry = fields.Text(
        help="Outline as a GeoJSON Polygon or MultiPolygon in longitudes and "
        "latitudes (WGS 84).",
    )
    request_count = fields.Integer(compute="_compute_request_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "Two districts of a town cannot have the same code.",
        ),
    ]

    @api.constrains("geometry")
    def _check_geometry(self):
        for district in self.filtered("geometry"):
            try:
                parse_district_geometry(district.geometry)
            except ValueError as e:
                raise ValidationError(
                    self.env._(
                        "The outline of the district %(name)s cannot be used: "
                        "%(reason)s.",
                        name=district.name,
                        reason=str(e),
                    )
                ) from e

    def _compute_request_count(self):
        groups = self.env["citizen.request"]._read_group(
            [("district_id", "in", self.ids)], ["district_id"], ["__count"]
        )
        counts = {district.id: count for district, count in groups}
        for district in self:
            district.request_count = counts.get(district.id, 0)

    def _citizen_feeds_cache(self, vals=None):
        return vals is None or bool(DISTRICT_CACHE_FIELDS & set(vals))

    @api.model
    @tools.ormcache("company_id")
    def _get_prepared_outlines(self, company_id):
        """The outlines of the active districts of a company, prepared for
        fast point lookups, kept per worker: locating a request costs no
        query and no parsing. Changing a district forgets them."""
        # sudo: the outlines are the town's public map; a citizen filing a
        # request locates it without reading the districts.
        districts = (
            self.sudo()
            .with_context(active_test=True)
            .search_fetch(
                [("company_id", "=", company_id), ("geometry", "!=", False)],
                ["geometry"],
            )
        )
        outlines = []
        for district in districts:
            try:
                geometry = parse_district_geometry(district.geometry)
            except ValueError:
                continue  # refused on write; kept out if stored before a fix
            shapely.prepare(geometry)
            outlines.append((district.id, geometry))
        return tuple(outlines)

    @api.model
    def _find_for_point(self, latitude, longitude, company=None):
        """The district covering a point, border included (the first in
        order where outlines touch), or an empty recordset."""
        if not (latitude and longitude):
            return self.browse()
        company = company or self.env.company
        point = shapely.Point(longitude, latitude)
        for district_id, geometry in self._get_prepared_outlines(company.id):
            if geometry.covers(point):
                return self.browse(district_id)
        return self.browse()

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("district_id", "=", self.id)]
        return action
