import base64

from odoo import api, fields, models
from odoo.tools import file_open

ACCESSIBILITY_STATUSES = [
    ("full", "Fully compliant"),
    ("partial", "Partially compliant"),
    ("none", "Not compliant"),
]
# The name Odoo gives the website it creates; a town's website still named so
# takes the town's name.
DEFAULT_WEBSITE_NAME = "My Website"


class ResCompany(models.Model):
    """What the town's website and its statements say about the town.

    The header, footer and home page of the website, the accessibility
    statement, the legal notices and the personal-data page read these fields,
    so that a town fills its details once, in its company record."""

    _inherit = "res.company"

    # ------------------------------------------------------------------
    # The town on its website
    # ------------------------------------------------------------------
    citizen_opening_hours = fields.Html(
        string="Opening Hours",
        translate=True,
        help="Opening hours of the town hall, shown on the home page and in the "
        "footer of the website.",
    )
    # ------------------------------------------------------------------
    # Legal notices
    # ------------------------------------------------------------------
    citizen_publication_director = fields.Char(
        string="Director of Publication",
        help='Usually the mayor, e.g. "Mme Claire Martin, maire". Shown in the '
        "legal notices.",
    )
    citizen_website_host = fields.Text(
        string="Website Host",
        help="Name, address and phone number of the company that hosts the "
        "website, as the law on confidence in the digital economy (LCEN, "
        "article 6) asks. Shown in the legal notices.",
    )
    # ------------------------------------------------------------------
    # Personal data
    # ------------------------------------------------------------------
    citizen_dpo_contact = fields.Text(
        string="Data Protection Officer",
        help="How to reach the data protection officer (DPO) of the town: name "
        "or service, postal and email address. Shown on the personal-data page.",
    )
    # ------------------------------------------------------------------
    # Accessibility statement (RGAA 4.1 model)
    # ------------------------------------------------------------------
    citizen_accessibility_status = fields.Selection(
        ACCESSIBILITY_STATUSES,
        string="Accessibility Compliance",
        default="none",
        required=True,
        help="Compliance of the website with the RGAA, from its last audit. "
        'Without an audit, the law asks to state "not compliant".',
    )
    citizen_accessibility_rate = fields.Float(
        string="Compliance Rate (%)",
        digits=(5, 1),
        help="Share of the RGAA criteria met, from the last audit.",
    )
    citizen_accessibility_audit_date = fields.Date(
        string="Audit Date",
        help="Date of the last accessibility audit of the website.",
    )
    citizen_accessibility_auditor = fields.Char(
        string="Audited By",
        help="Who carried out the audit (the town itself or an outside body).",
    )
    citizen_accessibility_method = fields.Html(
        string="Audit Method",
        translate=True,
        help="Technologies of the website, test environment (browsers and "
        "assistive technologies), tools and pages audited.",
    )
    citizen_accessibility_non_compliances = fields.Html(
        string="Known Non-Compliances",
        translate=True,
        help="The RGAA criteria not met, and what is not accessible because of them.",
    )
    citizen_accessibility_derogations = fields.Html(
        string="Derogations",
        translate=True,
        help="Content exempted for disproportionate burden, and content outside "
        "the scope of the obligation.",
    )
    citizen_accessibility_statement_date = fields.Date(
        string="Statement Date",
        help="Date this accessibility statement was drawn up or last updated.",
    )

    def _citizen_statement_compliance_label(self):
        """The compliance wording the law asks to show on every page."""
        self.ensure_one()
        return dict(
            self._fields["citizen_accessibility_status"]._description_selection(
                self.env
            )
        )[self.citizen_accessibility_status]

    # ------------------------------------------------------------------
    # The website follows the town
    # ------------------------------------------------------------------
    def write(self, vals):
        followers = {}
        if "name" in vals or "logo" in vals:
            followers = {
                company: company._citizen_following_websites() for company in self
            }
        result = super().write(vals)
        for company, (by_name, by_logo) in followers.items():
            if "name" in vals and by_name:
                by_name.write({"name": company.name})
            if "logo" in vals and by_logo:
                by_logo.write({"logo": company.logo})
        return result

    def _citizen_following_websites(self):
        """The websites of the town still named and drawn as Odoo made them,
        or as the town was before: they follow the town's name and logo."""
        self.ensure_one()
        # sudo: only the company's own websites are touched, and only their
        # name and logo, to what the company's editor just gave the company.
        websites = self.env["website"].sudo().search([("company_id", "=", self.id)])
        default_logo = self._citizen_default_website_logo()
        by_name = websites.filtered(
            lambda w: w.name in (DEFAULT_WEBSITE_NAME, self.name)
        )
        by_logo = websites.filtered(
            lambda w: not w.logo or w.logo in (default_logo, self.logo)
        )
        return by_name, by_logo

    @api.model
    def _citizen_default_website_logo(self):
        with file_open("website/static/src/img/website_logo.svg", "rb") as logo:
            return base64.b64encode(logo.read())

    @api.model
    def _citizen_sync_websites(self):
        """Give the websites still as Odoo made them their town's name and
        logo (at install and update; a website the town renamed or gave its
        own logo is left as it is)."""
        default_logo = self._citizen_default_website_logo()
        # sudo: run from the module's data, for every company's websites
        for website in self.env["website"].sudo().search([("company_id", "!=", False)]):
            company = website.company_id
            values = {}
            if website.name == DEFAULT_WEBSITE_NAME and company.name:
                values["name"] = company.name
            if website.logo == default_logo and not company.uses_default_logo:
                values["logo"] = company.logo
            if values:
                website.write(values)
