import base64
import json

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CitizenRequestCommon


def square(west, south, east, north):
    """The ring of a rectangle, in GeoJSON order ([longitude, latitude])."""
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


CENTRE = {"type": "Polygon", "coordinates": [square(0.38, 49.75, 0.39, 49.76)]}
# Le Port touches the Centre-ville along the longitude 0.39
PORT = {"type": "Polygon", "coordinates": [square(0.39, 49.75, 0.40, 49.76)]}
# Les Hauts: the plateau and a hamlet apart from it
HAUTS = {
    "type": "MultiPolygon",
    "coordinates": [
        [square(0.36, 49.75, 0.37, 49.76)],
        [square(0.36, 49.77, 0.37, 49.78)],
    ],
}
# a bow tie: the outline crosses itself
BOW_TIE = {
    "type": "Polygon",
    "coordinates": [
        [[0.3, 49.7], [0.31, 49.71], [0.31, 49.7], [0.3, 49.71], [0.3, 49.7]]
    ],
}


def feature_collection(*features):
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": properties, "geometry": geometry}
            for properties, geometry in features
        ],
    }


@tagged("post_install", "-at_install")
class TestCitizenDistrict(CitizenRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        District = cls.env["citizen.district"]
        cls.centre = District.create(
            {"name": "Centre-ville", "sequence": 1, "geometry": json.dumps(CENTRE)}
        )
        cls.port = District.create(
            {"name": "Le Port", "sequence": 2, "geometry": json.dumps(PORT)}
        )
        cls.hauts = District.create(
            {"name": "Les Hauts", "sequence": 3, "geometry": json.dumps(HAUTS)}
        )

    def test_district_from_coordinates(self):
        """A request takes the district whose outline holds its position,
        whatever district was typed; its district text follows, for the
        exports, Open311 and reports that read it."""
        inside = self._create_request(latitude=49.755, longitude=0.385, district="Gare")
        self.assertEqual(inside.district_id, self.centre)
        self.assertEqual(inside.district, "Centre-ville")
        hamlet = self._create_request(latitude=49.775, longitude=0.365)
        self.assertEqual(
            hamlet.district_id, self.hauts, "second part of a MultiPolygon"
        )
        self.assertEqual(hamlet.district, "Les Hauts")

    def test_outside_or_without_coordinates_keeps_typed_district(self):
        outside = self._create_request(latitude=49.70, longitude=0.30, district="Gare")
        self.assertFalse(outside.district_id)
        self.assertEqual(outside.district, "Gare")
        typed = self._create_request(district="Les Tilleuls")
        self.assertFalse(typed.district_id)
        self.assertEqual(typed.district, "Les Tilleuls")
        between = self._create_request(latitude=49.765, longitude=0.365)
        self.assertFalse(between.district_id, "between the two parts of Les Hauts")

    def test_border(self):
        """A point on a border belongs to a district: on the border two
        districts share, to the first in their order."""
        shared = self._create_request(latitude=49.755, longitude=0.39)
        self.assertEqual(shared.district_id, self.centre)
        (self.centre | self.port).write({"sequence": 5})
        self.port.sequence = 4
        shared_again = self._create_request(latitude=49.755, longitude=0.39)
        self.assertEqual(shared_again.district_id, self.port)
        edge = self._create_request(latitude=49.755, longitude=0.40)
        self.assertEqual(edge.district_id, self.port, "outer edge")

    def test_moved_request_changes_district(self):
        request = self._create_request(latitude=49.755, longitude=0.385)
        request.write({"longitude": 0.395})
        self.assertEqual(request.district_id, self.port)
        self.assertEqual(request.district, "Le Port")

    def test_archived_district_no_longer_holds_requests(self):
        self.port.active = False
        request = self._create_request(latitude=49.755, longitude=0.395)
        self.assertFalse(request.district_id)

    def test_locating_costs_no_query(self):
        """The outlines are kept per worker, prepared: locating a request
        neither reads nor parses them again."""
        District = self.env["citizen.district"]
        District._find_for_point(49.755, 0.385)
        with self.assertQueryCount(0):
            self.assertEqual(District._find_for_point(49.755, 0.395), self.port)
            self.assertEqual(District._find_for_point(49.775, 0.365), self.hauts)

    def test_invalid_outline_refused(self):
        District = self.env["citizen.district"]
        with self.assertRaisesRegex(
            ValidationError, "crosses itself|Self-intersection"
        ):
            District.create({"name": "Noeud", "geometry": json.dumps(BOW_TIE)})
        with self.assertRaisesRegex(ValidationError, "Polygon or a MultiPolygon"):
            District.create(
                {
                    "name": "Point",
                    "geometry": json.dumps(
                        {"type": "Point", "coordinates": [0.3, 49.7]}
                    ),
                }
            )
        with self.assertRaisesRegex(ValidationError, "not JSON"):
            self.centre.geometry = "POLYGON((0 0, 1 0, 1 1, 0 0))"
        with self.assertRaisesRegex(ValidationError, "WGS 84"):
            District.create(
                {
                    "name": "Lambert 93",
                    "geometry": json.dumps(
                        {
                            "type": "Polygon",
                            "coordinates": [square(500000, 6900000, 501000, 6901000)],
                        }
                    ),
                }
            )

    def test_anonymisation_keeps_district(self):
        request = self._create_request(
            latitude=49.7551234, longitude=0.3851234, partner_id=self.partner_citizen.id
        )
        request._anonymize("test")
        self.assertTrue(request.is_anonymized)
        self.assertEqual(request.district_id, self.centre)
        self.assertEqual(request.district, "Centre-ville")

    # import

    def _import(self, content, **values):
        if not isinstance(content, bytes):
            content = json.dumps(content).encode()
        wizard = (
            self.env["citizen.district.import"]
            .with_user(self.user_manager)
            .create(
                {
                    "file": base64.b64encode(content),
                    "filename": "quartiers.geojson",
                    **values,
                }
            )
        )
        return wizard, wizard.action_import

    def test_import_creates_updates_and_locates(self):
        request = self._create_request(latitude=49.765, longitude=0.375)
        self.assertFalse(request.district_id)
        new_port = {
            "type": "Polygon",
            "coordinates": [square(0.39, 49.75, 0.41, 49.77)],
        }
        gare = {"type": "Polygon", "coordinates": [square(0.37, 49.76, 0.38, 49.77)]}
        wizard, action_import = self._import(
            feature_collection(
                ({"nom": "Le Port", "code_iris": "P1"}, new_port),
                ({"nom": "Quartier de la Gare", "code_iris": "G1"}, gare),
            ),
            name_property="nom",
        )
        self.assertEqual(wizard.available_properties, "nom, code_iris")
        action_import()
        self.assertEqual(json.loads(self.port.geometry), new_port, "updated by name")
        imported = self.env["citizen.district"].search(
            [("name", "=", "Quartier de la Gare")]
        )
        self.assertEqual(len(imported), 1)
        self.assertEqual(request.district_id, imported, "requests located again")
        self.assertEqual(request.district, "Quartier de la Gare")

    def test_import_bad_file_refused(self):
        """A file that is not what the town thinks is refused with the reason,
        and nothing is written."""
        count = self.env["citizen.district"].search_count([])
        cases = [
            (b"<kml>not json</kml>", {}, "not GeoJSON"),
            (
                {"type": "Polygon", "coordinates": []},
                {},
                "not a GeoJSON FeatureCollection",
            ),
            (feature_collection(({"name": "Nord"}, CENTRE)), {}, "no property nom"),
            (
                feature_collection(
                    ({"nom": "Bon"}, CENTRE), ({"nom": "Noeud"}, BOW_TIE)
                ),
                {},
                "The outline of Noeud \\(feature 2\\) cannot be used",
            ),
            (feature_collection(), {}, "holds no district"),
        ]
        for content, values, message in cases:
            with self.subTest(message=message):
                _wizard, action_import = self._import(
                    content, name_property="nom", **values
                )
                with self.assertRaisesRegex(UserError, message):
                    action_import()
        self.assertEqual(self.env["citizen.district"].search_count([]), count)
