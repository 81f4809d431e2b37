"""A small town shared by the cross-module reliability and security tests.

Two services (roads, civil registry) with one agent each, a team leader of the
roads, a manager, the head of the technical services, a technician without
citizen rights, two citizens with a portal account and an organisation whose
two members have one. Nothing is taken from demo data.

Its staff are made as the routing fixtures make theirs (``town_user``), but
the town stands beside the layered fixtures of the addons (core, routing,
portal) rather than on them: each role of the access matrix must be the only
user of its kind, and its citizen writes from the address the core's citizen
has (the mail gateway would find two senders).
"""

import base64

from odoo.fields import Command

from odoo.addons.base.tests.common import new_test_user
from odoo.addons.citizen_relation_routing.tests.common import (
    AGENT,
    LEADER,
    MANAGER,
    town_user,
)

# Every role of the access matrix, in a stable order.
ROLES = (
    "public",
    "citizen",
    "member",
    "agent_a",
    "agent_b",
    "leader",
    "manager",
    "tech_manager",
    "technician",
)


def build_town(cls):
    """Create the town on ``cls.env`` and store its records on ``cls``."""
    env = cls.env
    cls.company = env.company
    # Rules and triage teams of the installed data would compete with ours.
    env["citizen.routing.rule"].search([]).active = False
    env["citizen.team"].search([]).is_triage = False
    Category = env["citizen.request.category"]
    # offered to citizens; only the roads publish their requests (Open311)
    cls.category_a = Category.create(
        {
            "name": "Voirie R",
            "code": "REL-VOI",
            "delay_days": 5,
            "is_public": True,
            "publish_requests": True,
        }
    )
    cls.category_b = Category.create(
        {"name": "Etat civil R", "code": "REL-EC", "delay_days": 8, "is_public": True}
    )
    cls.category_hidden = Category.create(
        {"name": "Interne R", "code": "REL-INT", "is_public": False}
    )

    def user(login, name, groups):
        return town_user(env, login, name, groups, cls.company)

    cls.users = {
        "public": env.ref("base.public_user"),
        "agent_a": user("rel_agent_a", "Rémi Voirie", AGENT),
        "agent_b": user("rel_agent_b", "Cécile Etat-Civil", AGENT),
        "leader": user("rel_leader", "Luc Chef-Voirie", LEADER),
        "manager": user("rel_manager", "Maud Directrice", MANAGER),
        "tech_manager": user(
            "rel_tech_manager",
            "Henri Directeur-ST",
            f"{MANAGER},maintenance.group_equipment_manager",
        ),
        "technician": user("rel_technician", "Théo Technicien", "base.group_user"),
    }
    cls.organisation = env["res.partner"].create(
        {
            "name": "École Jules Ferry R",
            "is_company": True,
            "email": "ecole.jf@example.org",
        }
    )
    for login, name, email in (
        ("citizen", "Denise Martin", "denise.martin@example.net"),
        ("member", "Claire Petit", "claire.petit@example.net"),
        ("member_2", "David Leroy", "david.leroy@example.net"),
        ("outsider", "Mallory Intrus", "mallory@example.com"),
    ):
        portal_user = new_test_user(
            env,
            login=f"rel_{login}",
            name=name,
            email=email,
            groups="base.group_portal",
            company_id=cls.company.id,
        )
        cls.users[login] = portal_user
    (
        cls.users["member"] | cls.users["member_2"]
    ).partner_id.parent_id = cls.organisation

    Team = env["citizen.team"]
    cls.team_a = Team.create(
        {
            "name": "Voirie R",
            "leader_id": cls.users["leader"].id,
            "member_ids": [Command.set(cls.users["agent_a"].ids)],
            "assignment_method": "manual",
        }
    )
    cls.team_b = Team.create(
        {
            "name": "Etat civil R",
            "member_ids": [Command.set(cls.users["agent_b"].ids)],
            "assignment_method": "manual",
        }
    )
    Rule = env["citizen.routing.rule"]
    cls.rule_a = Rule.create(
        {
            "name": "Voirie R",
            "sequence": 1,
            "category_ids": [Command.link(cls.category_a.id)],
            "team_id": cls.team_a.id,
        }
    )
    cls.rule_b = Rule.create(
        {
            "name": "Etat civil R",
            "sequence": 2,
            "category_ids": [Command.link(cls.category_b.id)],
            "team_id": cls.team_b.id,
        }
    )
    Request = env["citizen.request"]
    cls.request_a = Request.create(
        {
            "title": "Nid de poule rue Hugo",
            "description": "<p>Secret A: devant chez moi</p>",
            "category_id": cls.category_a.id,
            "partner_id": cls.users["citizen"].partner_id.id,
            "channel": "web",
            "street": "12 rue Victor Hugo",
        }
    )
    cls.request_b = Request.create(
        {
            "title": "Acte de naissance école",
            "description": "<p>Secret B: dossier élève</p>",
            "category_id": cls.category_b.id,
            "partner_id": cls.users["member_2"].partner_id.id,
            "channel": "email",
            "street": "3 impasse des Écoles",
        }
    )
    cls.attachment_a = env["ir.attachment"].create(
        {
            "name": "photo_a.txt",
            "raw": b"photo A",
            "res_model": "citizen.request",
            "res_id": cls.request_a.id,
        }
    )
    cls.attachment_b = env["ir.attachment"].create(
        {
            "name": "photo_b.txt",
            "raw": b"photo B",
            "res_model": "citizen.request",
            "res_id": cls.request_b.id,
        }
    )


def b64(data):
    return base64.b64encode(data).decode()
