"""Work orders are no back door to the citizen requests: linking one, reading
the citizen side through it, answering and resolving through it all follow
the acting user's rights on the request."""

import xmlrpc.client

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from odoo.addons.base.controllers.rpc import RPC_FAULT_CODE_ACCESS_ERROR

from .common import NOW, TECHNICIAN, CitizenRoutingCommon

CITIZEN_FIELDS = [
    "citizen_reference",
    "citizen_partner_id",
    "citizen_category_id",
    "citizen_requester_kind",
]


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestWorkOrderAccess(CitizenRoutingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_done = cls.env["maintenance.stage"].search(
            [("done", "=", True)], limit=1
        )

    def _reply(self, user, order, body):
        wizard = (
            self.env["maintenance.request.reply.wizard"]
            .with_user(user)
            .create({"work_order_id": order.id, "body": body})
        )
        return wizard.action_send()

    def test_employee_cannot_link_a_work_order_to_a_request(self):
        """Any employee could create a work order on any citizen request (or
        link their own work order to one), then reply and resolve through
        it. Linking now needs the right to change the request."""
        request = self._new_request()
        Orders = self.env["maintenance.request"]
        for user in (self.user_employee, self.user_technician, self.user_civil):
            with self.subTest(user=user.login):
                # Maintenance lets every employee create the work orders they
                # take on themselves.
                with self.assertRaises(AccessError):
                    Orders.with_user(user).create(
                        {
                            "name": "Voir la demande",
                            "user_id": user.id,
                            "citizen_request_id": request.id,
                        }
                    )
                own = Orders.with_user(user).create(
                    {"name": "Mon bon", "user_id": user.id}
                )
                with self.assertRaises(AccessError):
                    own.write({"citizen_request_id": request.id})
        self.assertEqual(len(request.work_order_ids), 1, "only the routed one")

        # Nor may they take a work order away from its request.
        request.work_order_ids.user_id = self.user_employee
        with self.assertRaises(AccessError):
            request.work_order_ids.with_user(self.user_employee).write(
                {"citizen_request_id": False}
            )

        # An agent of the request's team may give it a second work order.
        second = Orders.with_user(self.user_roads_1).create(
            {
                "name": "Signalisation",
                "citizen_request_id": request.id,
                "maintenance_team_id": self.maintenance_team.id,
            }
        )
        self.assertIn(second, request.work_order_ids)
        self.assertEqual(len(request.work_order_ids), 2)

    def test_work_order_shows_nothing_of_a_request_its_reader_may_not_read(self):
        """An employee given a work order read the request's reference,
        requester and category through it (related fields read as
        superuser), and could find requests by reference."""
        request = self._new_request()
        order = request.work_order_ids
        order.user_id = self.user_employee
        values = order.with_user(self.user_employee).read(CITIZEN_FIELDS)[0]
        self.assertEqual(
            {name: values[name] for name in CITIZEN_FIELDS},
            dict.fromkeys(CITIZEN_FIELDS, False),
        )
        self.assertFalse(order.with_user(self.user_employee).citizen_request_answerable)
        found = (
            self.env["maintenance.request"]
            .with_user(self.user_employee)
            .search([("citizen_reference", "=", request.name)])
        )
        self.assertFalse(found)

        # An equipment manager sees every work order, and still nothing of
        # the citizen behind them on the workload board.
        equipment_manager = new_test_user(
            self.env,
            login="r_equipment",
            groups="maintenance.group_equipment_manager",
            company_id=self.company.id,
        )
        board = order.with_user(equipment_manager)
        self.assertFalse(board.citizen_partner_id)
        self.assertFalse(board.citizen_reference)

        # The technician of the maintenance team and the team's agents do.
        for user in (self.user_technician, self.user_roads_2, self.user_manager):
            with self.subTest(user=user.login):
                mine = order.with_user(user)
                self.assertEqual(mine.citizen_reference, request.name)
                self.assertEqual(mine.citizen_partner_id, self.citizen)
                found = (
                    self.env["maintenance.request"]
                    .with_user(user)
                    .search([("citizen_reference", "=", request.name)])
                )
                self.assertEqual(found, order)

    def test_employee_cannot_reply_through_a_work_order(self):
        """The reply wizard posted a public message to the citizen, as the
        town, for anybody who could write the work order."""
        request = self._new_request()
        order = request.work_order_ids
        order.user_id = self.user_employee
        with self.mock_mail_gateway(), self.assertRaises(AccessError):
            self._reply(self.user_employee, order, "<p>Cliquez ici</p>")
        self.assertFalse(
            request.message_ids.filtered(lambda m: "Cliquez ici" in (m.body or ""))
        )
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids)
        )

        # Nor may a technician of another maintenance team, assigned to the
        # work order by mistake: the role is for their own teams' work.
        gardener = new_test_user(
            self.env,
            login="r_gardener",
            groups=TECHNICIAN,
            company_id=self.company.id,
        )
        self.env["maintenance.team"].create(
            {"name": "Régie espaces verts", "member_ids": [Command.link(gardener.id)]}
        )
        order.user_id = gardener
        self.assertFalse(order.with_user(gardener).citizen_request_answerable)
        with self.assertRaises(AccessError):
            self._reply(gardener, order, "<p>Cliquez ici</p>")
        order.with_user(gardener).stage_id = self.stage_done
        self.assertFalse(request.is_closed)

    def test_work_done_by_an_employee_leaves_the_request_open(self):
        """Finishing a work order resolved its request and emailed the
        citizen, whoever finished it. Work finished by a user who may not
        answer the request stays done; the request stays open and its agent
        gets an activity to check the work and resolve it."""
        request = self._new_request()
        agent = request.user_id
        self.assertIn(agent, self.team_roads.member_ids)
        order = request.work_order_ids
        order.user_id = self.user_employee
        with self.mock_mail_gateway():
            order.with_user(self.user_employee).stage_id = self.stage_done
            self.flush_tracking()
        self.assertEqual(order.stage_id, self.stage_done, "the work is not lost")
        self.assertFalse(request.is_closed)
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids)
        )
        activity = request.activity_ids.filtered(lambda a: a.user_id == agent)
        self.assertEqual(len(activity), 1)
        self.assertIn(order.name, activity.note)
        self.assertIn(self.user_employee.name, activity.note)
        self.assertTrue(
            order.message_ids.filtered(lambda m: "stays open" in (m.body or ""))
        )

        # The agent checks and resolves: the citizen is told then.
        with self.mock_mail_gateway():
            request.with_user(agent).action_resolve()
            self.flush_tracking()
        self.assertTrue(request.is_closed)
        self.assertTrue(
            self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids)
        )

    def test_work_done_without_assignee_tells_the_team(self):
        """No assignee and no leader: the request's team is told by a note."""
        self.team_roads.write({"assignment_method": "manual", "leader_id": False})
        request = self._new_request()
        self.assertFalse(request.user_id)
        order = request.work_order_ids
        order.user_id = self.user_employee
        order.with_user(self.user_employee).stage_id = self.stage_done
        self.assertFalse(request.is_closed)
        note = request.message_ids.filtered(
            lambda m: order.name in (m.body or "")
            and m.subtype_id == self.env.ref("mail.mt_note")
        )
        self.assertEqual(len(note), 1)
        self.assertEqual(note.partner_ids, self.team_roads.member_ids.partner_id)

    def test_technician_resolves_through_the_work_order(self):
        """The technician of the maintenance team answers and resolves
        through their work order; the citizen gets both emails."""
        request = self._new_request()
        order = request.work_order_ids.with_user(self.user_technician)
        with self.mock_mail_gateway():
            self._reply(self.user_technician, order, "<p>Rebouché demain.</p>")
            order.stage_id = self.stage_done
            self.flush_tracking()
        self.assertTrue(request.is_closed)
        citizen_mails = self._new_mails.filtered(
            lambda m: self.citizen in m.recipient_ids
        )
        self.assertEqual(len(citizen_mails), 2)
        self.assertFalse(
            request.activity_ids.filtered(lambda a: order.name in (a.note or ""))
        )


