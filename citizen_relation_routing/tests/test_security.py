from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import NOW, CitizenRoutingCommon


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestDepartmentIsolation(CitizenRoutingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_roads.maintenance_team_id = False
        cls.team_roads.assignment_method = "manual"
        cls.team_civil.assignment_method = "manual"

    def test_agents_only_read_their_departments_requests(self):
        roads = self._new_request()
        civil = self._new_request(
            category_id=self.category_other.id, title="Acte de naissance"
        )
        self.assertFalse(roads.user_id, "Unassigned request of the roads team")
        self.assertEqual(civil.team_id, self.team_civil)

        # Unassigned requests of one's own team are visible...
        self.assertEqual(roads.with_user(self.user_roads_1).title, roads.title)
        # ...those of another department are not, assigned or not.
        for agent, foreign in (
            (self.user_civil, roads),
            (self.user_roads_1, civil),
        ):
            with self.subTest(agent=agent.login), self.assertRaises(AccessError):
                foreign.with_user(agent).read(["title", "description"])
        found = self.Request.with_user(self.user_civil).search(
            [("id", "in", (roads | civil).ids)]
        )
        self.assertEqual(found, civil)
        civil.user_id = self.user_civil_2
        found = self.Request.with_user(self.user_roads_2).search(
            [("id", "in", (roads | civil).ids)]
        )
        self.assertEqual(found, roads)

    def test_assignee_and_follower_keep_access(self):
        roads = self._new_request()
        roads.user_id = self.user_civil
        self.assertEqual(roads.with_user(self.user_civil).title, roads.title)
        roads.user_id = False
        roads.message_subscribe(partner_ids=self.user_civil_2.partner_id.ids)
        self.assertEqual(roads.with_user(self.user_civil_2).title, roads.title)

    def test_leader_and_manager(self):
        roads = self._new_request()
        civil = self._new_request(
            category_id=self.category_other.id, title="Acte de naissance"
        )
        leader = self.user_leader
        self.assertEqual(roads.with_user(leader).title, roads.title)
        with self.assertRaises(AccessError):
            civil.with_user(leader).read(["title"])
        found = self.Request.with_user(self.user_manager).search(
            [("id", "in", (roads | civil).ids)]
        )
        self.assertEqual(found, roads | civil)

        # Leaders manage the teams they lead, not the others.
        self.team_roads.with_user(leader).assignment_method = "balanced"
        with self.assertRaises(AccessError):
            self.team_civil.with_user(leader).assignment_method = "balanced"
        with self.assertRaises(AccessError):
            self.team_roads.with_user(self.user_roads_1).assignment_method = "manual"
        rule = (
            self.env["citizen.routing.rule"]
            .with_user(leader)
            .create(
                {
                    "name": "Trottoirs",
                    "keywords": "trottoir",
                    "team_id": self.team_roads.id,
                }
            )
        )
        self.assertEqual(rule.team_id, self.team_roads)
        with self.assertRaises(AccessError):
            self.env["citizen.routing.rule"].with_user(leader).create(
                {"name": "Actes", "keywords": "acte", "team_id": self.team_civil.id}
            )

    def test_front_desk_queue_and_own_entries(self):
        """Requests no rule routed wait in the front-desk queue, which every
        agent may pick from; an agent always sees what they entered."""
        unrouted = self._new_request(
            category_id=self.category_other.id, title="Question diverse"
        )
        self.assertEqual(unrouted.team_id, self.team_front)
        self.assertEqual(unrouted.with_user(self.user_civil).title, unrouted.title)
        entered = self._new_request(user=self.user_civil, channel="counter")
        self.assertEqual(entered.team_id, self.team_roads)
        self.assertEqual(entered.with_user(self.user_civil).title, entered.title)
        self.assertFalse(
            self.Request.with_user(self.user_civil_2).search([("id", "=", entered.id)])
        )
