import base64
import binascii
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import file_open

from ..models.citizen_district import parse_district_geometry

MAX_FILE_SIZE = 20 * 1024 * 1024


class CitizenDistrictImport(models.TransientModel):
    """Load the districts of the town from a GeoJSON FeatureCollection, as
    towns publish them in open data: one district per feature, named by one
    of its properties. A district of the same code (or, without a code, of
    the same name) is updated; the others are created. The whole file is
    checked before anything is written."""

    _name = "citizen.district.import"
    _description = "Import of Districts from GeoJSON"

    file = fields.Binary(string="GeoJSON File", required=True)
    filename = fields.Char()
    name_property = fields.Char(
        string="Property holding the name",
        required=True,
        default="nom",
        help="Property of each feature that holds the district's name, e.g. "
        "nom, name, NOM_QUARTIER.",
    )
    code_property = fields.Char(
        string="Property holding the code",
        help="Optional. Property of each feature that holds a stable code; "
        "districts are then updated by code rather than by name.",
    )
    available_properties = fields.Char(
        compute="_compute_available_properties",
        help="Properties found on the features of the file.",
    )

    @api.depends("file")
    def _compute_available_properties(self):
        for wizard in self:
            try:
                features = wizard._read_features()
            except UserError:
                features = []
            keys = []
            for feature in features:
                for key in (feature.get("properties") or {}).keys():
                    if key not in keys:
                        keys.append(key)
            wizard.available_properties = ", ".join(keys)

    def _read_features(self):
        """The features of the file, or a UserError that says what is wrong."""
        self.ensure_one()
        if not self.file:
            raise UserError(self.env._("Choose a GeoJSON file."))
        try:
            raw = base64.b64decode(self.file, validate=False)
        except (binascii.Error, ValueError) as e:
            raise UserError(self.env._("The file could not be read.")) from e
        if len(raw) > MAX_FILE_SIZE:
            raise UserError(self.env._("The file is larger than 20 MB."))
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as e:
            raise UserError(
                self.env._(
                    "The file is not GeoJSON: it could not be read as JSON (%s).",
                    str(e),
                )
            ) from e
        if (
            not isinstance(data, dict)
            or data.get("type") != "FeatureCollection"
            or not isinstance(data.get("features"), list)
        ):
            raise UserError(
                self.env._(
                    "The file is not a GeoJSON FeatureCollection: it must hold "
                    "a list of features, one per district."
                )
            )
        return [f for f in data["features"] if isinstance(f, dict)]

    def _parse_districts(self):
        """(name, code, geometry text) of each feature, every feature checked."""
        features = self._read_features()
        if not features:
            raise UserError(self.env._("The file holds no district."))
        districts = []
        for index, feature in enumerate(features, start=1):
            properties = feature.get("properties") or {}
            name = str(properties.get(self.name_property) or "").strip()
            if not name:
                raise UserError(
                    self.env._(
                        "Feature %(index)s has no property %(property)s to name "
                        "the district. Properties found: %(found)s.",
                        index=index,
                        property=self.name_property,
                        found=self.available_properties or "-",
                    )
                )
            try:
                parse_district_geometry(feature.get("geometry"))
            except ValueError as e:
                raise UserError(
                    self.env._(
                        "The outline of %(name)s (feature %(index)s) cannot be "
                        "used: %(reason)s.",
                        name=name,
                        index=index,
                        reason=str(e),
                    )
                ) from e
            code = False
            if self.code_property:
                code = str(properties.get(self.code_property) or "").strip() or False
            districts.append((name[:100], code, json.dumps(feature["geometry"])))
        return districts

    def action_import(self):
        """Create or update the districts, then locate the requests again."""
        self.ensure_one()
        parsed = self._parse_districts()
        District = self.env["citizen.district"].with_context(active_test=False)
        company = self.env.company
        existing = District.search([("company_id", "=", company.id)])
        by_code = {d.code: d for d in existing if d.code}
        by_name = {d.name.casefold(): d for d in existing}
        to_create = []
        updated = District
        for name, code, geometry in parsed:
            district = (code and by_code.get(code)) or by_name.get(name.casefold())
            vals = {"name": name, "geometry": geometry, "active": True}
            if code:
                vals["code"] = code
            if district:
                district.write(vals)
                updated |= district
            else:
                to_create.append({**vals, "company_id": company.id})
        created = District.create(to_create)
        located = (
            self.env["citizen.request"]
            .search(
                [
                    ("company_id", "=", company.id),
                    ("latitude", "!=", False),
                    ("longitude", "!=", False),
                ]
            )
            ._locate_in_districts()
        )
        message = self.env._(
            "%(created)s districts created, %(updated)s updated; %(located)s "
            "requests changed district.",
            created=len(created),
            updated=len(updated),
            located=located,
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _load_demo_file(self, path, name_property, code_property, xmlid_prefix):
        """Load a GeoJSON file shipped with a module (the demo town's
        districts); each district gets the XML id ``<xmlid_prefix><code>``
        so that other demo data can refer to it."""
        with file_open(path, "rb") as geojson:
            content = base64.b64encode(geojson.read())
        wizard = self.create(
            {
                "file": content,
                "name_property": name_property,
                "code_property": code_property,
            }
        )
        wizard.action_import()
        districts = self.env["citizen.district"].search(
            [("company_id", "=", self.env.company.id), ("code", "!=", False)]
        )
        self.env["ir.model.data"]._update_xmlids(
            [
                {
                    "xml_id": xmlid_prefix + district.code.lower().replace("-", "_"),
                    "record": district,
                    "noupdate": True,
                }
                for district in districts
            ]
        )
        return True
