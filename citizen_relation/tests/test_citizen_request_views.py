from odoo.tests import tagged

from .common import CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestViews(CitizenRequestCommon):
    def test_agent_loads_every_view(self):
        """Every view of the request opens for an agent, with the fields the
        cards and lists need."""
        Request = self.env["citizen.request"].with_user(self.user_agent)
        result = Request.get_views(
            [
                (False, view_type)
                for view_type in (
                    "kanban",
                    "list",
                    "form",
                    "search",
                    "calendar",
                    "pivot",
                    "graph",
                    "activity",
                )
            ]
        )
        kanban = result["views"]["kanban"]["arch"]
        for field_name in ("channel", "requester_kind", "date_deadline", "user_id"):
            self.assertIn(f'name="{field_name}"', kanban)
        self.assertIn('name="late"', result["views"]["search"]["arch"])
        self.env["citizen.request.quick.entry"].with_user(self.user_agent).get_views(
            [(False, "form")]
        )
        self.env["citizen.request.channel.report"].with_user(self.user_agent).get_views(
            [(False, "list"), (False, "pivot"), (False, "graph")]
        )

    def test_partner_form_counts_requests(self):
        self._create_request(partner_id=self.partner_citizen.id)
        partner = self.partner_citizen.with_user(self.user_manager)
        self.assertEqual(partner.citizen_request_count, 1)
        action = partner.action_view_citizen_requests()
        self.assertEqual(self.env["citizen.request"].search_count(action["domain"]), 1)
        # An employee outside the application still opens partner forms.
        employee = self.user_employee
        self.env["res.partner"].with_user(employee).get_views([(False, "form")])
        self.partner_citizen.with_user(employee).read(["name"])
