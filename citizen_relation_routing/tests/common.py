from odoo.fields import Command

from odoo.addons.base.tests.common import new_test_user
from odoo.addons.citizen_relation.tests.common import (
    NOW,
    CitizenRequestCommon,
    run_acknowledgement_job,
)

__all__ = ["AGENT", "LEADER", "MANAGER", "NOW", "CitizenRoutingCommon", "town_user"]

AGENT = "citizen_relation.group_citizen_agent"
LEADER = "citizen_relation_routing.group_citizen_team_leader"
MANAGER = "citizen_relation.group_citizen_manager"
TECHNICIAN = "citizen_relation_routing.group_citizen_technician"


def town_user(env, login, name, groups, company):
    """A user of the town hall, notified by email at login@valmont.example.org."""
    return new_test_user(
        env,
        login=login,
        name=name,
        email=f"{login}@valmont.example.org",
        groups=groups,
        company_id=company.id,
        notification_type="email",
    )


class CitizenRoutingCommon(CitizenRequestCommon):
    """The core's town hall (calendar, categories, agents, a citizen, mail
    aliases), organised in two departments (technical services, civil
    registry): a front desk, a roads team bound to a maintenance team,
    routing rules, their agents, a team leader, a manager, a technician of
    the maintenance team, an employee with no role in the application, a
    citizen and a partner school. Nothing is taken from demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Rules and triage teams of the installed data would compete with
        # those of the tests.
        cls.env["citizen.routing.rule"].search([]).active = False
        cls.env["citizen.team"].search([]).is_triage = False
        Category = cls.env["citizen.request.category"]
        cls.category_roads = Category.create(
            {"name": "Voirie", "code": "R-VOIRIE", "delay_days": 10}
        )
        cls.category_pothole = Category.create(
            {
                "name": "Nid de poule",
                "code": "R-NID",
                "parent_id": cls.category_roads.id,
                "delay_days": 5,
            }
        )
        cls.category_civil = Category.create(
            {"name": "Etat civil", "code": "R-EC", "delay_days": 8}
        )
        cls.category_other = Category.create(
            {"name": "Autre", "code": "R-AUTRE", "delay_days": 15}
        )
        Department = cls.env["hr.department"]
        cls.department_technical = Department.create(
            {"name": "Services techniques", "company_id": cls.company.id}
        )
        cls.department_civil = Department.create(
            {"name": "Etat civil", "company_id": cls.company.id}
        )

        def user(login, name, groups):
            return town_user(cls.env, login, name, groups, cls.company)

        cls.user_front = user("r_front", "Fanny Accueil", AGENT)
        cls.user_roads_1 = user("r_roads1", "Rémi Voirie", AGENT)
        cls.user_roads_2 = user("r_roads2", "Rose Voirie", AGENT)
        cls.user_roads_3 = user("r_roads3", "Raoul Voirie", AGENT)
        cls.user_civil = user("r_civil", "Cécile Etat-Civil", AGENT)
        cls.user_civil_2 = user("r_civil2", "Claude Etat-Civil", AGENT)
        cls.user_leader = user("r_leader", "Luc Chef-Voirie", LEADER)
        cls.user_manager = user("r_manager", "Maud Directrice", MANAGER)
        cls.user_technician = user("r_tech", "Théo Technicien", TECHNICIAN)
        # Every employee may use the Maintenance app: one who is no
        # technician of the town's teams, nor agent.
        cls.user_employee = user("r_employee", "Eric Employé", "base.group_user")

        cls.maintenance_team = cls.env["maintenance.team"].create(
            {
                "name": "Régie voirie",
                "company_id": cls.company.id,
                "member_ids": [Command.link(cls.user_technician.id)],
            }
        )
        Team = cls.env["citizen.team"]
        cls.team_front = Team.create(
            {
                "name": "Accueil",
                "sequence": 0,
                "is_triage": True,
                "member_ids": [Command.link(cls.user_front.id)],
            }
        )
        cls.team_roads = Team.create(
            {
                "name": "Voirie",
                "department_id": cls.department_technical.id,
                "leader_id": cls.user_leader.id,
                "member_ids": [
                    Command.set(
                        (cls.user_roads_1 | cls.user_roads_2 | cls.user_roads_3).ids
                    )
                ],
                "assignment_method": "balanced",
                "maintenance_team_id": cls.maintenance_team.id,
                "alias_name": "voirie-tests",
            }
        )
        cls.team_civil = Team.create(
            {
                "name": "Etat civil",
                "department_id": cls.department_civil.id,
                "member_ids": [Command.set((cls.user_civil | cls.user_civil_2).ids)],
                "assignment_method": "round_robin",
            }
        )
        Rule = cls.env["citizen.routing.rule"]
        cls.rule_roads = Rule.create(
            {
                "name": "Voirie",
                "sequence": 10,
                "category_ids": [Command.link(cls.category_roads.id)],
                "team_id": cls.team_roads.id,
            }
        )
        cls.rule_civil = Rule.create(
            {
                "name": "Actes d'état civil",
                "sequence": 20,
                "keywords": "acte de naissance, acte de mariage",
                "team_id": cls.team_civil.id,
            }
        )

        cls.citizen = cls.env["res.partner"].create(
            {"name": "Marie Dupont", "email": "marie.dupont@example.org"}
        )
        cls.school = cls.env["res.partner"].create(
            {
                "name": "École Jules Ferry",
                "is_company": True,
                "email": "ecole.jules-ferry@example.org",
            }
        )

    def _new_request(self, user=None, **values):
        vals = {
            "title": "Nid de poule rue Victor Hugo",
            "channel": "web",
            "category_id": self.category_pothole.id,
            "partner_id": self.citizen.id,
            "street": "12 rue Victor Hugo",
            "zip": "76540",
            "city": "Valmont",
        }
        vals.update(values)
        Request = self.env["citizen.request"]
        if user:
            Request = Request.with_user(user)
        request = Request.create(vals)
        # As if the request had been saved in an earlier transaction, and
        # acknowledged by the job its creation woke up: later changes are
        # tracked and send their stage emails.
        run_acknowledgement_job(self.env)
        self.flush_tracking()
        return request
