from odoo import http
from odoo.http import request


class CitizenStatements(http.Controller):
    """The statements a French town's website owes its visitors: the
    accessibility statement (RGAA), the legal notices (LCEN) and the
    personal-data page (GDPR). Their text comes from the company record."""

    @http.route(
        "/accessibilite",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=True,
    )
    def accessibility_statement(self, **kw):
        return request.render(
            "citizen_relation_portal.accessibility_statement_page",
            self._statement_values(),
        )

    @http.route(
        "/mentions-legales",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=True,
    )
    def legal_notices(self, **kw):
        return request.render(
            "citizen_relation_portal.legal_notices_page", self._statement_values()
        )

    @http.route(
        "/donnees-personnelles",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=True,
    )
    def personal_data(self, **kw):
        values = self._statement_values()
        values.update(self._retention_values(values["company"]))
        return request.render("citizen_relation_portal.personal_data_page", values)

    def _statement_values(self):
        return {
            "company": request.website.company_id,
            "site_url": request.website.get_base_url(),
        }

    def _retention_values(self, company):
        """How long each category keeps the requester's data, as set on the
        categories: those offered online by name, the others at most."""
        company_domain = [("company_id", "in", [False, company.id])]
        categories = (
            request.env["citizen.request.category"]
            .search([("is_public", "=", True), *company_domain])
            .sorted("display_name")
        )
        # sudo: one figure about the categories not offered online (the
        # longest period among them) is published, none of their records.
        others = (
            request.env["citizen.request.category"]
            .sudo()
            ._read_group(
                [("is_public", "=", False), *company_domain],
                aggregates=["retention_months:max", "retention_months:min", "__count"],
            )
        )
        longest, shortest, count = others[0] if others else (0, 0, 0)
        return {
            "retention_categories": categories,
            "retention_others": {
                "count": count,
                "longest": longest or 0,
                "unlimited": bool(count) and not shortest,
            },
        }
