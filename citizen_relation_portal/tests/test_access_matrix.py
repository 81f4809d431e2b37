"""Who may read, write, create and delete what, over the three addons.

Each table lists, for every role, the operations allowed ("r", "w", "c",
"u" for read, write, create, unlink); anything not listed must be refused.
"""

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .reliability_common import ROLES, build_town

OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}

INTERNAL = ("agent_a", "agent_b", "leader", "manager", "tech_manager")
STAFF = INTERNAL + ("technician",)


def table(default="", **allowed):
    """{role: allowed operations}; roles not given get ``default``."""
    return {role: allowed.get(role, default) for role in ROLES}


def for_roles(roles, rights):
    return dict.fromkeys(roles, rights)


# Model-level rights (access control lists) of every model of the addons.
MODEL_RIGHTS = {
    "citizen.request": table(
        citizen="r",
        member="r",
        **for_roles(("agent_a", "agent_b", "leader"), "rwc"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.request.category": table(
        "r", **for_roles(("manager", "tech_manager"), "rwcu")
    ),
    "citizen.request.stage": table(
        "r", **for_roles(("manager", "tech_manager"), "rwcu")
    ),
    "citizen.request.channel.report": table(**for_roles(INTERNAL, "r")),
    "citizen.request.quick.entry": table(**for_roles(INTERNAL, "rwc")),
    "citizen.request.missing.pieces": table(**for_roles(INTERNAL, "rwc")),
    "citizen.team": table(
        **for_roles(("agent_a", "agent_b"), "r"),
        leader="rw",
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.routing.rule": table(
        **for_roles(("agent_a", "agent_b"), "r"),
        **for_roles(("leader", "manager", "tech_manager"), "rwcu"),
    ),
    "citizen.request.tag": table(
        **for_roles(("agent_a", "agent_b"), "r"),
        leader="rwc",
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.request.transfer": table(
        **for_roles(("agent_a", "agent_b", "leader"), "r"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.request.escalation": table(
        **for_roles(("agent_a", "agent_b", "leader"), "r"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.request.transfer.wizard": table(**for_roles(INTERNAL, "rwc")),
    "maintenance.request.reply.wizard": table(**for_roles(STAFF, "rwc")),
    "citizen.audit.log": table(**for_roles(("manager", "tech_manager"), "r")),
    "citizen.erasure.request": table(**for_roles(("manager", "tech_manager"), "rwc")),
    "citizen.personal.data.export": table(
        **for_roles(("manager", "tech_manager"), "rwc")
    ),
    # the town's map: every employee reads it, managers load it
    "citizen.district": table(
        **{
            **for_roles(STAFF, "r"),
            **for_roles(("manager", "tech_manager"), "rwcu"),
        }
    ),
    "citizen.district.import": table(**for_roles(("manager", "tech_manager"), "rwc")),
    # contractors and other authorities: agents see them and what was sent
    # to them, managers configure them
    "citizen.external.handler": table(
        **for_roles(("agent_a", "agent_b", "leader"), "r"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.external.handler.service": table(
        **for_roles(("agent_a", "agent_b", "leader"), "r"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.request.forward": table(
        **for_roles(("agent_a", "agent_b", "leader"), "r"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.request.forward.update": table(
        **for_roles(("agent_a", "agent_b", "leader"), "r"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.api.client": table(
        **for_roles(("agent_a", "agent_b", "leader"), "r"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    # the anti-flood counters are only written by the public routes (sudo)
    "citizen.submission.throttle": table(),
    "citizen.request.pending.submission": table(),
    "citizen.request.category.attribute": table(
        **for_roles(("agent_a", "agent_b", "leader", "technician"), "r"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
    "citizen.request.category.attribute.value": table(
        **for_roles(("agent_a", "agent_b", "leader", "technician"), "r"),
        **for_roles(("manager", "tech_manager"), "rwcu"),
    ),
}

# Record-level rights (rules) on the requests: A is routed to the roads team
# and asked by the citizen, B to the civil registry by a member of the school.
REQUEST_A_RIGHTS = table(
    citizen="r",
    agent_a="rw",
    leader="rw",
    manager="rwu",
    tech_manager="rwu",
)
REQUEST_B_RIGHTS = table(
    member="r",
    agent_b="rw",
    manager="rwu",
    tech_manager="rwu",
)


@tagged("post_install", "-at_install")
class TestAccessMatrix(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_town(cls)

    def _allowed(self, records, role, letters="rwcu"):
        records = records.with_user(self.users[role])
        return "".join(
            letter
            for letter, operation in OPERATIONS.items()
            if letter in letters and records.has_access(operation)
        )

    def _assert_rights(self, records, expected, letters="rwcu"):
        """Compare every role at once, so that a failure shows the whole row."""
        wrong = {}
        for role in ROLES:
            wanted = "".join(letter for letter in letters if letter in expected[role])
            allowed = self._allowed(records, role, letters)
            if allowed != wanted:
                wrong[role] = f"allowed {allowed or '-'}, expected {wanted or '-'}"
        self.assertEqual(wrong, {}, f"{records._name} {records.ids}")

    def test_town_is_routed(self):
        """The matrix below relies on the routing of the two requests."""
        self.assertEqual(self.request_a.team_id, self.team_a)
        self.assertEqual(self.request_b.team_id, self.team_b)
        self.assertFalse(self.request_a.user_id)
        self.assertFalse(self.request_b.user_id)

    def test_model_rights(self):
        for model, expected in MODEL_RIGHTS.items():
            with self.subTest(model=model):
                self._assert_rights(self.env[model], expected)

    def test_every_model_is_in_the_matrix(self):
        """A new model of the addons must be added to the matrix."""
        modules = (
            "citizen_relation",
            "citizen_relation_routing",
            "citizen_relation_portal",
        )
        names = {
            name
            for name, model in self.env.registry.items()
            if model._original_module in modules and not model._abstract
        }
        self.assertEqual(names - set(MODEL_RIGHTS), set())

    def test_request_rules(self):
        self._assert_rights(self.request_a, REQUEST_A_RIGHTS, "rwu")
        self._assert_rights(self.request_b, REQUEST_B_RIGHTS, "rwu")

    def test_request_search_sees_only_allowed(self):
        both = self.request_a | self.request_b
        for role in ROLES:
            if role == "public":
                continue
            with self.subTest(role=role):
                expected = set()
                if "r" in REQUEST_A_RIGHTS[role]:
                    expected.add(self.request_a.id)
                if "r" in REQUEST_B_RIGHTS[role]:
                    expected.add(self.request_b.id)
                Request = self.env["citizen.request"].with_user(self.users[role])
                if not Request.has_access("read"):
                    continue
                found = Request.search([("id", "in", both.ids)])
                self.assertEqual(set(found.ids), expected)

    def test_request_attachments(self):
        """Attachments follow their request: read with it, changed with it."""
        wrong = {}
        for attachment, rights in (
            (self.attachment_a, REQUEST_A_RIGHTS),
            (self.attachment_b, REQUEST_B_RIGHTS),
        ):
            for role in ROLES:
                allowed = self._attachment_allowed(attachment, role)
                # staff handle the files of the requests they may change;
                # outside the town hall files are only served by the signed
                # pages, never through the ORM
                wanted = "rwu" if "w" in rights[role] else ""
                if allowed != wanted:
                    wrong[(attachment.name, role)] = (allowed, wanted)
        self.assertEqual(wrong, {}, "(allowed, expected)")

    def _attachment_allowed(self, attachment, role):
        """Attachments check their rights in ``check``, which read, write and
        unlink call (``has_access`` only sees the access lists)."""
        allowed = ""
        for letter, mode in (("r", "read"), ("w", "write"), ("u", "unlink")):
            try:
                attachment.with_user(self.users[role]).check(mode)
            except AccessError:
                continue
            allowed += letter
        return allowed

    def test_attachment_cannot_be_moved_onto_a_foreign_request(self):
        """An agent cannot attach a file to a request of another service."""
        Attachment = self.env["ir.attachment"].with_user(self.users["agent_a"])
        with self.assertRaises(AccessError):
            Attachment.create(
                {
                    "name": "x.txt",
                    "raw": b"x",
                    "res_model": "citizen.request",
                    "res_id": self.request_b.id,
                }
            )
        own = Attachment.create({"name": "mine.txt", "raw": b"x"})
        with self.assertRaises(AccessError):
            own.write({"res_model": "citizen.request", "res_id": self.request_b.id})

    def test_category_visibility(self):
        """Hidden categories are for the town hall only."""
        for role in ROLES:
            with self.subTest(role=role):
                hidden = self.category_hidden.with_user(self.users[role])
                public = self.category_a.with_user(self.users[role])
                self.assertTrue(public.has_access("read"))
                self.assertEqual(
                    hidden.has_access("read"),
                    role not in ("public", "citizen", "member"),
                )

    def test_team_and_rule_records(self):
        """Leaders change their own team and its rules, not the others'."""
        rights = {
            (self.team_a, "leader"): "rw",
            (self.team_b, "leader"): "r",
            (self.rule_a, "leader"): "rwu",
            (self.rule_b, "leader"): "r",
        }
        for (record, role), wanted in rights.items():
            with self.subTest(record=record.display_name, role=role):
                self.assertEqual(self._allowed(record, role, "rwu"), wanted)
        for record in (self.team_a, self.team_b, self.rule_a, self.rule_b):
            for role in ("agent_a", "agent_b", "technician", "citizen", "public"):
                with self.subTest(record=record.display_name, role=role):
                    self.assertNotIn("w", self._allowed(record, role))

    def test_agent_cannot_reassign_foreign_request(self):
        """Writing a request of another service is refused, also through
        the fields the routing adds."""
        Request = self.env["citizen.request"].with_user(self.users["agent_a"])
        target = Request.browse(self.request_b.id)
        for vals in (
            {"team_id": self.team_a.id},
            {"user_id": self.users["agent_a"].id},
            {"stage_id": self.env.ref("citizen_relation.stage_closed").id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                target.write(vals)
        self.assertEqual(self.request_b.team_id, self.team_b)
        self.assertFalse(self.request_b.is_closed)

    def test_portal_cannot_write_own_request(self):
        """The requester reads their request but cannot change its fields
        (assignee, stage, requester) through the ORM."""
        mine = self.request_a.with_user(self.users["citizen"])
        self.assertEqual(mine.title, "Nid de poule rue Hugo")
        for vals in (
            {"user_id": self.users["agent_a"].id},
            {"stage_id": self.env.ref("citizen_relation.stage_closed").id},
            {"partner_id": self.users["outsider"].partner_id.id},
            {"title": "Changed"},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                mine.write(vals)
