"""The history of a request (transfers and their reasons, escalations)
follows the request: read by those who may read it."""

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import NOW, CitizenRoutingCommon


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestHistoryAccess(CitizenRoutingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team_roads.maintenance_team_id = False

    def test_transfer_reasons_stay_with_those_who_read_the_request(self):
        """Every agent could read every team's transfer reasons (internal
        notes, often about the person). They now follow the request: its
        team, managers, and whoever else may read it."""
        request = self._new_request()
        request.with_context(
            citizen_transfer_reason="Acte pour Mme Dupont, pas la voirie"
        ).team_id = self.team_civil
        transfer = request.transfer_ids
        self.assertEqual(len(transfer), 1)
        Transfer = self.env["citizen.request.transfer"]
        for user in (self.user_front, self.user_roads_3, self.user_leader):
            with self.subTest(user=user.login):
                self.assertFalse(Transfer.with_user(user).search([]) & transfer)
                with self.assertRaises(AccessError):
                    transfer.with_user(user).read(["reason"])
                groups = Transfer.with_user(user)._read_group(
                    [], ["request_id"], ["__count"]
                )
                self.assertNotIn(request.id, [r.id for r, _count in groups])
        for user in (self.user_civil, self.user_civil_2, self.user_manager):
            with self.subTest(user=user.login):
                self.assertEqual(
                    transfer.with_user(user).reason,
                    "Acte pour Mme Dupont, pas la voirie",
                )
                self.assertEqual(request.with_user(user).transfer_ids, transfer)

    def test_escalations_stay_with_those_who_read_the_request(self):
        request = self._new_request()
        escalation = self.env["citizen.request.escalation"].create(
            {
                "request_id": request.id,
                "kind": "deadline",
                "breach_date": NOW.date(),
                "team_id": self.team_roads.id,
            }
        )
        with self.assertRaises(AccessError):
            escalation.with_user(self.user_civil).read(["kind"])
        self.assertEqual(escalation.with_user(self.user_leader).kind, "deadline")

    def test_clearing_the_team_is_logged(self):
        """Clearing the team of a request failed with a raw database error
        (the transfer log required a new team). The request goes back to the
        shared queue, and the history says so."""
        request = self._new_request()
        self.assertEqual(request.team_id, self.team_roads)
        request.with_user(self.user_roads_1).team_id = False
        self.assertFalse(request.team_id)
        transfer = request.transfer_ids
        self.assertEqual(len(transfer), 1)
        self.assertEqual(transfer.from_team_id, self.team_roads)
        self.assertFalse(transfer.to_team_id)
        self.assertEqual(transfer.user_id, self.user_roads_1)
        self.assertIn("shared queue", transfer.reason)
        # every agent now finds it in the shared queue, with its history
        self.assertEqual(request.with_user(self.user_civil).transfer_ids, transfer)
