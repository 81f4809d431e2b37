"""What the addon changes in the mail gateway applies to the emails of
citizen requests only: the same raw emails, routed to another model
(``res.partner``, through the gateway's fallback model), are handled as
Odoo handles them."""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.base.tests.common import new_test_user
from odoo.addons.mail.models.mail_thread import MailThread as OdooMailThread
from odoo.addons.mail.models.mail_thread_blacklist import MailBlackListMixin

from .common import NOW, CitizenRequestCommon
from .test_citizen_request_mail_robustness import FORWARDED


@tagged("post_install", "-at_install")
class TestMailLayerScope(CitizenRequestCommon):
    def _process_to_partner(self, raw):
        """Deliver ``raw`` to no alias: the gateway's fallback model,
        ``res.partner``, gets a new record for it."""
        with freeze_time(NOW), self.mock_mail_gateway():
            partner_id = (
                self.env["mail.thread"].sudo().message_process("res.partner", raw)
            )
        partner = self.env["res.partner"].browse(partner_id)
        self.assertTrue(partner)
        return partner.message_ids.filtered(lambda m: m.message_type == "email")

    def test_forwarded_email_to_another_model_parsed_as_odoo_does(self):
        message = self._process_to_partner(FORWARDED.format(to="contact@example.org"))
        self.assertEqual(len(message), 1)
        # Odoo keeps the body of the forwarded email only: no heading of ours,
        # and the sender's own text is not added
        self.assertNotIn("Forwarded message from", message.body)
        self.assertNotIn("message de mon voisin", message.body)
        self.assertIn("trottoir est abîmé", message.body)

    def test_author_of_another_model_found_as_odoo_finds_it(self):
        """An account that did not confirm its address is still the author of
        its emails on other models (Odoo finds authors by address); only the
        requests ask for a confirmed address."""
        user = new_test_user(
            self.env,
            login="lea.portail",
            groups="base.group_portal",
            email="lea.portail@example.net",
            name="Léa Portail",
        )
        user.partner_id.citizen_confirmed_email = False
        raw = FORWARDED.replace(
            "Gaston Leroy <gaston.leroy@example.com>",
            "Léa Portail <lea.portail@example.net>",
        ).format(to="contact@example.org")
        message = self._process_to_partner(raw)
        self.assertEqual(message.author_id, user.partner_id)

    def test_loop_detection_of_another_model_is_odoo_s(self):
        """Without a sender address, another model's loop detection is Odoo's
        (the addon changes it for the requests only)."""
        for model, odoo_class in (
            ("discuss.channel", OdooMailThread),
            ("res.partner", MailBlackListMixin),
        ):
            for email in (False, "robot@example.net"):
                with self.subTest(model=model, email=email):
                    self.assertEqual(
                        self.env[model]._detect_loop_sender_domain(email),
                        odoo_class._detect_loop_sender_domain(self.env[model], email),
                    )
        # the requests' own: without an address, no request counts
        self.assertEqual(self.Request._detect_loop_sender_domain(False), [])
        self.assertNotEqual(
            OdooMailThread._detect_loop_sender_domain(self.Request, False), []
        )