@tagged("post_install", "-at_install")
class TestWorkOrderBackDoorOverRpc(HttpCase):
    """The same attempts as a script would make them, over XML-RPC and
    JSON-RPC with a plain employee's login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["citizen.routing.rule"].search([]).active = False
        cls.employee = new_test_user(
            env, login="wo_rpc_employee", groups="base.group_user"
        )
        maintenance_team = env["maintenance.team"].create({"name": "Régie RPC"})
        team = env["citizen.team"].create(
            {"name": "Voirie RPC", "maintenance_team_id": maintenance_team.id}
        )
        cls.citizen = env["res.partner"].create(
            {"name": "Lucie Secret", "email": "lucie.secret@example.org"}
        )
        cls.request = env["citizen.request"].create(
            {
                "title": "Trottoir cassé",
                "team_id": team.id,
                "partner_id": cls.citizen.id,
            }
        )
        cls.order = cls.request.work_order_ids
        cls.order.user_id = cls.employee

    def _call(self, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.employee.id,
            "wo_rpc_employee",
            model,
            method,
            list(args),
            kwargs,
        )

    def test_employee_links_and_reads_over_xmlrpc(self):
        """Over XML-RPC an employee created a work order on a request they may
        not read, then read its requester through it."""
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self._call(
                "maintenance.request",
                "create",
                [
                    {
                        "name": "Curieux",
                        "user_id": self.employee.id,
                        "citizen_request_id": self.request.id,
                    }
                ],
            )
        self.assertEqual(caught.exception.faultCode, RPC_FAULT_CODE_ACCESS_ERROR)
        self.assertEqual(
            self.env["maintenance.request"].search_count(
                [("citizen_request_id", "=", self.request.id)]
            ),
            1,
        )
        values = self._call(
            "maintenance.request", "read", [self.order.id], fields=CITIZEN_FIELDS
        )[0]
        self.assertFalse(any(values[name] for name in CITIZEN_FIELDS), values)
        self.assertNotIn("Lucie Secret", str(values))

    def test_employee_replies_and_resolves_over_jsonrpc(self):
        """Over JSON-RPC an employee assigned to the work order made the town
        write to the citizen and resolved the request."""
        self.authenticate("wo_rpc_employee", "wo_rpc_employee")
        wizard_id = self.make_jsonrpc_request(
            "/web/dataset/call_kw/maintenance.request.reply.wizard/create",
            {
                "model": "maintenance.request.reply.wizard",
                "method": "create",
                "args": [{"work_order_id": self.order.id, "body": "<p>Piège</p>"}],
                "kwargs": {},
            },
        )
        with self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/maintenance.request.reply.wizard/action_send",
                {
                    "model": "maintenance.request.reply.wizard",
                    "method": "action_send",
                    "args": [wizard_id],
                    "kwargs": {},
                },
            )
        self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
        self.assertFalse(
            self.request.message_ids.filtered(lambda m: "Piège" in (m.body or ""))
        )

        done = self.env["maintenance.stage"].search([("done", "=", True)], limit=1)
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/maintenance.request/write",
            {
                "model": "maintenance.request",
                "method": "write",
                "args": [self.order.ids, {"stage_id": done.id}],
                "kwargs": {},
            },
        )
        self.env.invalidate_all()
        self.assertEqual(self.order.stage_id, done)
        self.assertFalse(self.request.is_closed)
