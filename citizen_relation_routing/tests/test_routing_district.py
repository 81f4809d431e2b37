import json

from odoo.tests import tagged

from .common import CitizenRoutingCommon


def square(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


@tagged("post_install", "-at_install")
class TestRoutingByDistrict(CitizenRoutingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        District = cls.env["citizen.district"]
        cls.port = District.create(
            {
                "name": "Le Port",
                "geometry": json.dumps(square(0.39, 49.75, 0.40, 49.76)),
            }
        )
        cls.hauts = District.create(
            {
                "name": "Les Hauts",
                "geometry": json.dumps(square(0.36, 49.75, 0.37, 49.76)),
            }
        )
        cls.rule_port = cls.env["citizen.routing.rule"].create(
            {
                "name": "Le Port à l'état civil (annexe du port)",
                "sequence": 1,
                "district_ids": [(6, 0, cls.port.ids)],
                "team_id": cls.team_civil.id,
            }
        )

    def test_rule_uses_district_found_on_the_map(self):
        """The district is found from the position, not from what the
        citizen typed: the rule of Le Port picks its team."""
        in_port = self._new_request(
            latitude=49.755, longitude=0.395, district="Les Hauts"
        )
        self.assertEqual(in_port.district_id, self.port)
        self.assertEqual(in_port.routing_rule_id, self.rule_port)
        self.assertEqual(in_port.team_id, self.team_civil)
        on_the_heights = self._new_request(
            latitude=49.755, longitude=0.365, district="Le Port"
        )
        self.assertEqual(on_the_heights.routing_rule_id, self.rule_roads)
        self.assertEqual(on_the_heights.team_id, self.team_roads)
        # without position, a district chosen by hand counts
        chosen = self._new_request(district_id=self.port.id)
        self.assertEqual(chosen.routing_rule_id, self.rule_port)

    def test_typed_districts_still_match(self):
        """Rules written with district names keep working, on the name of the
        district found on the map as on a typed one."""
        self.rule_port.write({"district_ids": [(5,)], "district": "le port, Gare"})
        located = self._new_request(latitude=49.755, longitude=0.395)
        self.assertEqual(located.routing_rule_id, self.rule_port)
        typed = self._new_request(district="Gare")
        self.assertEqual(typed.routing_rule_id, self.rule_port)
