from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    citizen_opening_hours = fields.Html(
        related="company_id.citizen_opening_hours", readonly=False
    )
    citizen_publication_director = fields.Char(
        related="company_id.citizen_publication_director", readonly=False
    )
    citizen_website_host = fields.Text(
        related="company_id.citizen_website_host", readonly=False
    )
    citizen_dpo_contact = fields.Text(
        related="company_id.citizen_dpo_contact", readonly=False
    )
    citizen_accessibility_status = fields.Selection(
        related="company_id.citizen_accessibility_status", readonly=False
    )
    citizen_accessibility_rate = fields.Float(
        related="company_id.citizen_accessibility_rate", readonly=False
    )
    citizen_accessibility_audit_date = fields.Date(
        related="company_id.citizen_accessibility_audit_date", readonly=False
    )
    citizen_accessibility_auditor = fields.Char(
        related="company_id.citizen_accessibility_auditor", readonly=False
    )
    citizen_accessibility_method = fields.Html(
        related="company_id.citizen_accessibility_method", readonly=False
    )
    citizen_accessibility_non_compliances = fields.Html(
        related="company_id.citizen_accessibility_non_compliances", readonly=False
    )
    citizen_accessibility_derogations = fields.Html(
        related="company_id.citizen_accessibility_derogations", readonly=False
    )
    citizen_accessibility_statement_date = fields.Date(
        related="company_id.citizen_accessibility_statement_date", readonly=False
    )
