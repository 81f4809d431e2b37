"""The acknowledgement job writes the emails of a batch together: each
requester gets their own, in their own language; a request whose email
cannot be prepared does not hold back the others; in the scheduler's run, the
job hands the batch's emails to the mail server itself."""

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import NOW, CitizenRequestCommon, load_french, pending_triggers

JOB = "citizen_relation.ir_cron_send_acknowledgements"
MAIL_QUEUE = "mail.ir_cron_mail_scheduler_action"


@tagged("post_install", "-at_install")
class TestAcknowledgementBatch(CitizenRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_french = cls.env["res.partner"].create(
            {"name": "Lucie Garnier", "email": "lucie.garnier@example.org"}
        )

    def _requests(self):
        """Three requests waiting together: a French-speaking contact, a
        citizen with an account, and an address with no contact."""
        Request = self.Request.with_user(self.user_agent)
        return (
            self._create_request(
                title="Lampadaire éteint", partner_id=self.partner_french.id
            )
            | self._create_request(
                title="Banc cassé", partner_id=self.partner_citizen.id
            )
            | Request.create(
                {
                    "title": "Tag sur l'école",
                    "channel": "web",
                    "category_id": self.category.id,
                    "contact_name": "Paul Roux",
                    "contact_email": "paul.roux@example.com",
                }
            )
        )

    @freeze_time(NOW)
    def test_each_requester_gets_their_own(self):
        """Three requests acknowledged by one run: three emails, each to its
        requester, about their request only, in their language."""
        load_french(self.env)
        self.partner_french.lang = "fr_FR"
        french, citizen, contact = requests = self._requests()
        self.assertEqual(self._run_acknowledgement_job(), requests)
        for request, address, subject in (
            (french, "lucie.garnier@example.org", "nous avons bien reçu"),
            (citizen, "denise.martin@example.net", "we have received"),
            (contact, "paul.roux@example.com", "we have received"),
        ):
            mail = self._acknowledgements(request) or self._request_mails(request)
            self.assertEqual(len(mail), 1, request.title)
            self.assertEqual(mail.recipient_ids.email, address)
            self.assertIn(request.name, mail.subject)
            self.assertIn(subject, mail.subject)
            self.assertIn(request.name, mail.body_html)
            for other in requests - request:
                self.assertNotIn(other.name, mail.body_html)
                self.assertNotIn(other.title, mail.body_html)
            self.assertEqual(request.acknowledgement_method, "email")
        self.assertIn(
            "Délai de traitement annoncé", self._request_mails(french).body_html
        )

    @freeze_time(NOW)
    def test_one_failing_email_holds_back_nobody(self):
        """The email of one request of the batch cannot be written: the other
        requesters get theirs, and an agent is asked to acknowledge that
        one."""
        self.env.ref(
            "citizen_relation.mail_template_request_acknowledgement"
        ).subject = (
            "{{ object.name }}: we have received your request"
            "{{ object.no_such_field if 'Banc' in object.title else '' }}"
        )
        french, citizen, contact = self._requests()
        with mute_logger(
            "odoo.addons.citizen_relation.models.citizen_request_acknowledgement"
        ):
            self._run_acknowledgement_job()
        self.assertEqual(len(self._acknowledgements(french)), 1)
        self.assertEqual(len(self._acknowledgements(contact)), 1)
        self.assertFalse(self._request_mails(citizen))
        self.assertEqual(citizen.acknowledgement_method, "callback")
        self.assertEqual(len(self._callback_activities(citizen)), 1)

    @freeze_time(NOW)
    def test_scheduler_run_sends_the_batch(self):
        """In the scheduler's run, the emails of the batch are handed to the
        mail server by the job itself once the batch is committed (at once in
        a test), without waking the mail queue; called directly, they wait in
        the queue, which is woken."""
        requests = self._requests()
        job = self.env.ref(JOB).sudo()
        progress = self.env["ir.cron.progress"].sudo().create({"cron_id": job.id})
        wakeups = pending_triggers(self.env, MAIL_QUEUE)
        with self.mock_mail_gateway():
            self.Request.sudo().with_context(
                ir_cron_progress_id=progress.id
            )._cron_send_acknowledgements()
        self.assertEqual(set(requests.mapped("acknowledgement_method")), {"email"})
        self.assertEqual(progress.done, 3)
        self.assertEqual(progress.remaining, 0)
        sent = {address for mail in self._mails for address in mail["email_to"]}
        self.assertEqual(len(self._mails), 3)
        for address in (
            "lucie.garnier@example.org",
            "denise.martin@example.net",
            "paul.roux@example.com",
        ):
            self.assertTrue(any(address in recipient for recipient in sent), address)
        self.assertEqual(pending_triggers(self.env, MAIL_QUEUE), wakeups)

        later = self._create_request(
            title="Trottoir abîmé", partner_id=self.partner_french.id
        )
        with self.mock_mail_gateway():
            self.Request._cron_send_acknowledgements()
        self.assertFalse(self._mails)
        self.assertEqual(self._request_mails(later).state, "outgoing")
        self.assertEqual(pending_triggers(self.env, MAIL_QUEUE), wakeups + 1)
