"""Hostile and broken emails at the request aliases.

Every email is processed or refused cleanly: never lost, never a traceback
that would make the fetch loop take it again forever, never a change of the
request made by whoever claims to answer it.
"""

import base64
import contextlib

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.common import (
    mime_part,
    raw_email,
    run_acknowledgement_job,
)
from odoo.addons.mail.tests.common import MailCommon

from .reliability_common import build_town

NOW = "2026-03-04 10:00:00"

PLAIN = raw_email("Bonjour, le lampadaire du 4 rue Hugo est en panne.\n", "{extra}")

NO_MESSAGE_ID = raw_email(
    "Sans identifiant de message, un banc cassé au square.\n", msg_id=None
)

NESTED_RFC822 = raw_email(
    [
        mime_part(
            'text/plain; charset="utf-8"',
            "Je transfère le message de mon voisin au sujet du trottoir.\n",
        ),
        mime_part(
            "message/rfc822",
            raw_email(
                [
                    mime_part(
                        'text/plain; charset="utf-8"',
                        "Le trottoir est défoncé devant le 8.",
                    ),
                    mime_part(
                        'text/html; charset="utf-8"',
                        "<p>Le trottoir est défoncé <script>alert(1)</script>"
                        "devant le 8.</p>",
                    ),
                ],
                to="moi@example.net",
                email_from="Voisin <voisin@example.net>",
                subject="Trottoir",
                msg_id="<inner-forwarded@example.net>",
                date=None,
                content_type="multipart/alternative",
                boundary="INNER",
            ),
        ),
        mime_part(
            'pdf; name="plan.pdf"',
            "JVBERi0xLjQK",
            "Content-Transfer-Encoding: base64",
        ),
        mime_part(
            'binary/octet-stream; name="data.bin"',
            "AAECAwQ=",
            "Content-Transfer-Encoding: base64",
        ),
    ],
    content_type="multipart/mixed",
    boundary="OUTER",
)

WITH_ATTACHMENT = raw_email(
    [
        mime_part('text/plain; charset="utf-8"', "Voici la vidéo du dépôt sauvage.\n"),
        mime_part(
            'application/octet-stream; name="depot.mp4"',
            "{payload}",
            'Content-Disposition: attachment; filename="depot.mp4"',
            "Content-Transfer-Encoding: base64",
        ),
    ],
    content_type="multipart/mixed",
    boundary="PARTS",
)

DSN = raw_email(
    [
        mime_part(
            "text/plain; charset=us-ascii", "Your message could not be delivered.\n"
        ),
        mime_part(
            "message/delivery-status",
            "Reporting-MTA: dns; mail.example.net\n\n"
            "Final-Recipient: rfc822; {bounced}\n"
            "Action: failed\n"
            "Status: 5.1.1\n",
        ),
        mime_part(
            "message/rfc822",
            raw_email(
                "",
                to="{bounced}",
                email_from="{original_from}",
                subject="Your request",
                msg_id="{original_id}",
                date=None,
            ),
        ),
    ],
    email_from="Mail Delivery System <MAILER-DAEMON@mail.example.net>",
    subject="Undelivered Mail Returned to Sender",
    msg_id="<dsn-1@mail.example.net>",
    date="Wed, 4 Mar 2026 09:40:00 +0000",
    content_type="multipart/report; report-type=delivery-status",
    boundary="DSN",
)


