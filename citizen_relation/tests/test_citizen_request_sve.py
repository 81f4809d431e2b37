from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools.misc import format_date

from .common import NOW, RAW_EMAIL, CitizenRequestCommon

RECEIPT = "citizen_relation.action_report_request_receipt"


@tagged("post_install", "-at_install")
class TestCitizenRequestSve(CitizenRequestCommon):
    """Requests whose silence is worth a decision (CRPA L.231-1, L.231-4):
    the acknowledgement, the receipt and the emails of an incomplete request
    state the date of the implicit decision and, for a rejection, the appeal
    routes and delays (CRPA L.112-11, R.112-11-1 and following, L.114-5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Category = cls.env["citizen.request.category"]
        cls.category_permit = Category.create(
            {
                "name": "Permission de voirie",
                "code": "T-PERM",
                "delay_days": 40,
                "implicit_decision": "rejection",
                "implicit_decision_delay": 2,
            }
        )
        cls.category_licence = Category.create(
            {
                "name": "Licence de débit de boissons temporaire",
                "code": "T-BUVETTE",
                "delay_days": 20,
                "implicit_decision": "acceptance",
                "implicit_decision_delay": 2,
            }
        )
        Alias = cls.env["mail.alias"]
        model = cls.env["ir.model"]._get_id("citizen.request")
        for name, category in (
            ("permis-test", cls.category_permit),
            ("buvette-test", cls.category_licence),
        ):
            Alias.create(
                {
                    "alias_name": name,
                    "alias_model_id": model,
                    "alias_domain_id": cls.mail_alias_domain.id,
                    "alias_contact": "everyone",
                    "alias_defaults": repr({"category_id": category.id}),
                }
            )

    def _email_request(self, alias, msg_id):
        """A citizen writes to the alias of a category; the acknowledgement
        job runs. Returns the request."""
        with self.mock_mail_gateway():
            request = self.format_and_process(
                RAW_EMAIL,
                "Gaston Leroy <gaston.leroy@example.com>",
                f"{alias}@{self.alias_domain}",
                subject="Échafaudage devant le 12 rue Victor Hugo",
                msg_id=msg_id,
                target_model="citizen.request",
                target_field="title",
            )
        self.assertIn(request, self._run_acknowledgement_job())
        return request

    def _town_emails(self, request, subject):
        """Bodies of the town's emails to the requester whose subject has
        ``subject``, read on the messages of the request (the emails
        themselves may be sent and deleted already)."""
        messages = request.message_ids.filtered(
            lambda m: subject in (m.subject or "")
            and m.author_id == self.company.partner_id
        )
        self.assertTrue(messages, f"no email '{subject}' on {request.name}")
        self.assertIn(request.partner_id, messages.notification_ids.res_partner_id)
        return [" ".join(body.split()) for body in messages.mapped("body")]

    def _date(self, day):
        return format_date(self.env, day, lang_code="en_US")

    @freeze_time(NOW)
    def test_email_acknowledgement_of_implicit_rejection(self):
        request = self._email_request("permis-test", "<permit@example.com>")
        self.assertEqual(request.category_id, self.category_permit)
        # received on 4 March: silence is worth rejection two months later
        self.assertEqual(request.date_implicit_decision, date(2026, 5, 4))
        (body,) = self._town_emails(request, "we have received your request")
        self.assertIn(self._date(date(2026, 3, 4)), body)
        self.assertIn("deemed rejected on", body)
        self.assertIn(self._date(date(2026, 5, 4)), body)
        self.assertIn("Appeal routes and delays", body)
        self.assertIn("recours gracieux", body)
        self.assertIn("tribunal administratif", body)
        self.assertIn("Télérecours citoyens", body)
        self.assertIn("within two months", body)
        # the service in charge and how to reach it
        self.assertIn("1 place de la Mairie", body)
        self.assertIn("accueil@valmont.example.org", body)
        self.assertIn("01 23 45 67 89", body)

    @freeze_time(NOW)
    def test_email_acknowledgement_of_implicit_acceptance(self):
        request = self._email_request("buvette-test", "<licence@example.com>")
        self.assertEqual(request.date_implicit_decision, date(2026, 5, 4))
        (body,) = self._town_emails(request, "we have received your request")
        self.assertIn("implicit decision of acceptance", body)
        self.assertIn("2 months", body)
        self.assertIn("deemed accepted on", body)
        self.assertIn(self._date(date(2026, 5, 4)), body)
        self.assertIn("certificate of this implicit acceptance", body)
        self.assertNotIn("Télérecours", body)

    @freeze_time(NOW)
    def test_report_acknowledgement_has_no_decision(self):
        """A pothole report calls for no decision: its acknowledgement says
        nothing of silence."""
        request = self._email_request("voirie-test", "<pothole@example.com>")
        self.assertEqual(request.category_id.implicit_decision, "none")
        self.assertFalse(request.date_implicit_decision)
        (body,) = self._town_emails(request, "we have received your request")
        self.assertNotIn("implicit", body)
        self.assertNotIn("Télérecours", body)

    def _ask_pieces(self, request, deadline):
        wizard = (
            self.env["citizen.request.missing.pieces"]
            .with_user(self.user_agent)
            .create(
                {
                    "request_id": request.id,
                    "missing_pieces": "Plan des travaux\nAttestation d'assurance",
                    "date_pieces_deadline": deadline,
                }
            )
        )
        wizard.action_confirm()

    def test_incomplete_acceptance_restarts_the_delay(self):
        """An implicit acceptance waits for the missing pieces: its delay
        runs again, whole, from their receipt (CRPA L.114-5)."""
        with freeze_time(NOW):
            request = self._create_request(
                title="Buvette fête de quartier",
                category_id=self.category_licence.id,
                partner_id=self.partner_citizen.id,
            )
            self._run_acknowledgement_job()
        with freeze_time(datetime(2026, 3, 6, 9, 0)):
            self._ask_pieces(request, date(2026, 4, 6))
        self.assertTrue(request.is_incomplete)
        self.assertEqual(request.date_incomplete, datetime(2026, 3, 6, 9, 0))
        self.assertFalse(request.date_implicit_decision)
        (body,) = self._town_emails(request, "pieces are missing")
        self.assertIn("Plan des travaux", body)
        self.assertIn(self._date(date(2026, 4, 6)), body)
        self.assertIn("is suspended", body)
        self.assertIn("only run from the receipt of these pieces", body)

        with freeze_time(datetime(2026, 3, 20, 14, 0)):
            request.with_user(self.user_agent).action_pieces_received()
        self.assertFalse(request.is_incomplete)
        self.assertEqual(request.date_complete, datetime(2026, 3, 20, 14, 0))
        self.assertEqual(request.date_implicit_decision, date(2026, 5, 20))
        (body,) = self._town_emails(request, "received the missing pieces")
        self.assertIn(self._date(date(2026, 3, 20)), body)
        self.assertIn("deemed accepted on", body)
        self.assertIn(self._date(date(2026, 5, 20)), body)

    def test_incomplete_rejection_suspends_the_delay(self):
        """An implicit rejection is suspended while the pieces are awaited,
        at most until their deadline; the emails give the latest date, then
        the recomputed one with the appeal routes."""
        with freeze_time(NOW):
            request = self._email_request("permis-test", "<permit-2@example.com>")
        self.assertEqual(request.date_implicit_decision, date(2026, 5, 4))
        with freeze_time(datetime(2026, 3, 6, 9, 0)):
            self._ask_pieces(request, date(2026, 4, 6))
        # suspended from 6 March up to the 6 April deadline: 31 days
        self.assertEqual(request.date_implicit_decision, date(2026, 6, 4))
        (body,) = self._town_emails(request, "pieces are missing")
        self.assertIn("Plan des travaux", body)
        self.assertIn(self._date(date(2026, 4, 6)), body)
        self.assertIn(self._date(date(2026, 6, 4)), body)
        self.assertIn("at the latest", body)

        # the pieces come after 10 days: the delay resumes, 10 days later
        with freeze_time(datetime(2026, 3, 16, 11, 0)):
            request.with_user(self.user_agent).action_pieces_received()
        self.assertEqual(request.date_implicit_decision, date(2026, 5, 14))
        (body,) = self._town_emails(request, "received the missing pieces")
        self.assertIn("deemed rejected on", body)
        self.assertIn(self._date(date(2026, 5, 14)), body)
        self.assertIn("Télérecours citoyens", body)

        # found incomplete again: the two suspensions add up
        with freeze_time(datetime(2026, 3, 20, 9, 0)):
            self._ask_pieces(request, date(2026, 4, 20))
        self.assertEqual(request.date_implicit_decision, date(2026, 6, 14))
        with freeze_time(datetime(2026, 3, 25, 9, 0)):
            request.action_pieces_received()
        self.assertEqual(request.days_suspended, 15)
        self.assertEqual(request.date_implicit_decision, date(2026, 5, 19))

    def _receipt_text(self, request):
        """The receipt of ``request`` as printed, its spaces collapsed."""
        html = self.env["ir.actions.report"]._render_qweb_html(RECEIPT, request.ids)[0]
        return " ".join(html.decode().split())

    @freeze_time(NOW)
    def test_receipt_carries_the_mentions(self):
        """The counter receipt states what the acknowledgement states."""
        request = self._create_request(
            title="Benne devant le 3 rue Hugo",
            channel="counter",
            category_id=self.category_permit.id,
            partner_id=self.partner_citizen.id,
        )
        request.action_print_receipt()
        html = self._receipt_text(request)
        self.assertIn(request.name, html)
        self.assertIn("deemed rejected on", html)
        self.assertIn(self._date(date(2026, 5, 4)), html)
        self.assertIn("Appeal routes and delays", html)
        self.assertIn("Télérecours citoyens", html)
        self.assertIn("1 place de la Mairie", html)

        # incomplete, the receipt lists the missing pieces and their deadline
        self._ask_pieces(request, date(2026, 4, 6))
        html = self._receipt_text(request)
        self.assertIn("Plan des travaux", html)
        self.assertIn(self._date(date(2026, 4, 6)), html)
        # suspended from 4 March up to the 6 April deadline: 33 days
        self.assertIn(self._date(date(2026, 6, 6)), html)

    def test_category_needs_a_delay(self):
        with self.assertRaises(ValidationError):
            self.category_permit.implicit_decision_delay = 0
