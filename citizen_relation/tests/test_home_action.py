import json
import re

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAgentHomeAction(HttpCase):
    """Agents land on their requests when they open the backend; before,
    Odoo opened its first app, Discuss."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.my_requests = cls.env.ref("citizen_relation.citizen_request_action_my")
        cls.agent = new_test_user(
            cls.env, login="home_agent", groups="citizen_relation.group_citizen_agent"
        )
        cls.manager = new_test_user(
            cls.env,
            login="home_manager",
            groups="citizen_relation.group_citizen_manager",
        )
        cls.employee = new_test_user(
            cls.env, login="home_employee", groups="base.group_user"
        )

    def _home_action_of(self, login):
        """The home action the web client gets when ``login`` opens /odoo."""
        self.authenticate(login, login)
        # the first opening builds the web client's assets: give it time
        page = self.url_open("/odoo", timeout=120).text
        found = re.search(r"odoo\.__session_info__ = (\{.*?\});\n", page, re.S)
        self.assertTrue(found, "no session info in the web client page")
        return json.loads(found.group(1))["home_action_id"]

    def test_agents_land_on_their_requests(self):
        self.assertEqual(self._home_action_of("home_agent"), self.my_requests.id)
        self.assertEqual(self._home_action_of("home_manager"), self.my_requests.id)

    def test_other_employees_keep_odoo_default(self):
        self.assertFalse(self._home_action_of("home_employee"))

    def test_a_home_action_set_on_the_user_wins(self):
        other = self.env.ref("citizen_relation.citizen_request_action")
        self.agent.action_id = other.id
        self.assertEqual(self._home_action_of("home_agent"), other.id)
