from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.base.tests.common import new_test_user


@tagged("post_install", "-at_install")
class TestWorkloadBoardTour(HttpCase):
    def test_manager_board_mixes_origins(self):
        """In a real browser, the head of technical services sees the
        citizen's pothole, the school's request, a preventive park task and a
        vehicle service on one board, and opens the work order."""
        env = self.env
        env["citizen.routing.rule"].search([]).active = False
        manager = new_test_user(
            env,
            login="r_tour_manager",
            groups="citizen_relation.group_citizen_manager",
        )
        maintenance_team = env["maintenance.team"].create({"name": "Régie du tour"})
        team = env["citizen.team"].create(
            {
                "name": "Voirie du tour",
                "maintenance_team_id": maintenance_team.id,
                "member_ids": [Command.link(manager.id)],
            }
        )
        school = env["res.partner"].create(
            {"name": "Collège du tour", "is_company": True}
        )
        Request = env["citizen.request"]
        Request.create({"title": "Nid de poule du tour", "team_id": team.id})
        Request.create(
            {
                "title": "Haie du collège du tour",
                "team_id": team.id,
                "partner_id": school.id,
            }
        )
        park = env["maintenance.equipment"].create({"name": "Parc du tour"})
        brand = env["fleet.vehicle.model.brand"].create({"name": "Marque du tour"})
        vehicle = env["fleet.vehicle"].create(
            {
                "model_id": env["fleet.vehicle.model"]
                .create({"name": "Fourgon", "brand_id": brand.id})
                .id
            }
        )
        env["maintenance.request"].create(
            [
                {
                    "name": "Tonte du tour",
                    "equipment_id": park.id,
                    "maintenance_type": "preventive",
                    "maintenance_team_id": maintenance_team.id,
                },
                {
                    "name": "Vidange du tour",
                    "vehicle_id": vehicle.id,
                    "maintenance_type": "preventive",
                    "maintenance_team_id": maintenance_team.id,
                },
            ]
        )
        self.start_tour(
            "/odoo/action-citizen_relation_routing.maintenance_request_action_workload",
            "citizen_workload_board_tour",
            login=manager.login,
        )

    def test_agent_transfers_a_request(self):
        env = self.env
        env["citizen.routing.rule"].search([]).active = False
        agent = new_test_user(
            env, login="r_tour_agent", groups="citizen_relation.group_citizen_agent"
        )
        team = env["citizen.team"].create(
            {"name": "Voirie du tour", "member_ids": [Command.link(agent.id)]}
        )
        civil = env["citizen.team"].create({"name": "État civil du tour"})
        request = env["citizen.request"].create(
            {"title": "Acte de naissance du tour", "team_id": team.id}
        )
        self.start_tour(
            f"/odoo/action-citizen_relation.citizen_request_action/{request.id}",
            "citizen_request_transfer_tour",
            login=agent.login,
        )
        self.assertEqual(request.team_id, civil)
        self.assertEqual(request.transfer_ids.reason, "Demande d'acte, pas de voirie")
