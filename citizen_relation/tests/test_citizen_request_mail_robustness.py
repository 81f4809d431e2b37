from datetime import datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import NOW, CitizenRequestCommon, load_french, mime_part, raw_email

# A citizen forwards their neighbour's email, sent as text and HTML.
FORWARDED = raw_email(
    [
        mime_part(
            'text/plain; charset="utf-8"', "Je transfère le message de mon voisin.\n"
        ),
        mime_part(
            "message/rfc822",
            raw_email(
                [
                    mime_part(
                        'text/plain; charset="utf-8"',
                        "Le trottoir est abîmé devant le 8.",
                    ),
                    mime_part(
                        'text/html; charset="utf-8"',
                        "<p>Le trottoir est abîmé devant le 8.</p>",
                    ),
                ],
                to="gaston.leroy@example.com",
                email_from="Voisin <voisin@example.net>",
                subject="Trottoir",
                msg_id="<inner-core@example.net>",
                date=None,
                content_type="multipart/alternative",
                boundary="INNER",
            ),
        ),
    ],
    email_from="Gaston Leroy <gaston.leroy@example.com>",
    subject="Fwd: Trottoir",
    msg_id="<forwarded-core@example.net>",
    content_type="multipart/mixed",
    boundary="OUTER",
)


@tagged("post_install", "-at_install")
class TestCitizenRequestMailRobustness(CitizenRequestCommon):
    def test_acknowledgement_written_by_the_town(self):
        with freeze_time(NOW):
            request = self._create_request(partner_id=self.partner_citizen.id)
            self._run_acknowledgement_job()
        acknowledgement = self._acknowledgements(request)
        self.assertEqual(len(acknowledgement), 1)
        self.assertEqual(acknowledgement.author_id, self.company.partner_id)
        self.assertEqual(acknowledgement.recipient_ids, self.partner_citizen)

    def test_same_email_opens_one_request_per_company(self):
        values = {"channel": "email", "source_ref": "<once@example.net>"}
        with freeze_time(NOW):
            self._create_request(**values)
            with (
                self.assertRaises(IntegrityError),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                self._create_request(**values)
            # the same reference from another channel is no email
            self._create_request(channel="phone", source_ref="<once@example.net>")

    def test_forwarded_email_keeps_the_senders_text_first(self):
        with freeze_time(NOW), self.mock_mail_gateway():
            self.env["mail.thread"].sudo().message_process(
                None, FORWARDED.format(to=self.alias_email)
            )
        request = self.Request.search(
            [("source_ref", "=", "<forwarded-core@example.net>")]
        )
        self.assertEqual(len(request), 1)
        own = request.description.find("message de mon voisin")
        forwarded = request.description.find("trottoir est abîmé")
        self.assertGreaterEqual(own, 0)
        self.assertGreater(forwarded, own)

    def test_bounce_asks_the_agent_to_call_back_once(self):
        with freeze_time(NOW):
            request = self._create_request(
                partner_id=self.partner_citizen.id, user_id=self.user_agent.id
            )
            notes_before = len(request.message_ids)
            for _attempt in range(2):
                request._message_receive_bounce(
                    "denise.martin@example.net", self.partner_citizen
                )
        self.assertEqual(len(request.message_ids), notes_before + 2)
        activity = self._callback_activities(request)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_agent)

    def test_deadline_reminder_in_the_agents_language(self):
        load_french(self.env)
        self.user_agent.lang = "fr_FR"
        with freeze_time(NOW):
            request = self._create_request(user_id=self.user_agent.id)
        with freeze_time(datetime(2026, 3, 10, 6, 0)):
            self.Request._cron_remind_deadline()
        reminder_type = self.env.ref("citizen_relation.mail_activity_type_deadline")
        reminder = request.activity_ids.filtered(
            lambda a: a.activity_type_id == reminder_type
        )
        self.assertEqual(
            reminder.summary, "Répondre au demandeur avant l'échéance annoncée"
        )
