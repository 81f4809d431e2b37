from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException


@tagged("post_install", "-at_install")
class TestCitizenRatingsAccess(HttpCase):
    """Ratings of citizen requests name the citizen and carry their comment:
    they are read by the staff who handle requests, not by every employee of
    the town."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee = new_test_user(
            cls.env, login="employe_paie", groups="base.group_user"
        )
        cls.agent = new_test_user(
            cls.env,
            login="agent_notes",
            groups="citizen_relation.group_citizen_agent",
        )
        citizen = cls.env["res.partner"].create(
            {"name": "Gisèle Arnaud", "email": "gisele.arnaud@example.net"}
        )
        category = cls.env["citizen.request.category"].create(
            {"name": "Notes", "code": "T-NOTES", "delay_days": 5}
        )
        cls.request = cls.env["citizen.request"].create(
            {
                "title": "Trottoir",
                "channel": "web",
                "category_id": category.id,
                "partner_id": citizen.id,
            }
        )
        cls.rating = cls.env["rating.rating"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("citizen.request"),
                "res_id": cls.request.id,
                "partner_id": citizen.id,
                "rating": 1,
                "feedback": "Trop lent, et je suis malade depuis.",
                "consumed": True,
            }
        )
        # a rating of another application stays readable as before
        cls.other_rating = cls.env["rating.rating"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("res.partner"),
                "res_id": citizen.id,
                "rating": 5,
                "consumed": True,
            }
        )

    def _call(self, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/rating.rating/{method}",
            {
                "model": "rating.rating",
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            },
        )

    def _read_ratings(self):
        spec = {
            "res_model": {},
            "feedback": {},
            "access_token": {},
            "partner_id": {"fields": {"display_name": {}}},
        }
        return self._call(
            "web_search_read",
            [("id", "in", (self.rating | self.other_rating).ids)],
            spec,
        )["records"]

    def test_plain_employee_reads_no_citizen_rating(self):
        """Regression: every internal user read, over RPC, the ratings of
        citizen requests (the citizen's name, their comment, the token that
        changes the rating) and could rewrite them, skewing the channel
        report."""
        self.authenticate("employe_paie", "employe_paie")
        records = self._read_ratings()
        self.assertEqual([r["id"] for r in records], self.other_rating.ids)
        self.assertNotIn("Trop lent", str(records))
        for method, args in (
            ("web_read", [self.rating.ids, {"feedback": {}}]),
            ("write", [self.rating.ids, {"rating": 5}]),
            (
                "create",
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id("citizen.request"),
                        "res_id": self.request.id,
                        "rating": 5,
                        "consumed": True,
                    }
                ],
            ),
        ):
            with self.subTest(method=method):
                with self.assertRaises(JsonRpcException) as refused:
                    self._call(method, *args)
                self.assertEqual(str(refused.exception), "odoo.exceptions.AccessError")
        self.assertEqual(self.rating.rating, 1)

    def test_agent_reads_citizen_ratings(self):
        self.authenticate("agent_notes", "agent_notes")
        records = {record["id"]: record for record in self._read_ratings()}
        self.assertEqual(set(records), set((self.rating | self.other_rating).ids))
        self.assertEqual(
            records[self.rating.id]["feedback"], "Trop lent, et je suis malade depuis."
        )
        # the citizen's rating is theirs: an agent does not change it
        with self.assertRaises(JsonRpcException) as refused:
            self._call("write", self.rating.ids, {"rating": 5})
        self.assertEqual(str(refused.exception), "odoo.exceptions.AccessError")
        self.assertEqual(self.rating.rating, 1)
