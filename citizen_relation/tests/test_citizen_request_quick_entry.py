from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import NOW, CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestQuickEntry(CitizenRequestCommon):
    @freeze_time(NOW)
    def test_find_citizen_by_phone_and_record(self):
        self.partner_citizen.phone = "06 91 82 73 64"
        wizard = Form(
            self.env["citizen.request.quick.entry"].with_user(self.user_agent)
        )
        wizard.channel = "phone"
        wizard.search_term = "0691827364"
        self.assertEqual(wizard.partner_id, self.partner_citizen)
        self.assertEqual(wizard.contact_email, "denise.martin@example.net")
        wizard.category_id = self.category
        wizard.title = "Nid de poule"
        wizard.street = "12 rue Victor Hugo"
        entry = wizard.save()
        entry.action_create()
        request = entry.request_id
        self.assertRegex(request.name, r"^DEM-2026-\d{5}$")
        self.assertEqual(request.channel, "phone")
        self.assertEqual(request.partner_id, self.partner_citizen)
        self.assertEqual(request.street, "12 rue Victor Hugo")
        # The citizen has an email: acknowledged by email a moment later.
        self._run_acknowledgement_job()
        self.assertEqual(len(self._acknowledgements(request)), 1)
        # Recording twice does not make a second request.
        entry.action_create()
        self.assertEqual(self.Request.search_count([("title", "=", "Nid de poule")]), 1)

    @freeze_time(NOW)
    def test_counter_receipt(self):
        """At the counter, without email: the receipt acknowledges the request
        and carries what the law asks."""
        wizard = Form(
            self.env["citizen.request.quick.entry"].with_user(self.user_agent)
        )
        wizard.contact_name = "Irène Moreau"
        wizard.contact_phone = "02 35 00 00 00"
        wizard.category_id = self.category
        wizard.title = "Nid de poule place du marché"
        entry = wizard.save()
        action = entry.action_print_receipt()
        request = entry.request_id
        self.assertEqual(
            action["report_name"], "citizen_relation.report_request_receipt"
        )
        self.assertEqual(request.acknowledgement_method, "receipt")
        self.assertEqual(request.date_acknowledged, NOW)
        self.assertFalse(self._callback_activities(request))
        self.assertFalse(self._acknowledgements(request))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("citizen_relation.report_request_receipt", request.ids)[
                0
            ]
            .decode()
        )
        self.assertIn(request.name, html)
        self.assertIn("Irène Moreau", html)
        self.assertIn("01 23 45 67 89", html)
        self.assertIn("Nid de poule", html)
        self.assertIn("5", html)

    def test_requires_someone(self):
        entry = self.env["citizen.request.quick.entry"].create(
            {"category_id": self.category.id, "title": "Anonyme"}
        )
        with self.assertRaises(UserError):
            entry.action_create()