@tagged("post_install", "-at_install")
class TestMailGatewayHostile(MailCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_town(cls)
        cls.alias = cls.env["mail.alias"].create(
            {
                "alias_name": "demandes-rel",
                "alias_model_id": cls.env["ir.model"]._get_id("citizen.request"),
                "alias_domain_id": cls.mail_alias_domain.id,
                "alias_contact": "everyone",
            }
        )
        cls.alias_email = f"demandes-rel@{cls.alias_domain}"
        cls.Request = cls.env["citizen.request"]

    def setUp(self):
        super().setUp()
        self.last_id = self.Request.search([], order="id desc", limit=1).id

    def _new_requests(self):
        return self.Request.search([("id", ">", self.last_id)], order="id")

    def _process(self, template, **values):
        values.setdefault("to", self.alias_email)
        values.setdefault("email_from", "Gaston Leroy <gaston.leroy@example.com>")
        values.setdefault("subject", "Lampadaire en panne")
        values.setdefault("msg_id", "<hostile-1@example.net>")
        values.setdefault("extra", "")
        raw = template.format(**values)
        with self.mock_mail_gateway():
            return self.env["mail.thread"].sudo().message_process(None, raw)

    def _emails_to(self, partner, request=None):
        """Email notifications to a partner (they outlive the sent mails)."""
        domain = [
            ("res_partner_id", "=", partner.id),
            ("notification_type", "=", "email"),
            ("mail_message_id.model", "=", "citizen.request"),
        ]
        if request:
            domain.append(("mail_message_id.res_id", "=", request.id))
        return self.env["mail.notification"].search(domain, order="id")

    def _acknowledgement(self, request):
        """The message that acknowledged the request to its requester, written
        by the job its creation woke up."""
        if not request.acknowledgement_method:
            self.assertIn(request, run_acknowledgement_job(self.env))
        notifications = self._emails_to(request.partner_id, request)
        self.assertEqual(len(notifications), 1, "one acknowledgement")
        return notifications.mail_message_id

    @freeze_time(NOW)
    def test_duplicate_message_id(self):
        """The same email delivered twice opens one request, acknowledged once."""
        self._process(PLAIN, msg_id="<twice@example.net>")
        self._process(PLAIN, msg_id="<twice@example.net>")
        request = self._new_requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.partner_id.email, "gaston.leroy@example.com")
        self.assertIn(request, run_acknowledgement_job(self.env))
        self.assertEqual(len(self._emails_to(request.partner_id, request)), 1)

    @freeze_time(NOW)
    def test_portal_user_writing_by_email_is_acknowledged(self):
        """A citizen who also has a portal account writes to the alias: the
        acknowledgement is emailed to them like to anybody else."""
        denise = self.users["citizen"].partner_id
        self._process(
            PLAIN,
            email_from="Denise Martin <denise.martin@example.net>",
            msg_id="<portal-user@example.net>",
        )
        request = self._new_requests()
        self.assertEqual(request.partner_id, denise)
        self.assertIn(request, run_acknowledgement_job(self.env))
        self.assertEqual(request.acknowledgement_method, "email")
        self.assertEqual(len(self._emails_to(request.partner_id, request)), 1)

    @freeze_time(NOW)
    def test_no_message_id(self):
        self._process(NO_MESSAGE_ID, subject="Banc cassé")
        request = self._new_requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.title, "Banc cassé")
        self.assertIn("banc cassé au square", request.description)

    @freeze_time(NOW)
    def test_nested_rfc822_and_odd_parts(self):
        """A forwarded email, a bare 'pdf' type and a binary part: the request
        is created with its text and files, and the forwarded HTML is inert."""
        self._process(
            NESTED_RFC822, subject="Fwd: Trottoir", msg_id="<fwd@example.net>"
        )
        request = self._new_requests()
        self.assertEqual(len(request), 1)
        self.assertIn("message de mon voisin", request.description)
        incoming = request.message_ids.filtered(
            lambda m: m.message_id == "<fwd@example.net>"
        )
        self.assertEqual(len(incoming), 1)
        for html in (request.description, incoming.body):
            self.assertNotIn("<script", html)
        self.assertTrue(incoming.attachment_ids, "the parts are kept as files")
        self.assertFalse(any(incoming.attachment_ids.mapped("public")))

    @freeze_time(NOW)
    def test_huge_headers(self):
        """A thousand references and a ten-thousand-character subject."""
        references = " ".join(f"<ref-{index}@example.net>" for index in range(1000))
        subject = "Nid de poule " + "x" * 10000
        self._process(
            PLAIN,
            subject=subject,
            msg_id="<huge@example.net>",
            extra=f"References: {references}",
        )
        request = self._new_requests()
        self.assertEqual(len(request), 1)
        self.assertTrue(request.title.startswith("Nid de poule"))

    @freeze_time(NOW)
    def test_non_utf8_headers(self):
        """8-bit Latin-1 bytes in the headers, as old mail programs send them:
        the request keeps its readable title and sender name."""
        raw = PLAIN.format(
            to=self.alias_email,
            email_from="Hélène Roux <helene@example.net>",
            subject="Dégradation école",
            msg_id="<latin1@example.net>",
            extra="",
        ).encode("latin-1")
        with self.mock_mail_gateway():
            self.env["mail.thread"].sudo().message_process(None, raw)
        request = self._new_requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.partner_id.email_normalized, "helene@example.net")
        self.assertEqual(request.title, "Dégradation école")
        self.assertEqual(request.partner_id.name, "Hélène Roux")

    @freeze_time(NOW)
    def test_sender_without_address_is_not_dropped(self):
        """An email whose From holds no address is not silently thrown away
        because the counter recorded many requests without email today."""
        self.Request.create(
            [
                {
                    "title": f"Appel {index}",
                    "category_id": self.category_a.id,
                    "channel": "phone",
                    "contact_name": f"Habitant {index}",
                }
                for index in range(25)
            ]
        )
        self.last_id = self.Request.search([], order="id desc", limit=1).id
        self._process(PLAIN, email_from="<<>>@@", msg_id="<badfrom@example.net>")
        self.assertEqual(len(self._new_requests()), 1)

    @freeze_time(NOW)
    def test_large_attachment_is_kept(self):
        """A 5 MB file sent by email is stored on the request, not public."""
        data = b"\x00\x01video" * (5 * 1024 * 1024 // 7)
        payload = base64.encodebytes(data).decode()
        self._process(WITH_ATTACHMENT, payload=payload, msg_id="<big@example.net>")
        request = self._new_requests()
        self.assertEqual(len(request), 1)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "citizen.request"), ("res_id", "=", request.id)]
        )
        self.assertEqual(attachment.mapped("name"), ["depot.mp4"])
        self.assertEqual(attachment.raw, data)
        self.assertFalse(attachment.public)

    @freeze_time(NOW)
    def test_unknown_alias_is_refused_cleanly(self):
        # a ValueError is logged by the fetcher, which goes on with the next email
        with contextlib.suppress(ValueError):
            self._process(
                PLAIN,
                to=f"nobody-here@{self.alias_domain}",
                msg_id="<unknown-alias@example.net>",
            )
        self.assertFalse(self._new_requests())

    @freeze_time(NOW)
    def test_bounce_of_acknowledgement(self):
        """The acknowledgement bounces: no request is opened, the requester's
        address is marked as bouncing, and the agents see it on the request."""
        self._process(PLAIN, msg_id="<to-bounce@example.net>")
        request = self._new_requests()
        gaston = request.partner_id
        acknowledgement = self._acknowledgement(request)
        messages_before = len(request.message_ids) + len(request.activity_ids)
        stage = request.stage_id
        self._process(
            DSN,
            to=f"{self.alias_bounce}@{self.alias_domain}",
            bounced="gaston.leroy@example.com",
            original_id=acknowledgement.message_id,
            original_from=self.alias_email,
        )
        self.assertEqual(len(self._new_requests()), 1)
        self.assertEqual(request.stage_id, stage)
        self.assertEqual(gaston.message_bounce, 1)
        self.assertGreater(
            len(request.message_ids) + len(request.activity_ids),
            messages_before,
            "agents must see that the acknowledgement could not be delivered",
        )

    @freeze_time(NOW)
    def test_spoofed_reply_to_another_citizens_request(self):
        """Someone else answers a citizen's acknowledgement: the message is
        logged, but nothing of the request changes, and the intruder receives
        nothing about it afterwards."""
        mallory = self.users["outsider"].partner_id
        self._process(PLAIN, msg_id="<victim@example.net>")
        request = self._new_requests()
        gaston = request.partner_id
        request.user_id = self.users["agent_a"]
        acknowledgement = self._acknowledgement(request)
        watched = (
            "stage_id",
            "user_id",
            "partner_id",
            "contact_name",
            "contact_email",
            "contact_phone",
            "street",
            "title",
            "description",
            "category_id",
            "priority",
            "access_token",
        )
        request._portal_ensure_token()
        before = {name: request[name] for name in watched}
        self._process(
            PLAIN,
            email_from="Mallory Intrus <mallory@example.com>",
            subject="Re: fermez cette demande, changez mon adresse",
            msg_id="<spoof-rel@example.com>",
            extra=f"In-Reply-To: {acknowledgement.message_id}",
        )
        self.assertEqual(len(self._new_requests()), 1)
        self.assertIn(
            "<spoof-rel@example.com>", request.message_ids.mapped("message_id")
        )
        self.assertEqual({name: request[name] for name in watched}, before)
        self.assertNotIn(mallory, request.message_partner_ids)
        self.assertIn(gaston, request.message_partner_ids)
        self.assertFalse(self._emails_to(mallory), "no automatic answer to Mallory")
        # the agent answers the requester: the intruder gets no copy
        with self.mock_mail_gateway():
            answer = request.with_user(self.users["agent_a"]).message_post(
                body="Nous intervenons demain au 4 rue Hugo.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        recipients = answer.notification_ids.res_partner_id
        self.assertIn(gaston, recipients)
        self.assertNotIn(mallory, recipients)
        self.assertFalse(self._emails_to(mallory))

    @freeze_time(NOW)
    def test_loop_settings_typed_wrong_do_not_block_the_gateway(self):
        """A loop setting typed as words, not a number, must not make every
        incoming email fail (the fetcher would take them again forever)."""
        params = self.env["ir.config_parameter"].sudo()
        # refused when typed, with the reason: never read back wrong
        for key, value in (
            ("mail.gateway.loop.threshold", "vingt"),
            ("mail.gateway.loop.minutes", ""),
            ("mail.gateway.loop.minutes", "2.5"),
        ):
            with (
                self.subTest(key=key, value=value),
                self.assertRaises(ValidationError),
                self.env.cr.savepoint(),
            ):
                params.set_param(key, value)
        # a setting of another module is not checked
        params.set_param("citizen_test.loop.free", "vingt")
        self.assertEqual(params.get_param("citizen_test.loop.free"), "vingt")
        self._process(PLAIN, msg_id="<loop-settings@example.net>")
        self.assertEqual(len(self._new_requests()), 1)

    @freeze_time(NOW)
    def test_allowed_sender_and_loop_bounce_reply(self):
        """A sender the town allows is never taken for a loop; an answer to
        the loop warning itself is never a request."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("mail.gateway.loop.threshold", 2)
        self.env["mail.gateway.allowed"].create({"email": "capteurs@valmont.example"})
        for index in range(4):
            self._process(
                PLAIN,
                email_from="capteurs@valmont.example",
                subject=f"Capteur {index}",
                msg_id=f"<sensor-{index}@valmont.example>",
            )
        self.assertEqual(len(self._new_requests()), 4)
        self._process(
            PLAIN,
            email_from="robot@example.org",
            subject="Re: loop",
            msg_id="<loop-answer@example.org>",
            extra="References: <abc-loop-detection-bounce-email@test.mycompany.com>",
        )
        self.assertEqual(len(self._new_requests()), 4)

    @freeze_time(NOW)
    def test_out_of_office_on_request_is_quiet(self):
        """An out-of-office answer to a request is logged, sends nothing to
        anybody and asks for no acknowledgement."""
        self._process(PLAIN, msg_id="<ooo-origin@example.net>")
        request = self._new_requests()
        request.user_id = self.users["agent_a"]
        request.message_subscribe(partner_ids=self.users["agent_a"].partner_id.ids)
        acknowledgement = self._acknowledgement(request)
        notifications_before = self.env["mail.notification"].search_count([])
        mails_before = self.env["mail.mail"].search_count([])
        self._process(
            PLAIN,
            subject="Absence du bureau",
            msg_id="<ooo-answer@example.net>",
            extra=f"In-Reply-To: {acknowledgement.message_id}\n"
            "Auto-Submitted: auto-replied",
        )
        self.assertEqual(len(self._new_requests()), 1)
        self.assertIn(
            "<ooo-answer@example.net>", request.message_ids.mapped("message_id")
        )
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        self.assertEqual(
            self.env["mail.notification"].search_count([]), notifications_before
        )
        self.assertEqual(len(self._emails_to(request.partner_id, request)), 1)
