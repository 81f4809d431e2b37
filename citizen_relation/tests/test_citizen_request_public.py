from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.citizen_relation.models.citizen_request_public import (
    PublicValuesError,
)

from .common import CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestPublicValues(CitizenRequestCommon):
    """The intake service every public channel calls
    (``_prepare_public_values``) and the coordinates' constraint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category_public = cls.env["citizen.request.category"].create(
            {"name": "Éclairage public", "code": "T-ECL", "is_public": True}
        )

    def _refusal(self, data, channel="web", required=()):
        with self.assertRaises(PublicValuesError) as caught:
            self.Request._prepare_public_values(data, channel, required=required)
        return caught.exception.reasons

    def test_values_accepted(self):
        vals = self.Request._prepare_public_values(
            {
                "description": "Lampadaire éteint\ndepuis lundi",
                "category_id": str(self.category_public.id),
                "contact_email": " Marie.Dupont@Example.org ",
                "zip": "75001-and-much-more-than-a-zip",
                "latitude": "48,8566",
                "longitude": 2.3522,
                "stage_id": 99,
                "partner_id": self.partner_citizen.id,
            },
            "web",
        )
        self.assertEqual(
            vals,
            {
                "channel": "web",
                "title": "Lampadaire éteint",
                "description": "<p>Lampadaire éteint<br/>depuis lundi</p>",
                "category_id": self.category_public.id,
                "contact_email": "marie.dupont@example.org",
                "zip": "75001-and-much-m",
                "latitude": 48.8566,
                "longitude": 2.3522,
            },
            "outside the whitelist nothing is taken; a zip is shortened",
        )

    def test_reasons_per_field(self):
        reasons = self._refusal(
            {
                "title": "T" * 201,
                "description": "D" * 4001,
                "contact_email": "marie@",
                "latitude": "91",
                "longitude": "2",
                "category_id": str(self.category.id),
            }
        )
        self.assertEqual(
            set(reasons),
            {"title", "description", "contact_email", "latitude", "category_id"},
        )
        self.assertIn("200", reasons["title"])
        self.assertIn("outside the map", reasons["latitude"])

    def test_required_fields_of_the_channel(self):
        reasons = self._refusal(
            {"title": "Hole"}, required=("description", "contact_name")
        )
        self.assertEqual(set(reasons), {"description", "contact_name"})

    def test_software_fields_only_for_software(self):
        data = {"title": "Hole", "source_ref": "<forged@example.org>"}
        self.assertNotIn("source_ref", self.Request._prepare_public_values(data, "web"))
        self.assertEqual(
            self.Request._prepare_public_values(data, "api")["source_ref"],
            "<forged@example.org>",
        )

    def test_coordinates_constraint(self):
        request = self.Request.create({"title": "Here", "latitude": 48.85})
        for latitude, longitude in ((91, 2), (-90.5, 2), (48, 181), (48, -180.1)):
            with (
                self.subTest(latitude=latitude, longitude=longitude),
                self.assertRaises(ValidationError),
            ):
                request.write({"latitude": latitude, "longitude": longitude})
        request.write({"latitude": -90, "longitude": 180})
        self.assertEqual((request.latitude, request.longitude), (-90, 180))
