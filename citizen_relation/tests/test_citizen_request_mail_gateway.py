from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import (
    GATEWAY_HEADERS,
    NOW,
    RAW_EMAIL,
    CitizenRequestCommon,
    mime_part,
    raw_email,
)

BOUNCE_EMAIL = raw_email(
    [
        mime_part(
            "text/plain; charset=us-ascii",
            "This is the mail system at host mail.example.org.\n"
            "I'm sorry to have to inform you that your message could not be "
            "delivered.\n",
        ),
        mime_part(
            "message/delivery-status",
            "Reporting-MTA: dns; mail.example.org\n"
            "Final-Recipient: rfc822; {email_from}\n"
            "Action: failed\n"
            "Status: 5.1.1\n",
        ),
    ],
    "Return-Path: <>",
    "{extra}",
    email_from="Mail Delivery System <MAILER-DAEMON@mail.example.org>",
    date="Wed, 4 Mar 2026 09:40:00 +0000",
    content_type="multipart/report; report-type=delivery-status",
    boundary="BOUNDARY",
)

BAD_CHARSET_EMAIL = raw_email(
    "Le lampadaire du square Verlaine est en panne depuis une semaine.\n",
    *GATEWAY_HEADERS,
    content_type='text/plain; charset="x-unknown-charset"',
)


