from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestApiClient(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="api_manager_test",
            groups="citizen_relation.group_citizen_manager",
        )
        cls.agent = new_test_user(
            cls.env,
            login="api_agent_test",
            groups="citizen_relation.group_citizen_agent",
        )

    def test_manager_generates_and_rotates_keys(self):
        Client = self.env["citizen.api.client"].with_user(self.manager)
        client = Client.create({"name": "Civic app"})
        action = client.action_generate_key()
        key = action["params"]["message"].rsplit(" ", 1)[-1]
        self.assertEqual(Client._authenticate(key, "open311"), client)
        self.assertEqual(client.key_prefix, key[:6])
        client.action_generate_key()
        self.assertFalse(Client._authenticate(key, "open311"), "the old key is revoked")

    def test_agent_cannot_manage_clients(self):
        with self.assertRaises(AccessError):
            self.env["citizen.api.client"].with_user(self.agent).create({"name": "X"})
        client = self.env["citizen.api.client"].create({"name": "Civic app"})
        with self.assertRaises(AccessError):
            client.with_user(self.agent).key_hash  # noqa: B018
        with self.assertRaises(AccessError):
            client.with_user(self.agent).action_generate_key()
        self.assertFalse(client.key_prefix)
