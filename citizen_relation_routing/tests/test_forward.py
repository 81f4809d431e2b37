import json
import socket
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CitizenRoutingCommon
from .open311_standin import API_KEY, Open311StandIn

LOGGER = "odoo.addons.citizen_relation_routing.models.citizen_request_forward"


def closed_port_url():
    """Address of a port of the loopback where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/open311/v2/"


class ForwardCommon(CitizenRoutingCommon):
    """The roads team hands its work to a contractor's Open311 server (a
    stand-in on the loopback); street lighting goes to an electrician
    reached by signed link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standin = Open311StandIn().start()
        cls.addClassCleanup(cls.standin.stop)
        set_param = cls.env["ir.config_parameter"].sudo().set_param
        # Our patience: 10 s (Odoo's test mode raises any shorter timeout
        # of an HTTP call to 10 s); the "slow" stand-in answers after 11 s.
        set_param("citizen_relation_routing.forward_timeout", "10")
        cls.contractor = cls.env["res.partner"].create(
            {"name": "Colas Voirie", "email": "interventions@colas.example.com"}
        )
        cls.electrician = cls.env["res.partner"].create(
            {"name": "Elec Services", "email": "chantiers@elec.example.com"}
        )
        Handler = cls.env["citizen.external.handler"]
        cls.handler_open311 = Handler.create(
            {
                "name": "Colas (Open311)",
                "kind": "open311",
                "partner_id": cls.contractor.id,
                "endpoint_url": cls.standin.url,
                "api_key": API_KEY,
                "jurisdiction_id": "valmont.example.org",
                "service_code_ids": [
                    (
                        0,
                        0,
                        {"category_id": cls.category_roads.id, "service_code": "ROAD"},
                    )
                ],
            }
        )
        cls.handler_link = Handler.create(
            {"name": "Elec Services", "kind": "link", "partner_id": cls.electrician.id}
        )
        cls.team_roads.external_handler_id = cls.handler_open311
        cls.category_lighting = cls.env["citizen.request.category"].create(
            {
                "name": "Eclairage public",
                "code": "R-ECL",
                "parent_id": cls.category_roads.id,
                "external_handler_id": cls.handler_link.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.standin.mode = "accept"
        self.standin.requests.clear()
        self.standin.posts.clear()
        self.standin.updates.clear()
        self.standin.gets.clear()

    def run_job(self):
        self.env["citizen.request.forward"]._cron_forward()
        self.env.invalidate_all()

    def make_due(self, forward):
        """As if the delay before the next attempt had passed."""
        forward.sudo().date_next_attempt = fields.Datetime.now() - timedelta(seconds=1)

    def notes(self, request):
        return request.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("mail.mt_note")
        ).mapped(lambda m: m.preview)

    def public_messages(self, request):
        return request.message_ids.filtered(
            lambda m: m.message_type == "comment"
            and m.subtype_id == self.env.ref("mail.mt_comment")
        )


@tagged("post_install", "-at_install")
class TestForwardOpen311(ForwardCommon):
    def test_round_trip(self):
        """A pothole routed to the roads team goes to the contractor's server
        with what the work needs only, and comes back with its stages."""
        request = self._new_request(
            latitude=49.76, longitude=0.39, contact_phone="06 12 34 56 78"
        )
        forward = request.forward_ids
        self.assertEqual(forward.handler_id, self.handler_open311)
        self.assertEqual(forward.state, "queued")
        self.assertIn("Forwarded to Colas (Open311).", self.notes(request))

        self.run_job()
        self.assertEqual(forward.state, "sent")
        self.assertEqual(forward.external_id, "CTR-1")
        self.assertEqual(len(self.standin.requests), 1)
        sent = self.standin.requests[0]
        self.assertEqual(sent["service_code"], "ROAD")
        self.assertEqual(sent["jurisdiction_id"], "valmont.example.org")
        self.assertEqual(sent["attribute[external_id]"], request.name)
        self.assertEqual(sent["address_string"], "12 rue Victor Hugo, 76540 Valmont")
        self.assertAlmostEqual(float(sent["lat"]), 49.76)
        self.assertIn(request.title, sent["description"])
        payload = json.dumps(sent)
        for personal in ("Marie Dupont", "marie.dupont", "06 12 34 56 78"):
            self.assertNotIn(personal, payload)
        self.assertTrue(any("CTR-1" in note for note in self.notes(request)))

        self.standin.add_update("CTR-1", "IN_PROGRESS", "Intervention prévue mardi.")
        self.run_job()
        self.assertEqual(request.stage_id, request._get_in_progress_stage())
        self.assertEqual(
            self.public_messages(request).mapped("preview"),
            ["Intervention prévue mardi."],
        )
        self.assertEqual(self.public_messages(request).author_id, self.contractor)

        # read again from the same date: applied once
        self.run_job()
        self.assertEqual(len(self.public_messages(request)), 1)
        self.assertEqual(len(forward.update_ids), 1)

        self.standin.add_update("CTR-1", "FIXED", "Nid de poule rebouché.")
        self.run_job()
        self.assertEqual(request.stage_id, request._get_resolved_stage())
        self.assertEqual(forward.state, "done")
        self.assertTrue(all(o.stage_id.done for o in request.work_order_ids))
        self.assertIn(
            "Nid de poule rebouché.", self.public_messages(request).mapped("preview")
        )
        gets = [query for path, query in self.standin.gets if "updates" in path]
        self.assertTrue(all(query.get("api_key") == API_KEY for query in gets))

    def test_update_of_another_request_ignored(self):
        """Updates of requests that are not ours change nothing."""
        request = self._new_request()
        self.run_job()
        self.standin.add_update("CTR-999", "FIXED", "Autre chose.")
        self.run_job()
        self.assertFalse(request.is_closed)
        self.assertFalse(self.public_messages(request))

    def test_declined_work_goes_back_to_the_town(self):
        """The contractor says it is not theirs: our request is not rejected,
        the forward fails with their reason for the agents."""
        request = self._new_request()
        self.run_job()
        self.standin.add_update(
            "CTR-1", "NOT_COUNCILS_RESPONSIBILITY", "Voie départementale."
        )
        self.run_job()
        forward = request.forward_ids
        self.assertEqual(forward.state, "failed")
        self.assertIn("Voie départementale.", forward.last_error)
        self.assertFalse(request.is_closed)

    @mute_logger(LOGGER)
    def test_refused(self):
        """A request their server refuses (400) is not retried by itself:
        agents see why, correct the settings and send it again."""
        self.standin.mode = "refuse"
        request = self._new_request()
        forward = request.forward_ids
        self.run_job()
        self.assertEqual(forward.state, "failed")
        self.assertIn("service_code LIGHT-X not found", forward.last_error)
        self.assertTrue(
            any("refused the request" in note for note in self.notes(request))
        )
        self.make_due(forward)
        self.run_job()
        self.assertEqual(len(self.standin.posts), 1)

        self.standin.mode = "accept"
        forward.with_user(self.user_manager).action_retry()
        self.run_job()
        self.assertEqual(forward.state, "sent")
        self.assertEqual(len(self.standin.requests), 1)

    @mute_logger(LOGGER)
    def test_outage_delays_but_loses_nothing(self):
        """Server unreachable, then too slow (it recorded the request but we
        gave up waiting), then back: the job retries with a growing delay,
        finds the request it had already received, and never POSTs twice."""
        self.handler_open311.endpoint_url = closed_port_url()
        request = self._new_request()
        forward = request.forward_ids
        before = fields.Datetime.now()
        self.run_job()
        self.assertEqual(forward.state, "queued")
        self.assertEqual(forward.attempt_count, 1)
        self.assertIn("No connection", forward.last_error)
        self.assertFalse(forward.may_have_reached)
        delay = forward.date_next_attempt - before
        self.assertTrue(timedelta(minutes=4) < delay <= timedelta(minutes=6), delay)
        self.assertTrue(
            any("failed (attempt 1)" in note for note in self.notes(request))
        )
        # not due yet: nothing tried
        self.run_job()
        self.assertEqual(forward.attempt_count, 1)

        self.handler_open311.endpoint_url = self.standin.url
        self.standin.mode = "slow"
        self.standin.delay = 11
        self.make_due(forward)
        before = fields.Datetime.now()
        self.run_job()
        self.assertEqual(forward.state, "queued")
        self.assertEqual(forward.attempt_count, 2)
        self.assertTrue(forward.may_have_reached)
        self.assertIn("No answer", forward.last_error)
        delay = forward.date_next_attempt - before
        self.assertTrue(timedelta(minutes=9) < delay <= timedelta(minutes=11), delay)

        self.standin.mode = "accept"
        self.make_due(forward)
        self.run_job()
        self.assertEqual(forward.state, "sent")
        self.assertEqual(forward.external_id, "CTR-1")
        self.assertEqual(len(self.standin.posts), 1, "never POSTed twice")
        self.assertEqual(len(self.standin.requests), 1)
        self.assertTrue(
            any("nothing was sent again" in note for note in self.notes(request))
        )

    def test_anonymisation_erases_what_came_back(self):
        request = self._new_request()
        self.run_job()
        self.standin.add_update("CTR-1", "IN_PROGRESS", "Mme Dupont a rappelé.")
        self.run_job()
        forward = request.forward_ids
        self.assertEqual(forward.update_ids.description, "Mme Dupont a rappelé.")
        request._anonymize("retention")
        self.assertFalse(forward.update_ids.description)
        self.assertFalse(forward.sudo().access_token)

    def test_no_handler_no_forward(self):
        request = self._new_request(category_id=self.category_civil.id)
        self.assertFalse(request.forward_ids)

    def test_agent_sees_what_waits(self):
        self.handler_open311.endpoint_url = closed_port_url()
        request = self._new_request()
        with mute_logger(LOGGER):
            self.run_job()
        Forward = self.env["citizen.request.forward"].with_user(self.user_roads_1)
        waiting = Forward.search([("state", "in", ("queued", "failed"))])
        self.assertIn(request.forward_ids, waiting)
        self.assertTrue(waiting.filtered(lambda f: f.request_id == request).last_error)


@tagged("post_install", "-at_install")
class TestForwardLink(ForwardCommon):
    def test_category_handler_wins_and_link_emailed(self):
        """A lighting request, routed to the roads team (which works with the
        Open311 contractor), goes to the electrician named on its category:
        their contact receives the signed link of the work."""
        request = self._new_request(category_id=self.category_lighting.id)
        self.assertEqual(request.team_id, self.team_roads)
        forward = request.forward_ids
        self.assertEqual(forward.handler_id, self.handler_link)
        self.assertEqual(forward.state, "sent")
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.electrician.ids)]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn(f"/requests/work/{forward.id}?token=", mail.body_html)
        self.assertIn(forward.sudo().access_token, mail.body_html)
        self.assertNotIn("Marie Dupont", mail.body_html)
        self.assertTrue(
            any("Signed link of the work emailed" in n for n in self.notes(request))
        )
        self.run_job()
        self.assertFalse(self.standin.posts)

    def test_forward_button(self):
        """An agent forwards by hand a request whose category got a handler
        after it was filed; twice is refused."""
        request = self._new_request(category_id=self.category_civil.id)
        self.category_civil.external_handler_id = self.handler_link
        request.with_user(self.user_civil).action_forward()
        self.assertEqual(request.forward_ids.state, "sent")
        with self.assertRaises(UserError):
            request.with_user(self.user_civil).action_forward()

    def test_token_checks(self):
        request = self._new_request(category_id=self.category_lighting.id)
        forward = request.forward_ids.sudo()
        Forward = self.env["citizen.request.forward"]
        self.assertEqual(
            Forward._get_by_token(forward.id, forward.access_token), forward
        )
        self.assertFalse(Forward._get_by_token(forward.id, "wrong"))
        self.assertFalse(Forward._get_by_token(forward.id, request.access_token))
        forward.date_link_expiry = fields.Datetime.now() - timedelta(minutes=1)
        self.assertFalse(Forward._get_by_token(forward.id, forward.access_token))
