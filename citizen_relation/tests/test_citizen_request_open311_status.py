from odoo.tests import tagged

from .common import CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestOpen311Status(CitizenRequestCommon):
    """The stages say which status of mySociety's Open311 extension their
    requests have, and which stage an incoming status moves a request to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Stage = cls.env["citizen.request.stage"]
        ref = cls.env.ref
        cls.stage_new = ref("citizen_relation.stage_new")
        cls.stage_taken = ref("citizen_relation.stage_taken")
        cls.stage_in_progress = ref("citizen_relation.stage_in_progress")
        cls.stage_resolved = ref("citizen_relation.stage_resolved")
        cls.stage_rejected = ref("citizen_relation.stage_rejected")

    def test_shipped_stages_are_mapped(self):
        self.assertEqual(
            self.stage_resolved._get_open311_status(),
            {
                "status": "closed",
                "extended_status": "FIXED",
                "external_status_code": "",
            },
        )
        self.assertEqual(
            self.stage_in_progress._get_open311_status()["extended_status"],
            "IN_PROGRESS",
        )
        self.assertEqual(
            self.stage_rejected._get_open311_status()["extended_status"],
            "NO_FURTHER_ACTION",
        )
        # an administrator's choice survives the update of the addon
        self.stage_taken.open311_extended_status = "ACTION_SCHEDULED"
        self.Stage._init_open311_statuses()
        self.assertEqual(self.stage_taken.open311_extended_status, "ACTION_SCHEDULED")

    def test_unmapped_stage_is_open_or_closed(self):
        stage = self.Stage.create({"name": "Archivée", "is_closed": True})
        self.assertEqual(
            stage._get_open311_status(),
            {
                "status": "closed",
                "extended_status": "CLOSED",
                "external_status_code": "",
            },
        )

    def test_duplicate_request_is_duplicate(self):
        original = self._create_request()
        duplicate = self._create_request()
        duplicate.duplicate_of_id = original
        self.assertEqual(
            duplicate._get_open311_update_status()["extended_status"], "DUPLICATE"
        )
        self.assertEqual(
            original._get_open311_update_status()["extended_status"], "OPEN"
        )

    def test_incoming_status_finds_stage(self):
        From = self.Stage._from_open311_status
        self.assertEqual(From("FIXED"), self.stage_resolved)
        self.assertEqual(From("fixed"), self.stage_resolved)  # any case
        self.assertEqual(From("in progress"), self.stage_in_progress)
        # no stage of its own: a stage of its kind
        self.assertEqual(From("NOT_COUNCILS_RESPONSIBILITY"), self.stage_rejected)
        self.assertEqual(From("ACTION_SCHEDULED"), self.stage_in_progress)
        self.assertFalse(From("SOMETHING_ELSE"))
        # the partner's own code comes first
        self.stage_taken.open311_external_status_code = "ACK-12"
        self.assertEqual(From("FIXED", "ACK-12"), self.stage_taken)
        self.assertEqual(From("FIXED", "UNKNOWN"), self.stage_resolved)
        # a stage mapped to the status wins over the default of its kind
        self.stage_taken.open311_extended_status = "ACTION_SCHEDULED"
        self.assertEqual(From("action_scheduled"), self.stage_taken)

    def test_apply_status_moves_and_reopens(self):
        citizen_request = self._create_request()
        self.assertEqual(citizen_request.stage_id, self.stage_new)
        self.assertFalse(citizen_request._apply_open311_status("open"))
        self.assertEqual(
            citizen_request._apply_open311_status("FIXED"), self.stage_resolved
        )
        self.assertTrue(citizen_request.is_closed)
        self.assertFalse(citizen_request._apply_open311_status("FIXED"))
        stage = citizen_request._apply_open311_status("REOPEN")
        self.assertFalse(stage.is_closed)
        self.assertEqual(citizen_request.stage_id, stage)
        self.assertFalse(citizen_request.is_closed)
