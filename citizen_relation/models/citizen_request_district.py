from odoo import api, fields, models


class CitizenRequest(models.Model):
    """The district of a request, found on the town's map from its
    coordinates; the typed district stays when it has none."""

    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    district_id = fields.Many2one(
        "citizen.district",
        string="District on the map",
        compute="_compute_district_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        help="District whose outline holds the request's coordinates; without "
        "coordinates, the district chosen by hand.",
    )
    # The name of the district stays in the text field that exports, Open311,
    # anonymisation and reports read: it follows the district found on the
    # map, and keeps what was typed when there is none.
    district = fields.Char(
        compute="_compute_district", store=True, readonly=False, precompute=True
    )

    @api.depends("latitude", "longitude", "company_id")
    def _compute_district_id(self):
        District = self.env["citizen.district"]
        for request in self:
            # an anonymised request keeps its district: its coordinates are
            # rounded, not moved
            if request.is_anonymized:
                continue
            if request.latitude and request.longitude:
                request.district_id = District._find_for_point(
                    request.latitude,
                    request.longitude,
                    request.company_id or self.env.company,
                )
            elif not request.district_id:
                request.district_id = False

    @api.depends("district_id")
    def _compute_district(self):
        for request in self:
            if request.district_id:
                request.district = request.district_id.name
            elif not request.district:
                request.district = False

    @api.model
    def _prepare_request_values(self, vals):
        """A request filed with coordinates is in the district of the map
        that holds them, whatever district was typed with it."""
        vals = super()._prepare_request_values(vals)
        if vals.get("latitude") and vals.get("longitude"):
            company = self.env["res.company"].browse(vals.get("company_id"))
            district = self.env["citizen.district"]._find_for_point(
                vals["latitude"], vals["longitude"], company or self.env.company
            )
            if district:
                vals["district_id"] = district.id
                vals["district"] = district.name
        return vals

    def _locate_in_districts(self):
        """Give the requests with coordinates the district of the map that
        holds them (after the districts were loaded or redrawn); one write
        per district."""
        District = self.env["citizen.district"]
        by_district = {}
        for request in self.filtered(lambda r: r.latitude and r.longitude):
            district = District._find_for_point(
                request.latitude, request.longitude, request.company_id
            )
            if district != request.district_id:
                by_district.setdefault(district, self.browse())
                by_district[district] |= request
        for district, requests in by_district.items():
            vals = {"district_id": district.id}
            if district:
                vals["district"] = district.name
            requests.write(vals)
        return sum(len(requests) for requests in by_district.values())