@tagged("post_install", "-at_install")
class TestCitizenRequestMailGateway(CitizenRequestCommon):
    def _send(self, template=RAW_EMAIL, **kwargs):
        kwargs.setdefault("email_from", "Gaston Leroy <gaston.leroy@example.com>")
        kwargs.setdefault("to", self.alias_email)
        kwargs.setdefault("subject", "Nid de poule rue Victor Hugo")
        with self.mock_mail_gateway():
            self.env["mail.thread"].sudo().message_process(
                None, self.format(template, **kwargs)
            )

    def setUp(self):
        super().setUp()
        self.last_id = self.Request.search([], order="id desc", limit=1).id or 0

    def _requests(self):
        """Requests created by email during the test."""
        return self.Request.search(
            [("channel", "=", "email"), ("id", ">", self.last_id)]
        )

    @freeze_time(NOW)
    def test_new_email_creates_request(self):
        with self.mock_mail_gateway():
            request = self.format_and_process(
                RAW_EMAIL,
                "Gaston Leroy <gaston.leroy@example.com>",
                self.alias_roads_email,
                subject="Nid de poule rue Victor Hugo",
                msg_id="<first-message@example.com>",
                target_model="citizen.request",
                target_field="title",
            )
        self.assertEqual(len(request), 1)
        self.assertEqual(request.channel, "email")
        self.assertEqual(request.source_ref, "<first-message@example.com>")
        self.assertEqual(request.category_id, self.category)
        self.assertEqual(request.partner_id.email, "gaston.leroy@example.com")
        self.assertEqual(request.partner_id.name, "Gaston Leroy")
        self.assertEqual(request.contact_email, "gaston.leroy@example.com")
        incoming = request.message_ids.filtered(
            lambda m: m.message_id == "<first-message@example.com>"
        )
        self.assertIn("nid de poule profond", incoming.body)
        self.assertIn("nid de poule profond", request.description)
        self.assertIn(request, self._run_acknowledgement_job())
        self.assertEqual(len(self._acknowledgements(request)), 1)
        # The same email delivered again creates nothing and sends nothing.
        self._send(msg_id="<first-message@example.com>")
        self.assertEqual(self._requests(), request)
        self.assertEqual(len(self._acknowledgements(request)), 1)

    @freeze_time(NOW)
    def test_known_sender_is_matched(self):
        self._send(email_from="Denise <denise.martin@example.net>")
        request = self._requests()
        self.assertEqual(request.partner_id, self.partner_citizen)

    @freeze_time(NOW)
    def test_auto_reply_creates_nothing(self):
        """Out-of-office replies and robots never open a request."""
        self._send(extra="Auto-Submitted: auto-replied", msg_id="<ooo-1@example.com>")
        self._send(extra="X-Autoreply: yes", msg_id="<ooo-2@example.com>")
        self._send(extra="Precedence: auto_reply", msg_id="<ooo-3@example.com>")
        self.assertFalse(self._requests())
        # A person writing "Auto-Submitted: no" is a person.
        self._send(extra="Auto-Submitted: no", msg_id="<human@example.com>")
        self.assertEqual(len(self._requests()), 1)

    @freeze_time(NOW)
    def test_bounce_creates_nothing(self):
        """A delivery status notification for the acknowledgement is a bounce:
        never a request; the requester's address is marked as bouncing, so
        that agents use another channel."""
        self._send(msg_id="<to-bounce@example.com>")
        request = self._requests()
        self._run_acknowledgement_job()
        ack = self._acknowledgements(request)
        self._send(
            template=BOUNCE_EMAIL,
            subject="Undelivered Mail Returned to Sender",
            email_from="gaston.leroy@example.com",
            msg_id="<bounce-1@mail.example.org>",
            extra=f"In-Reply-To: {ack.message_id}\nReferences: {ack.message_id}",
        )
        self.assertEqual(self._requests(), request)
        self.assertFalse(request.is_closed)
        self.assertEqual(request.partner_id.message_bounce, 1)

    @freeze_time(NOW)
    def test_malformed_charset_is_kept(self):
        """An unknown charset loses neither the request nor its text."""
        self._send(
            template=BAD_CHARSET_EMAIL,
            subject="Lampadaire en panne",
            msg_id="<charset@example.com>",
        )
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.title, "Lampadaire en panne")
        incoming = request.message_ids.filtered(
            lambda m: m.message_id == "<charset@example.com>"
        )
        self.assertIn("square Verlaine", incoming.body)

    @freeze_time(NOW)
    def test_reply_threads_onto_request(self):
        """A reply lands on its request; from the requester it reopens a
        resolved request; an auto-reply never does."""
        self._send(msg_id="<original@example.com>")
        request = self._requests()
        self._run_acknowledgement_job()
        self.flush_tracking()
        request.action_resolve()
        self.flush_tracking()
        self.assertTrue(request.is_closed)
        resolution = self._request_mails(request).filtered(
            lambda m: "has been resolved" in (m.subject or "")
        )
        self.assertEqual(len(resolution), 1)
        # Out-of-office answer to the resolution email: logged, not reopened.
        self._send(
            subject=f"Re: {request.name}",
            msg_id="<ooo-reply@example.com>",
            extra=f"In-Reply-To: {resolution.message_id}\nAuto-Submitted: auto-replied",
        )
        self.assertEqual(len(self._requests()), 1)
        self.assertTrue(request.is_closed)
        self.assertIn(
            "<ooo-reply@example.com>", request.message_ids.mapped("message_id")
        )
        # The citizen answers: the message is on the request, which reopens.
        self._send(
            subject=f"Re: {request.name}",
            msg_id="<reply@example.com>",
            extra=f"In-Reply-To: {resolution.message_id}",
        )
        self.assertEqual(len(self._requests()), 1)
        self.assertIn("<reply@example.com>", request.message_ids.mapped("message_id"))
        self.assertFalse(request.is_closed)

    @freeze_time(NOW)
    def test_reply_does_not_reopen_closed_request(self):
        self._send(msg_id="<original-2@example.com>")
        request = self._requests()
        self._run_acknowledgement_job()
        ack = self._acknowledgements(request)
        request.action_close()
        self._send(
            subject=f"Re: {request.name}",
            msg_id="<late-reply@example.com>",
            extra=f"In-Reply-To: {ack.message_id}",
        )
        self.assertEqual(len(self._requests()), 1)
        self.assertTrue(request.is_closed)
        self.assertEqual(
            request.stage_id, self.env.ref("citizen_relation.stage_closed")
        )

    @freeze_time(NOW)
    def test_sender_loop_is_stopped(self):
        """A robot that keeps writing to the alias opens a bounded number of
        requests, then is ignored."""
        self.env["ir.config_parameter"].set_param("mail.gateway.loop.threshold", 3)
        for index in range(5):
            self._send(
                email_from="robot@example.com",
                subject=f"Alerte {index}",
                msg_id=f"<loop-{index}@example.com>",
            )
        self.assertEqual(len(self._requests()), 3)

    @freeze_time(NOW)
    def test_reply_never_changes_the_request(self):
        """Whoever writes, a reply is a message: it never changes the stage,
        the assignee or the requester of the request."""
        self._send(msg_id="<original-3@example.com>")
        request = self._requests()
        request.user_id = self.user_agent
        self._run_acknowledgement_job()
        ack = self._acknowledgements(request)
        stage, partner = request.stage_id, request.partner_id
        self._send(
            email_from="Mallory <mallory@example.com>",
            subject="Re: assign to me",
            msg_id="<spoof@example.com>",
            extra=f"In-Reply-To: {ack.message_id}",
        )
        self.assertEqual(len(self._requests()), 1)
        self.assertEqual(request.stage_id, stage)
        self.assertEqual(request.user_id, self.user_agent)
        self.assertEqual(request.partner_id, partner)
        self.assertIn("<spoof@example.com>", request.message_ids.mapped("message_id"))

    @freeze_time(NOW)
    def test_raw_8bit_headers_without_message_id(self):
        """Raw Latin-1 bytes in the headers and no Message-Id: the request is
        still created, with its text."""
        raw = (
            raw_email(
                "Le trottoir est défoncé devant la boulangerie.\n",
                to=self.alias_email,
                email_from="Rene Lefebvre <rene@example.com>",
                subject="Trottoir défoncé",
                msg_id=None,
                content_type="text/plain",
            )
            .replace("\n", "\r\n")
            .encode("latin-1")
        )
        with self.mock_mail_gateway():
            self.env["mail.thread"].sudo().message_process(None, raw)
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertIn("Trottoir", request.title)
        self.assertIn("boulangerie", request.description)
        self.assertTrue(request.source_ref)

    def _suggested_emails(self, request):
        """Addresses the chatter offers an agent to write to."""
        suggestions = request.with_user(
            self.user_agent
        )._message_get_suggested_recipients()
        return {suggestion.get("email") or "" for suggestion in suggestions}

    @freeze_time(NOW)
    def test_forged_reply_does_not_add_its_cc(self):
        """Regression: a reply from someone who is neither the requester nor a
        follower, carrying the Message-Id of the acknowledgement and a Cc:,
        added that Cc to the request's email_cc, and agents were offered to
        write to it. The message is still logged; only the Cc of the first
        email and of the requester's own replies are kept."""
        self._send(msg_id="<cc-origin@example.com>", cc="Voisine <voisine@example.com>")
        request = self._requests()
        self.assertIn("voisine@example.com", request.email_cc)
        self._run_acknowledgement_job()
        ack = self._acknowledgements(request)
        self._send(
            email_from="Mallory <mallory@example.com>",
            subject=f"Re: {request.name}",
            msg_id="<cc-forged@example.com>",
            cc="Complice <complice@example.com>",
            extra=f"In-Reply-To: {ack.message_id}",
        )
        self.assertEqual(len(self._requests()), 1)
        self.assertIn(
            "<cc-forged@example.com>", request.message_ids.mapped("message_id")
        )
        self.assertNotIn("complice@example.com", request.email_cc)
        suggested = self._suggested_emails(request)
        self.assertFalse(any("complice@example.com" in email for email in suggested))
        self.assertTrue(any("voisine@example.com" in email for email in suggested))
        # the requester answers with their son in copy: kept
        self._send(
            subject=f"Re: {request.name}",
            msg_id="<cc-requester@example.com>",
            cc="Fils Leroy <fils.leroy@example.com>",
            extra=f"In-Reply-To: {ack.message_id}",
        )
        self.assertIn("fils.leroy@example.com", request.email_cc)
        self.assertIn("voisine@example.com", request.email_cc)
        # an out-of-office robot answering from the requester's address
        # chooses no recipient for the town
        self._send(
            subject="Absent",
            msg_id="<cc-robot@example.com>",
            cc="Secretariat <secretariat@example.com>",
            extra=f"In-Reply-To: {ack.message_id}\nAuto-Submitted: auto-replied",
        )
        self.assertNotIn("secretariat@example.com", request.email_cc)

    @freeze_time(NOW)
    def test_follower_reply_keeps_its_cc(self):
        """An agent following the request answers from their mailbox with a
        colleague in copy: the copy is kept."""
        self._send(msg_id="<cc-follower-origin@example.com>")
        request = self._requests()
        request.message_subscribe(partner_ids=self.user_agent.partner_id.ids)
        self._run_acknowledgement_job()
        ack = self._acknowledgements(request)
        self._send(
            email_from=f"Agnes Voirie <{self.user_agent.email}>",
            subject=f"Re: {request.name}",
            msg_id="<cc-follower@example.com>",
            cc="Service Eau <eau@valmont.example.org>",
            extra=f"In-Reply-To: {ack.message_id}",
        )
        self.assertIn("eau@valmont.example.org", request.email_cc or "")

    def _send_dated(self, header_date, **kwargs):
        template = RAW_EMAIL.replace(
            "Date: Wed, 4 Mar 2026 09:30:00 +0000", f"Date: {header_date}"
        )
        kwargs.setdefault("to", self.alias_roads_email)
        self._send(template=template, **kwargs)

    def _incoming(self, request, msg_id):
        return request.message_ids.filtered(lambda m: m.message_id == msg_id)

    @freeze_time(NOW)
    def test_date_header_far_in_the_past_is_not_believed(self):
        """Regression: an email dated 1990 became DEM-1990-00001, received
        in 1990, its deadline long passed: late and escalated at once. A Date:
        header more than five days old gives way to the reception time, for
        the request and for its message; so does one of a later reply."""
        self._send_dated("Mon, 1 Jan 1990 08:00:00 +0000", msg_id="<old@example.com>")
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.date_received, NOW)
        self.assertTrue(request.name.startswith("DEM-2026-"), request.name)
        # five working days after Wednesday 4 March 2026
        self.assertEqual(request.date_deadline, date(2026, 3, 11))
        self.assertFalse(request.is_late)
        self.assertEqual(self._incoming(request, "<old@example.com>").date, NOW)
        self.assertFalse(
            self.env["ir.sequence.date_range"].search(
                [
                    ("date_from", "<=", date(1990, 1, 1)),
                    ("date_to", ">=", date(1990, 1, 1)),
                ]
            ),
            "no numbering period opened for 1990",
        )
        self._run_acknowledgement_job()
        ack = self._acknowledgements(request)
        self._send_dated(
            "Sat, 1 Jan 2000 00:00:00 +0000",
            subject=f"Re: {request.name}",
            msg_id="<old-reply@example.com>",
            extra=f"In-Reply-To: {ack.message_id}",
        )
        self.assertEqual(self._incoming(request, "<old-reply@example.com>").date, NOW)
        self.assertEqual(request.date_received, NOW)

    @freeze_time(NOW)
    def test_date_header_in_the_future_is_not_believed(self):
        """A Date: header in the future (a wrong clock, or a message meant to
        stay at the top of the thread) gives way to the reception time."""
        self._send_dated(
            "Fri, 1 Jan 2100 08:00:00 +0000", msg_id="<future@example.com>"
        )
        request = self._requests()
        self.assertEqual(request.date_received, NOW)
        self.assertEqual(self._incoming(request, "<future@example.com>").date, NOW)
        # a sender clock two hours ahead (local time sent as UTC)
        self._send_dated(
            "Wed, 4 Mar 2026 12:00:00 +0000",
            subject="Lampadaire",
            msg_id="<ahead@example.com>",
        )
        ahead = self._requests() - request
        self.assertEqual(ahead.date_received, NOW)
        self.assertEqual(self._incoming(ahead, "<ahead@example.com>").date, NOW)

    @freeze_time(NOW)
    def test_date_header_of_a_delayed_email_is_kept(self):
        """An email sent on Friday evening and fetched on Wednesday morning
        (mail server down over a long weekend) keeps its sending date: the
        town received it then."""
        self._send_dated(
            "Fri, 27 Feb 2026 18:00:00 +0100", msg_id="<friday@example.com>"
        )
        request = self._requests()
        self.assertEqual(request.date_received, datetime(2026, 2, 27, 17, 0))
        self.assertEqual(
            self._incoming(request, "<friday@example.com>").date,
            datetime(2026, 2, 27, 17, 0),
        )
