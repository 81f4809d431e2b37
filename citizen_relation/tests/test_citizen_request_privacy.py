import base64
import importlib.util
import json
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import NOW, CitizenRequestCommon

CLOSED_ON = datetime(2023, 1, 10, 9, 0)
# Three years and more after CLOSED_ON: a 24-month retention is over.
LATER = datetime(2026, 3, 4, 10, 0)


@tagged("post_install", "-at_install")
class TestCitizenRequestPrivacy(CitizenRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.category.retention_months = 24
        cls.category_noise.retention_months = 0
        cls.closed_stage = cls.env.ref("citizen_relation.stage_closed")

    def _closed_request(self, closed_on=CLOSED_ON, **values):
        vals = {
            "title": "Nid de poule devant chez moi",
            "description": "<p>Je suis Denise Martin, au 12 rue Victor Hugo.</p>",
            "channel": "web",
            "contact_name": "Denise Martin",
            "contact_email": "denise.martin@example.net",
            "contact_phone": "06 12 34 56 78",
            "street": "12 rue Victor Hugo",
            "zip": "76540",
            "city": "Valmont",
            "district": "Centre",
            "latitude": 49.7612345,
            "longitude": 0.5112345,
            "category_id": self.category.id,
        }
        vals.update(values)
        with freeze_time(closed_on):
            request = self.Request.create(vals)
            request.message_post(
                body="<p>Mon voisin M. Dupont a aussi vu le trou.</p>",
                author_id=request.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=[("trou.jpg", b"JPEG photo of the hole")],
            )
            self.env["ir.attachment"].create(
                {
                    "name": "photo.jpg",
                    "raw": b"another photo",
                    "res_model": "citizen.request",
                    "res_id": request.id,
                }
            )
            request.action_close()
            request.rating_apply(
                4, token=request._rating_get_access_token(), feedback="Merci, Denise"
            )
        return request

    def _messages(self, request):
        return self.env["mail.message"].search(
            [("model", "=", "citizen.request"), ("res_id", "=", request.id)]
        )

    def _attachments(self, request):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "citizen.request"), ("res_id", "=", request.id)]
        )

    def _report_figures(self, company):
        self.env.flush_all()
        self.env["citizen.request.channel.report"].invalidate_model()
        lines = self.env["citizen.request.channel.report"].search(
            [("company_id", "=", company.id)]
        )
        return {
            line.channel: (
                line.request_count,
                line.acknowledged_count,
                line.resolved_count,
                line.median_ack_hours,
                line.median_resolve_hours,
                line.on_time_rate,
                line.avg_rating,
            )
            for line in lines
        }

    # ------------------------------------------------------------------
    # Anonymisation after retention
    # ------------------------------------------------------------------

    def test_anonymisation_after_retention(self):
        """A closed request past its retention keeps its reference, category,
        dates, district and figures, and loses name, contact, address,
        text, photos and the content of its thread."""
        request = self._closed_request()
        partner = request.partner_id
        self.assertTrue(partner)
        reference, closed = request.name, request.date_closed
        deadline, received = request.date_deadline, request.date_received
        self.assertTrue(self._attachments(request))
        # an email still waiting in the queue, and one already sent
        with freeze_time(CLOSED_ON):
            queued, sent = (
                request.message_post(
                    body=f"<p>Bonjour Denise Martin ({state})</p>",
                    partner_ids=partner.ids,
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    force_send=False,
                )
                for state in ("queued", "sent")
            )
        mails = self._request_mails(request)
        mails.filtered(lambda m: m.mail_message_id == sent).state = "sent"
        queued_mail = mails.filtered(lambda m: m.mail_message_id == queued)
        self.assertEqual(queued_mail.state, "outgoing")
        with freeze_time(LATER):
            self.Request._cron_anonymize_expired_requests()
        request.invalidate_recordset()
        # kept
        self.assertEqual(request.name, reference)
        self.assertEqual(request.category_id, self.category)
        self.assertEqual(request.stage_id, self.closed_stage)
        self.assertEqual(request.channel, "web")
        self.assertEqual(request.date_closed, closed)
        self.assertEqual(request.date_received, received)
        self.assertEqual(request.date_deadline, deadline)
        self.assertEqual(request.district, "Centre")
        self.assertEqual(request.city, "Valmont")
        self.assertEqual(request.requester_kind, "citizen")
        self.assertAlmostEqual(request.latitude, 49.76)
        self.assertAlmostEqual(request.longitude, 0.51)
        # erased
        self.assertTrue(request.is_anonymized)
        self.assertEqual(request.anonymized_date, LATER)
        self.assertFalse(request.partner_id)
        self.assertFalse(request.contact_name)
        self.assertFalse(request.contact_email)
        self.assertFalse(request.contact_phone)
        self.assertFalse(request.street)
        self.assertFalse(request.zip)
        self.assertEqual(request.title, "Anonymised request")
        self.assertFalse(request.description)
        # thread: no photo, no text, no sender, no recipient
        self.assertFalse(self._attachments(request))
        messages = self._messages(request)
        self.assertTrue(messages, "the history of the request is kept")
        self.assertFalse(
            [m for m in messages if "Denise" in (m.body or "") or "Dupont" in m.body]
        )
        self.assertFalse(messages.attachment_ids)
        self.assertFalse(messages.author_id & partner)
        self.assertFalse(messages.partner_ids)
        self.assertFalse(any(messages.mapped("email_from")))
        self.assertFalse(
            self.env["mail.tracking.value"]
            .search([("mail_message_id", "in", messages.ids)])
            .filtered(
                lambda t: "Denise" in (t.old_value_char or "")
                or "Denise" in (t.new_value_char or "")
            )
        )
        mails = self._request_mails(request)
        self.assertTrue(mails)
        self.assertFalse(
            [m for m in mails if m.body_html or m.email_to or m.recipient_ids]
        )
        self.assertEqual(queued_mail.state, "cancel", "the queued email never leaves")
        self.assertIn("sent", mails.mapped("state"), "a sent email stays, empty")
        self.assertNotIn(partner, request.message_partner_ids)
        rating = self.env["rating.rating"].search(
            [("res_model", "=", "citizen.request"), ("res_id", "=", request.id)]
        )
        self.assertEqual(rating.rating, 4)
        self.assertFalse(rating.feedback)
        self.assertFalse(rating.partner_id)
        # audited
        log = self.env["citizen.audit.log"].search(
            [("res_model", "=", "citizen.request"), ("res_id", "=", request.id)]
        )
        self.assertEqual(log.action, "anonymisation")
        self.assertEqual(log.reference, reference)
        self.assertEqual(log.date, LATER)

    def test_requester_kind_kept(self):
        """Requests of a partner organisation are still counted as theirs."""
        school = self.env["res.partner"].create(
            {"name": "École Jules Ferry", "is_company": True}
        )
        request = self._closed_request(partner_id=school.id)
        self.assertEqual(request.requester_kind, "organisation")
        with freeze_time(LATER):
            self.Request._cron_anonymize_expired_requests()
        self.assertTrue(request.is_anonymized)
        self.assertFalse(request.partner_id)
        self.assertEqual(request.requester_kind, "organisation")

    def test_retention_not_over_or_kept(self):
        """Nothing is anonymised before the end of the retention, nor when
        the category keeps its requests (0), nor while a request is open."""
        recent = self._closed_request(closed_on=datetime(2025, 1, 10, 9, 0))
        kept = self._closed_request(category_id=self.category_noise.id)
        with freeze_time(CLOSED_ON):
            still_open = self._create_request(contact_name="Paul Open")
        with freeze_time(LATER):
            done = self.Request._cron_anonymize_expired_requests()
        self.assertEqual(done, 0)
        for request in recent | kept | still_open:
            self.assertFalse(request.is_anonymized)
            self.assertTrue(request.contact_name)

    def test_anonymisation_is_idempotent_and_batched(self):
        """The job goes by batches, reports its progress to the scheduler,
        and a second run changes and logs nothing more."""
        requests = self.Request
        for index in range(3):
            requests |= self._closed_request(contact_name=f"Personne {index}")
        cron = self.env.ref("citizen_relation.ir_cron_anonymize_expired_requests")
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": cron.id, "remaining": 0, "done": 0}
        )
        Request = self.Request.with_context(ir_cron_progress_id=progress.id)
        with freeze_time(LATER):
            self.assertEqual(Request._cron_anonymize_expired_requests(batch_size=2), 2)
            self.assertEqual((progress.done, progress.remaining), (2, 1))
            self.assertEqual(Request._cron_anonymize_expired_requests(batch_size=2), 1)
            self.assertEqual((progress.done, progress.remaining), (1, 0))
            logs = self.env["citizen.audit.log"].search_count(
                [("action", "=", "anonymisation")]
            )
            self.assertEqual(Request._cron_anonymize_expired_requests(batch_size=2), 0)
        self.assertTrue(all(requests.mapped("is_anonymized")))
        self.assertEqual(
            self.env["citizen.audit.log"].search_count(
                [("action", "=", "anonymisation")]
            ),
            logs,
        )

    def test_channel_report_unchanged(self):
        """The channel-equality figures are the same before and after."""
        town = self.env["res.company"].create({"name": "Commune de Test"})
        self._closed_request(company_id=town.id)
        self._closed_request(channel="phone", contact_email=False, company_id=town.id)
        with freeze_time(CLOSED_ON):
            self._create_request(
                channel="email", contact_name="Open", company_id=town.id
            )
        before = self._report_figures(town)
        self.assertEqual(sum(figures[0] for figures in before.values()), 3)
        self.assertEqual(before["web"][6], 4.0)
        with freeze_time(LATER):
            self.assertEqual(self.Request._cron_anonymize_expired_requests(), 2)
        self.assertEqual(self._report_figures(town), before)

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------

    def _run_export_action(self, user):
        """The action of the partner form, as the user runs it."""
        action = self.env.ref(
            "citizen_relation.action_res_partner_export_personal_data"
        )
        return (
            action.with_user(user)
            .with_context(
                active_model="res.partner",
                active_id=self.partner_citizen.id,
                active_ids=self.partner_citizen.ids,
            )
            .run()
        )

    def test_export_personal_data(self):
        """A manager downloads everything held on a person, logged; an
        agent may not."""
        request = self._closed_request(partner_id=self.partner_citizen.id)
        other = self._closed_request(
            contact_name="Quelqu'un d'autre", contact_email="autre@example.net"
        )
        with freeze_time(NOW):
            action = self._run_export_action(self.user_manager)
        self.assertEqual(action["type"], "ir.actions.act_url")
        export = self.env["citizen.personal.data.export"].search(
            [("partner_id", "=", self.partner_citizen.id)]
        )
        self.assertIn(f"/{export.id}/data/", action["url"])
        content = json.loads(base64.b64decode(export.data))
        self.assertEqual(content["person"]["email"], "denise.martin@example.net")
        self.assertEqual([r["reference"] for r in content["requests"]], [request.name])
        self.assertNotIn(other.name, json.dumps(content))
        exported = content["requests"][0]
        self.assertEqual(exported["address"]["street"], "12 rue Victor Hugo")
        self.assertTrue(
            any("M. Dupont" in m["body"] for m in exported["messages"]),
        )
        self.assertEqual(
            sorted(a["name"] for a in exported["attachments"]),
            ["photo.jpg", "trou.jpg"],
        )
        self.assertEqual(content["ratings"][0]["rating"], 4)
        log = self.env["citizen.audit.log"].search([("action", "=", "export")])
        self.assertEqual(log.user_id, self.user_manager)
        self.assertEqual(log.res_model, "res.partner")
        self.assertEqual(log.res_id, self.partner_citizen.id)
        self.assertEqual(log.date, NOW)
        # regression: the reference was the person's name
        self.assertEqual(log.reference, f"res.partner,{self.partner_citizen.id}")
        self.assertNotIn("Denise", f"{log.reference} {log.details}")

        with self.assertRaises(AccessError):
            self._run_export_action(self.user_agent)
        with self.assertRaises(AccessError):
            self.env["citizen.personal.data.export"].with_user(self.user_agent).create(
                {"partner_id": self.partner_citizen.id}
            )
        export_by_admin = self.env["citizen.personal.data.export"].create(
            {"partner_id": self.partner_citizen.id}
        )
        with self.assertRaises(AccessError):
            export_by_admin.with_user(self.user_agent)._get_personal_data()
        # only the managers who made an export read its file
        with self.assertRaises(AccessError):
            export.with_user(self.user_agent).read(["data"])
        with self.assertRaises(AccessError):
            self.env["citizen.audit.log"].with_user(self.user_agent).search([])

    # ------------------------------------------------------------------
    # Erasure requests
    # ------------------------------------------------------------------

    def test_erasure_accepted(self):
        """Accepting anonymises the person's closed requests at once, keeps
        the open ones, and is logged."""
        closed = self._closed_request(
            partner_id=self.partner_citizen.id,
            closed_on=datetime(2026, 2, 1, 9, 0),
        )
        with freeze_time(NOW):
            still_open = self._create_request(partner_id=self.partner_citizen.id)
            erasure = (
                self.env["citizen.erasure.request"]
                .with_user(self.user_manager)
                .create({"partner_id": self.partner_citizen.id})
            )
            self.assertEqual(erasure.closed_request_count, 1)
            self.assertEqual(erasure.open_request_count, 1)
            erasure.action_accept()
        self.assertEqual(erasure.state, "accepted")
        self.assertEqual(erasure.decision_user_id, self.user_manager)
        self.assertEqual(erasure.anonymized_count, 1)
        self.assertIn("1 open requests are kept", erasure.decision_note)
        self.assertTrue(closed.is_anonymized)
        self.assertFalse(closed.partner_id)
        self.assertFalse(still_open.is_anonymized)
        self.assertEqual(still_open.partner_id, self.partner_citizen)
        log = self.env["citizen.audit.log"].search(
            [("action", "=", "erasure_accepted")]
        )
        self.assertEqual(log.res_id, erasure.id)
        self.assertEqual(log.user_id, self.user_manager)
        # regression: "Erasure request of Denise Martin"
        self.assertEqual(log.reference, f"citizen.erasure.request,{erasure.id}")
        self.assertEqual(log.details, "1 closed requests anonymised.")
        # the contact is still needed for the open request
        self.assertFalse(erasure.date_completed)
        self.assertEqual(self.partner_citizen.name, "Denise Martin")
        with self.assertRaises(UserError):
            erasure.action_refuse()

    def test_erasure_closes_portal_account(self):
        """With nothing of theirs open, the person's portal account is closed
        as Odoo closes an account its owner deletes; while a request is open,
        it is kept for them to follow it."""
        with freeze_time(NOW):
            request = self._create_request(partner_id=self.partner_citizen.id)
            kept = (
                self.env["citizen.erasure.request"]
                .with_user(self.user_manager)
                .create({"partner_id": self.partner_citizen.id})
            )
            kept.action_accept()
        self.assertTrue(self.user_citizen.active)
        self.assertNotIn("portal account", kept.decision_note)
        request.action_close()
        login = self.user_citizen.login
        with freeze_time(NOW):
            erasure = (
                self.env["citizen.erasure.request"]
                .with_user(self.user_manager)
                .create({"partner_id": self.partner_citizen.id})
            )
            erasure.action_accept()
        self.assertTrue(request.is_anonymized)
        self.assertFalse(self.user_citizen.active)
        self.assertNotEqual(self.user_citizen.login, login)
        self.assertTrue(self.user_citizen.login.startswith("__deleted_user_"))
        self.assertTrue(
            self.env["res.users.deletion"].search(
                [("user_id", "=", self.user_citizen.id), ("state", "=", "todo")]
            )
        )
        self.assertIn("The portal account was closed.", erasure.decision_note)
        # a staff member's account is never closed this way
        agent_erasure = self.env["citizen.erasure.request"].create(
            {"partner_id": self.user_agent.partner_id.id}
        )
        agent_erasure.with_user(self.user_manager).action_accept()
        self.assertTrue(self.user_agent.active)
        self.assertEqual(self.user_agent.partner_id.name, "Agnès Voirie")
        self.assertIn("staff account", agent_erasure.decision_note)

    def test_erasure_anonymises_contact_in_place(self):
        """Regression: after an accepted erasure, the contact kept the
        person's name, email, phone and street, the history of its changes
        kept the old ones, and the audit log kept their name. The contact is
        now anonymised in place and archived, so the register keeps its
        link; the log keeps ids."""
        partner = self.partner_citizen
        partner.write(
            {
                "phone": "06 12 34 56 78",
                "mobile": "07 98 76 54 32",
                "street": "12 rue Victor Hugo",
                "zip": "76540",
                "city": "Valmont",
                "comment": "<p>Allergique aux piqûres</p>",
            }
        )
        # a change tracked on the contact keeps the old address
        partner.email = "denise.m@example.net"
        self.flush_tracking()
        request = self._closed_request(partner_id=partner.id)
        # an entry written by an earlier version, with the person's name
        old_entry = self.env["citizen.audit.log"]._log(
            "export", partner, references={partner.id: "Denise Martin"}
        )
        old_entry.details = "Export for Denise Martin (denise.m@example.net)."
        with freeze_time(NOW):
            erasure = (
                self.env["citizen.erasure.request"]
                .with_user(self.user_manager)
                .create({"partner_id": partner.id})
            )
            erasure.action_accept()
        self.assertTrue(request.is_anonymized)
        self.assertEqual(erasure.date_completed, NOW)
        self.assertIn("The contact was anonymised and archived.", erasure.decision_note)
        partner = erasure.with_context(active_test=False).partner_id
        self.assertEqual(partner, self.partner_citizen, "the register keeps its link")
        self.assertEqual(partner.name, "Anonymised person")
        self.assertFalse(partner.active)
        for field in ("email", "phone", "mobile", "street", "zip", "city", "comment"):
            self.assertFalse(partner[field], field)
        self.assertFalse(partner.email_normalized)
        self.assertFalse(partner.citizen_confirmed_email)
        self.assertFalse(partner.image_1920)
        self.assertEqual(self.user_citizen.name, "Anonymised person")
        trackings = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", partner.id),
            ]
        )
        self.assertFalse(
            trackings.filtered(
                lambda t: "denise" in f"{t.old_value_char} {t.new_value_char}".lower()
            )
        )
        logs = self.env["citizen.audit.log"].search([])
        self.assertFalse(
            [
                log
                for log in logs
                if "denise" in f"{log.reference} {log.details}".lower()
            ]
        )
        self.assertEqual(old_entry.reference, f"res.partner,{partner.id}")
        self.assertEqual(old_entry.details, "Export for […] ([…]).")
        self.assertTrue(
            logs.filtered(
                lambda log: log.action == "anonymisation"
                and log.res_model == "res.partner"
                and log.res_id == partner.id
            )
        )

    def test_erasure_completed_once_requests_closed(self):
        """A request open when the erasure was accepted is anonymised by the
        nightly job once closed, retention or not; the contact is then
        anonymised and the erasure completed."""
        with freeze_time(NOW):
            request = self._create_request(partner_id=self.partner_citizen.id)
            erasure = (
                self.env["citizen.erasure.request"]
                .with_user(self.user_manager)
                .create({"partner_id": self.partner_citizen.id})
            )
            erasure.action_accept()
            self.Request._cron_anonymize_expired_requests()
        self.assertFalse(request.is_anonymized, "still handled")
        self.assertFalse(erasure.date_completed)
        self.assertTrue(self.partner_citizen.active)
        request.action_close()
        with freeze_time(NOW):
            self.Request._cron_anonymize_expired_requests()
        self.assertTrue(request.is_anonymized)
        self.assertEqual(erasure.anonymized_count, 1)
        self.assertEqual(erasure.date_completed, NOW)
        self.assertEqual(self.partner_citizen.name, "Anonymised person")
        self.assertFalse(self.user_citizen.active)

    def test_audit_log_names_removed_on_upgrade(self):
        """The upgrade to 18.0.1.3.0 rewrites the entries that named a person:
        references of contacts and erasure requests, notes copied into the
        decisions."""
        with freeze_time(NOW):
            request = self._closed_request(partner_id=self.partner_citizen.id)
        erasure = self.env["citizen.erasure.request"].create(
            {
                "partner_id": self.partner_citizen.id,
                "state": "refused",
                "refusal_reason": "legal_claims",
                "decision_note": "Mme Denise Martin conteste une amende.",
            }
        )
        Log = self.env["citizen.audit.log"]
        old = Log._log(
            "export",
            self.partner_citizen,
            references={self.partner_citizen.id: "Denise Martin"},
        )
        old |= Log._log(
            "erasure_refused",
            erasure,
            details="Legal claims. Mme Denise Martin conteste une amende.",
            references={erasure.id: "Erasure request of Denise Martin"},
        )
        old |= Log._log("anonymisation", request, details="Retention.")
        path = file_path("citizen_relation/migrations/18.0.1.3.0/post-migration.py")
        spec = importlib.util.spec_from_file_location("post_migration", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        migration.migrate(self.env.cr, "18.0.1.2.0")
        old.invalidate_recordset()
        self.assertEqual(
            old.mapped("reference"),
            [
                f"res.partner,{self.partner_citizen.id}",
                f"citizen.erasure.request,{erasure.id}",
                request.name,
            ],
        )
        self.assertEqual(old[1].details, "Legal claims")
        self.assertEqual(old[2].details, "Retention.")

    def test_erasure_refused(self):
        """A refusal needs a reason; it is logged, nothing is erased."""
        with freeze_time(NOW):
            request = self._create_request(partner_id=self.partner_citizen.id)
        erasure = (
            self.env["citizen.erasure.request"]
            .with_user(self.user_manager)
            .create({"partner_id": self.partner_citizen.id})
        )
        with self.assertRaises(UserError):
            erasure.action_refuse()
        erasure.write(
            {
                "refusal_reason": "public_interest",
                "decision_note": "Request still being handled.",
            }
        )
        erasure.action_refuse()
        self.assertEqual(erasure.state, "refused")
        self.assertFalse(request.is_anonymized)
        log = self.env["citizen.audit.log"].search([("action", "=", "erasure_refused")])
        self.assertIn("public interest", log.details)
        # the note stays on the decision; the log copies no free text
        self.assertNotIn("Request still being handled.", log.details)
        self.assertEqual(erasure.decision_note, "Request still being handled.")
        # an agent decides nothing
        other = self.env["citizen.erasure.request"].create(
            {"partner_id": self.partner_citizen.id}
        )
        with self.assertRaises(AccessError):
            other.with_user(self.user_agent).action_accept()

    # ------------------------------------------------------------------
    # Consent
    # ------------------------------------------------------------------

    def test_consent_values(self):
        """The consent accepted on the web form is stored with its date."""
        with freeze_time(NOW):
            request = self._create_request(**self.Request._get_web_consent_values())
        self.assertIn("then anonymised", request.consent_text)
        self.assertEqual(request.consent_date, NOW)
