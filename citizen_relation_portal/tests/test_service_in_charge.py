"""The service in charge of a request is one answer, wherever it is told:
the requester's page, the receipt, the acknowledgement and Open311's
``agency_responsible``. They used to give three: Open311 named the team
where the page named its department, and the company where the receipt
named the category."""

from lxml import html as lxml_html

from odoo.tests import tagged

from .common import CitizenPortalCase


@tagged("post_install", "-at_install")
class TestServiceInCharge(CitizenPortalCase):
    def _on_portal_page(self, citizen_request):
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open(f"/my/requests/{citizen_request.id}")
        self.assertEqual(response.status_code, 200)
        page = lxml_html.fromstring(response.text)
        return page.xpath("//dd[hasclass('o_citizen_request_service')]")[
            0
        ].text_content()

    def _on_open311(self, citizen_request):
        response = self.url_open(f"/open311/v2/requests/{citizen_request.name}.json")
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()[0]["agency_responsible"]

    def _on_receipt(self, citizen_request):
        html = self.env["ir.actions.report"]._render_qweb_html(
            "citizen_relation.report_request_receipt", citizen_request.ids
        )[0]
        page = lxml_html.fromstring(html.decode())
        cell = page.xpath("//th[text()='Service in charge']/following-sibling::td")
        return cell[0].xpath("span")[0].text_content()

    def _on_acknowledgement(self, citizen_request):
        template = self.env.ref(
            "citizen_relation.mail_template_request_acknowledgement"
        )
        return template._render_field("body_html", citizen_request.ids)[
            citizen_request.id
        ]

    def assertSameServiceEverywhere(self, citizen_request, expected):
        self.assertEqual(citizen_request._get_service_in_charge()["name"], expected)
        self.assertEqual(self._on_portal_page(citizen_request).strip(), expected)
        self.assertEqual(self._on_open311(citizen_request), expected)
        self.assertEqual(self._on_receipt(citizen_request).strip(), expected)
        self.assertIn(
            f"Service in charge: {expected}", self._on_acknowledgement(citizen_request)
        )

    def test_department_of_the_team(self):
        department = self.env["hr.department"].create({"name": "Services techniques"})
        team = self.env["citizen.team"].create(
            {"name": "Voirie Test Team", "department_id": department.id}
        )
        self.request_alice.team_id = team
        self.assertSameServiceEverywhere(self.request_alice, "Services techniques")

    def test_team_without_department(self):
        self.request_alice.team_id = self.env["citizen.team"].create(
            {"name": "Voirie Test Team"}
        )
        self.assertSameServiceEverywhere(self.request_alice, "Voirie Test Team")

    def test_no_team_the_category(self):
        self.request_alice.team_id = False
        self.assertSameServiceEverywhere(self.request_alice, "Roads Test")
