import base64
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import NOW, CitizenRoutingCommon

PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestWorkOrder(CitizenRoutingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_done = cls.env["maintenance.stage"].search(
            [("done", "=", True)], limit=1
        )
        cls.stage_in_progress = cls.env["maintenance.stage"].search(
            [("done", "=", False)], order="sequence desc", limit=1
        )

    def test_pothole_work_order_loop(self):
        """A pothole routed to the roads team creates one work order carrying
        the reference, location and deadline; finishing it resolves the
        request and emails the citizen."""
        request = self._new_request(district="Centre")
        self.assertEqual(request.team_id, self.team_roads)
        order = request.work_order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(order.maintenance_team_id, self.maintenance_team)
        self.assertIn(request.name, order.name)
        self.assertEqual(order.citizen_reference, request.name)
        self.assertEqual(order.citizen_category_id, self.category_pothole)
        self.assertEqual(order.location, "12 rue Victor Hugo, 76540 Valmont (Centre)")
        self.assertEqual(order.date_deadline, request.date_deadline)
        self.assertEqual(order.origin, "citizen")

        # Editing the request does not create a second work order; a new
        # deadline reaches the work order.
        request.write({"title": "Nid de poule profond", "priority": "2"})
        request.category_id = self.category_roads
        self.assertEqual(len(request.work_order_ids), 1)
        request.date_deadline = date(2026, 3, 20)
        self.assertEqual(order.date_deadline, date(2026, 3, 20))

        order.user_id = self.user_technician
        with self.mock_mail_gateway():
            order.with_user(self.user_technician).stage_id = self.stage_done
            self.flush_tracking()
        self.assertTrue(request.is_closed)
        self.assertEqual(request.stage_id, self.Request._get_resolved_stage())
        citizen_mails = self._new_mails.filtered(
            lambda m: self.citizen in m.recipient_ids
        )
        self.assertEqual(len(citizen_mails), 1)
        self.assertIn(request.name, citizen_mails.subject)

    def test_technician_reads_the_request_of_their_work_order(self):
        """The technician of the maintenance team sees where the work comes
        from (reference, requester) and may read the request, not change it;
        the requests behind other teams' work orders stay closed to them."""
        request = self._new_request()
        civil = self._new_request(
            category_id=self.category_civil.id, title="Acte de naissance"
        )
        request.work_order_ids.user_id = self.user_technician
        order = request.work_order_ids.with_user(self.user_technician)
        self.assertEqual(order.citizen_reference, request.name)
        self.assertEqual(order.citizen_partner_id, self.citizen)
        self.assertTrue(order.citizen_request_answerable)
        self.assertEqual(request.with_user(self.user_technician).title, request.title)
        with self.assertRaises(AccessError):
            request.with_user(self.user_technician).write({"title": "Changé"})
        with self.assertRaises(AccessError):
            civil.with_user(self.user_technician).read(["title"])

    def test_technician_public_reply(self):
        request = self._new_request()
        order = request.work_order_ids
        order.user_id = self.user_technician
        wizard = (
            self.env["maintenance.request.reply.wizard"]
            .with_user(self.user_technician)
            .create(
                {
                    "work_order_id": order.id,
                    "body": "<p>Le trou sera rebouché mardi.</p>",
                }
            )
        )
        with self.mock_mail_gateway():
            wizard.action_send()
        message = request.message_ids.filtered(
            lambda m: "rebouché mardi" in (m.body or "")
        )
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertEqual(message.author_id, self.user_technician.partner_id)
        self.assertTrue(
            self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids)
        )

    def test_partner_origin_and_photos(self):
        request = self.env["citizen.request"].create(
            {
                "title": "Nid de poule devant l'école",
                "category_id": self.category_pothole.id,
                "partner_id": self.school.id,
                "channel": "email",
            }
        )
        self.assertEqual(request.work_order_ids.origin, "partner")

        team_no_order = self.env["citizen.team"].create({"name": "Sans régie"})
        other = self._new_request(team_id=team_no_order.id)
        third = self._new_request(team_id=team_no_order.id)
        self.env["ir.attachment"].create(
            [
                {
                    "name": name,
                    "datas": PIXEL,
                    "res_model": "citizen.request",
                    "res_id": request_id,
                }
                for name, request_id in (
                    ("trou.png", other.id),
                    ("trou-de-pres.png", other.id),
                    ("plaque.png", third.id),
                )
            ]
            + [
                {
                    "name": "lettre.txt",
                    "raw": b"Madame, Monsieur",
                    "mimetype": "text/plain",
                    "res_model": "citizen.request",
                    "res_id": other.id,
                }
            ]
        )
        self.assertFalse(other.work_order_ids)
        (other | third).team_id = self.team_roads
        for citizen_request, names in (
            (other, ["trou-de-pres.png", "trou.png"]),
            (third, ["plaque.png"]),
        ):
            order = citizen_request.work_order_ids
            self.assertEqual(len(order), 1)
            photos = self.env["ir.attachment"].search(
                [("res_model", "=", "maintenance.request"), ("res_id", "=", order.id)]
            )
            # the photos only, each with its content
            self.assertEqual(sorted(photos.mapped("name")), names)
            self.assertTrue(all(photo.raw for photo in photos))

    def test_rejected_request_cancels_work_order(self):
        request = self._new_request()
        order = request.work_order_ids
        request.action_reject()
        self.assertTrue(order.archive)
        self.assertFalse(order.stage_id.done)

    def test_rejection_cancels_work_orders_its_author_does_not_see(self):
        """An agent who follows a request of another service may reject it;
        its work order, which they do not see, was left open (the
        cancellation only reached the work orders its author could read)."""
        request = self._new_request()
        order = request.work_order_ids
        request.message_subscribe(partner_ids=self.user_civil.partner_id.ids)
        self.assertFalse(order.with_user(self.user_civil).has_access("read"))
        # as in the agent's own transaction: nothing read as superuser before
        self.env.invalidate_all()
        request.with_user(self.user_civil).action_reject()
        self.assertTrue(order.archive)

    def test_workload_board_mixes_origins(self):
        """The manager's board shows the citizen's pothole beside a preventive
        park task and a vehicle service, each with its origin."""
        request = self._new_request()
        park = self.env["maintenance.equipment"].create(
            {
                "name": "Parc des Tilleuls",
                "maintenance_team_id": self.maintenance_team.id,
            }
        )
        vehicle = self.env["fleet.vehicle"].create(
            {
                "model_id": self.env["fleet.vehicle.model"]
                .create(
                    {
                        "name": "Kangoo",
                        "brand_id": self.env["fleet.vehicle.model.brand"]
                        .create({"name": "Renault"})
                        .id,
                    }
                )
                .id,
                "license_plate": "AB-123-CD",
            }
        )
        MaintenanceRequest = self.env["maintenance.request"]
        mowing = MaintenanceRequest.create(
            {
                "name": "Tonte du parc des Tilleuls",
                "equipment_id": park.id,
                "maintenance_type": "preventive",
                "maintenance_team_id": self.maintenance_team.id,
            }
        )
        service = MaintenanceRequest.create(
            {
                "name": "Vidange Kangoo",
                "vehicle_id": vehicle.id,
                "maintenance_type": "preventive",
                "maintenance_team_id": self.maintenance_team.id,
            }
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation_routing.maintenance_request_action_workload"
        )
        board = MaintenanceRequest.with_user(self.user_manager).search(
            safe_eval(action["domain"])
        )
        self.assertLessEqual(request.work_order_ids | mowing | service, board)
        self.assertEqual(
            (request.work_order_ids | mowing | service).mapped("origin"),
            ["citizen", "routine", "routine"],
        )
        routine = MaintenanceRequest.with_user(self.user_manager).search(
            [("origin", "=", "routine"), ("id", "in", board.ids)]
        )
        self.assertIn(mowing, routine)
        self.assertNotIn(request.work_order_ids, routine)

        # Drag and drop on the board writes the real stage.
        request.work_order_ids.with_user(self.user_manager).write(
            {"stage_id": self.stage_in_progress.id}
        )
        self.assertEqual(request.work_order_ids.stage_id, self.stage_in_progress)

        self.assertEqual(vehicle.work_order_count, 1)
        request.vehicle_id = vehicle
        self.assertEqual(vehicle.with_user(self.user_manager).citizen_request_count, 1)

    def test_roads_leader_sees_team_work_orders(self):
        request = self._new_request()
        self.team_civil.maintenance_team_id = self.env["maintenance.team"].create(
            {
                "name": "Régie état civil",
                "member_ids": [Command.link(self.user_technician.id)],
            }
        )
        civil = self._new_request(
            category_id=self.category_civil.id, title="Acte de naissance"
        )
        Orders = self.env["maintenance.request"].with_user(self.user_leader)
        visible = Orders.search([("citizen_request_id", "!=", False)])
        self.assertIn(request.work_order_ids, visible)
        self.assertNotIn(civil.work_order_ids, visible)

    def test_duplicate_shares_the_original_work_order(self):
        """The same pothole reported twice is fixed once: the duplicate's work
        order is cancelled, and finishing the original's resolves both and
        tells both reporters."""
        original = self._new_request()
        neighbour = self.env["res.partner"].create(
            {"name": "Paul Voisin", "email": "paul.voisin@example.org"}
        )
        duplicate = self._new_request(partner_id=neighbour.id)
        self.assertEqual(len(duplicate.work_order_ids), 1)
        duplicate.duplicate_of_id = original
        self.assertTrue(duplicate.work_order_ids.archive)
        self.assertFalse(original.work_order_ids.archive)
        self.flush_tracking()

        order = original.work_order_ids
        order.user_id = self.user_technician
        with self.mock_mail_gateway():
            order.with_user(self.user_technician).stage_id = self.stage_done
            self.flush_tracking()
        self.assertTrue(original.is_closed)
        self.assertTrue(duplicate.is_closed)
        told = self._new_mails.mapped("recipient_ids")
        self.assertIn(self.citizen, told)
        self.assertIn(neighbour, told)
