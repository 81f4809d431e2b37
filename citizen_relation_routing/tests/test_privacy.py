from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import Form, tagged

from odoo.addons.citizen_relation.tests.photos import make_gps_jpeg

from .common import NOW, CitizenRoutingCommon

TITLE = "Marie Dupont: nid de poule devant chez moi"
HEALTH = "<p>Marie Dupont, diabétique, ne peut plus sortir en fauteuil.</p>"
REASON = "Mme Dupont est en fauteuil roulant, à traiter vite"
# What must be found nowhere once the request is anonymised.
TRACES = ("dupont", "diabétique", "fauteuil", "victor hugo", "06 12 34 56 78")
ERASED_REASON = "Reason erased with the personal data."


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestRoutingPrivacy(CitizenRoutingCommon):
    """Regression: erasure and the retention job left the copies routing makes
    of a request: the work order kept title, description (health details),
    address and photos, the technicians' messages stayed, and so did the
    transfer reasons."""

    def _handled_request(self):
        """A request with every copy routing makes: photo, transfer with a
        reason, work order with the photo and a technician's message, an
        escalation, tracked changes and emails still queued."""
        self.category_pothole.retention_months = 12
        request = self._new_request(
            title=TITLE,
            description=HEALTH,
            district="Centre",
            team_id=self.team_front.id,
        )
        request.message_post(
            body="Voici la photo, j'habite au 12 rue Victor Hugo",
            author_id=self.citizen.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("trou.jpg", make_gps_jpeg())],
        )
        wizard = Form(
            self.env["citizen.request.transfer.wizard"]
            .with_user(self.user_front)
            .with_context(active_model="citizen.request", active_ids=request.ids)
        )
        wizard.team_id = self.team_roads
        wizard.reason = REASON
        wizard.save().action_transfer()
        order = request.work_order_ids
        self.assertEqual(len(order), 1)
        self.assertIn("Dupont", order.name)
        self.assertIn("diabétique", order.description)
        self.assertIn("Victor Hugo", order.location)
        self.assertTrue(self._attachments(order), "the photo is copied")
        order.email_cc = "voisin.dupont@example.org"
        order.message_post(
            body="Appelé Mme Dupont au 06 12 34 56 78, passage demain",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        request._escalate("deadline", date(2026, 3, 1), "Mme Dupont attend encore")
        request.title = "Nid de poule rue Victor Hugo"
        self.flush_tracking()
        request.message_post(
            body="Bonjour Marie Dupont, nous passons demain.",
            partner_ids=self.citizen.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            force_send=False,
        )
        self.assertIn("outgoing", self._mails(request).mapped("state"))
        request.action_close()
        return request, order

    def _attachments(self, records):
        return self.env["ir.attachment"].search(
            [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        )

    def _messages(self, records):
        return self.env["mail.message"].search(
            [("model", "=", records._name), ("res_id", "in", records.ids)]
        )

    def _mails(self, records):
        return (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", records._name), ("res_id", "in", records.ids)])
        )

    def _assert_no_trace(self, texts, what):
        for text in texts:
            for trace in TRACES:
                self.assertNotIn(trace, str(text or "").lower(), what)

    def _assert_every_copy_clean(self, request, order):
        self.assertTrue(request.is_anonymized)
        # the work order: reference kept, place as coarse as the request's
        self.assertEqual(order.citizen_request_id, request)
        self.assertEqual(order.name, f"{request.name} - Anonymised request")
        self.assertFalse(order.description)
        self.assertEqual(order.location, "Valmont (Centre)")
        self.assertFalse(order.email_cc)
        self.assertFalse(self._attachments(request), "no photo left")
        self.assertFalse(self._attachments(order), "no copy of a photo left")
        # threads of the request and of the work order
        for records in (request, order):
            messages = self._messages(records)
            self.assertTrue(messages, "the history stays, empty")
            self._assert_no_trace(messages.mapped("body"), "message body")
            self._assert_no_trace(messages.mapped("record_name"), "message record")
            self._assert_no_trace(messages.mapped("subject"), "message subject")
            self.assertFalse(messages.attachment_ids)
            trackings = self.env["mail.tracking.value"].search(
                [("mail_message_id", "in", messages.ids)]
            )
            self._assert_no_trace(
                trackings.mapped("old_value_char") + trackings.mapped("new_value_char"),
                "tracked value",
            )
            mails = self._mails(records)
            self.assertFalse(mails.filtered(lambda m: m.state == "outgoing"))
            self._assert_no_trace(mails.mapped("body_html"), "email")
            self.assertFalse(any(mails.mapped("email_to")))
        # the history of the handling stays, without its text
        transfer = request.transfer_ids
        self.assertEqual(transfer.to_team_id, self.team_roads)
        self.assertEqual(transfer.user_id, self.user_front)
        self.assertEqual(transfer.reason, ERASED_REASON)
        escalation = self.env["citizen.request.escalation"].search(
            [("request_id", "=", request.id)]
        )
        self.assertEqual(escalation.kind, "deadline")
        logs = self.env["citizen.audit.log"].search([])
        self._assert_no_trace(logs.mapped("reference") + logs.mapped("details"), "log")

    def test_erasure_reaches_every_copy(self):
        request, order = self._handled_request()
        erasure = (
            self.env["citizen.erasure.request"]
            .with_user(self.user_manager)
            .create({"partner_id": self.citizen.id})
        )
        erasure.action_accept()
        self._assert_every_copy_clean(request, order)
        # the contact is anonymised in place
        self.assertEqual(
            erasure.with_context(active_test=False).partner_id, self.citizen
        )
        self.assertEqual(self.citizen.name, "Anonymised person")
        self.assertFalse(self.citizen.email)

    def test_retention_reaches_every_copy(self):
        request, order = self._handled_request()
        with freeze_time(datetime(2027, 4, 1, 3, 0)):
            self.env["citizen.request"]._cron_anonymize_expired_requests()
        self._assert_every_copy_clean(request, order)
        # the retention job anonymises requests, not contacts
        self.assertEqual(self.citizen.name, "Marie Dupont")
