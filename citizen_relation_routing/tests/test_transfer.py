from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import NOW, CitizenRoutingCommon


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestTransfer(CitizenRoutingCommon):
    def _transfer(self, request, user, team, reason):
        wizard = Form(
            self.env["citizen.request.transfer.wizard"]
            .with_user(user)
            .with_context(active_model="citizen.request", active_ids=request.ids)
        )
        wizard.team_id = team
        wizard.reason = reason
        return wizard.save().action_transfer()

    def test_transfer_history_and_notifications(self):
        """A roads agent passes a civil-registry question on: the history
        keeps who, when, from, to and why; the civil registry agents get an
        internal note with the reason; the citizen gets only a public message
        naming the service, without the reason."""
        self.team_roads.maintenance_team_id = False
        request = self._new_request(category_id=self.category_roads.id)
        self.assertEqual(request.team_id, self.team_roads)
        roads_agent = request.user_id
        reason = "Demande de duplicata d'acte, rien à voir avec la voirie"

        with self.mock_mail_gateway():
            self._transfer(request, roads_agent, self.team_civil, reason)
            self.flush_tracking()

        self.assertEqual(request.team_id, self.team_civil)
        self.assertEqual(request.department_id, self.department_civil)
        self.assertIn(request.user_id, self.team_civil.member_ids)
        transfer = request.transfer_ids
        self.assertEqual(len(transfer), 1)
        self.assertEqual(transfer.from_team_id, self.team_roads)
        self.assertEqual(transfer.to_team_id, self.team_civil)
        self.assertEqual(transfer.user_id, roads_agent)
        self.assertEqual(transfer.reason, reason)
        self.assertEqual(transfer.date, NOW)

        note = request.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_note") and reason in m.body
        )
        self.assertEqual(len(note), 1)
        self.assertEqual(
            note.partner_ids,
            (self.user_civil | self.user_civil_2).partner_id,
            "Only the new team is notified of the transfer.",
        )
        for mail in self._new_mails:
            if self.citizen in mail.recipient_ids:
                self.assertNotIn("duplicata", mail.body_html)
        citizen_mails = self._new_mails.filtered(
            lambda m: self.citizen in m.recipient_ids
        )
        self.assertEqual(len(citizen_mails), 1)
        self.assertIn("Etat civil", citizen_mails.body_html)
        civil_mails = self._new_mails.filtered(
            lambda m: self.user_civil.partner_id in m.recipient_ids
        )
        self.assertTrue(civil_mails.filtered(lambda m: "duplicata" in m.body_html))
        other_roads = (self.team_roads.member_ids - roads_agent).partner_id
        self.assertFalse(
            self._new_mails.filtered(lambda m: m.recipient_ids & other_roads)
        )

    def test_transfer_without_telling_the_requester(self):
        self.team_roads.maintenance_team_id = False
        request = self._new_request()
        wizard = (
            self.env["citizen.request.transfer.wizard"]
            .with_context(active_model="citizen.request", active_ids=request.ids)
            .create(
                {
                    "team_id": self.team_civil.id,
                    "reason": "Erreur d'aiguillage",
                    "notify_requester": False,
                }
            )
        )
        with self.mock_mail_gateway():
            wizard.action_transfer()
        self.assertFalse(
            self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids)
        )
        self.assertEqual(request.transfer_ids.reason, "Erreur d'aiguillage")

    def test_transferred_request_leaves_the_old_team(self):
        """Once transferred, the request is out of reach of the old team's
        agents who did not follow it."""
        self.team_roads.maintenance_team_id = False
        request = self._new_request()
        bystander = (self.team_roads.member_ids - request.user_id)[0]
        self.assertEqual(request.with_user(bystander).title, request.title)
        self._transfer(request, self.user_manager, self.team_civil, "Mauvais service")
        request.invalidate_recordset()
        with self.assertRaises(AccessError):
            request.with_user(bystander).read(["title"])
        self.assertEqual(request.with_user(self.user_civil).title, request.title)

    def test_leader_passes_a_request_out_of_their_team(self):
        """A leader who is neither assignee nor member of the new team can
        transfer; the request gets an agent of the new team, and the leader
        follows it as author of the transfer note."""
        self.team_roads.maintenance_team_id = False
        request = self._new_request()
        self._transfer(request, self.user_leader, self.team_civil, "Pas pour nous")
        self.assertEqual(request.team_id, self.team_civil)
        self.assertIn(request.user_id, self.team_civil.member_ids)
        self.assertEqual(request.transfer_ids.user_id, self.user_leader)
        self.assertIn(self.user_leader.partner_id, request.message_partner_ids)
