from odoo import api, fields, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    # Answer templates of citizen requests: what the agent's reply composer
    # and the work-order reply wizard offer for a request.
    is_citizen_answer = fields.Boolean(
        string="Answer Template",
        help="Agents answer requests with this template: the reply wizard of "
        "work orders offers it, for the categories and stages below.",
    )
    citizen_category_ids = fields.Many2many(
        "citizen.request.category",
        "mail_template_citizen_category_rel",
        "template_id",
        "category_id",
        string="Request Categories",
        help="The template answers requests of these categories and their "
        "subcategories. Empty: requests of any category.",
    )
    citizen_stage_ids = fields.Many2many(
        "citizen.request.stage",
        "mail_template_citizen_stage_rel",
        "template_id",
        "stage_id",
        string="Request Stages",
        help="The template answers requests in these stages. Empty: in any stage.",
    )

    @api.model
    def _citizen_answer_domain(self, citizen_request):
        """Templates answering ``citizen_request``: of its model, tied to its
        category (or a parent category) or to none, to its stage or to none."""
        categories = citizen_request.category_id
        while categories[-1:].parent_id:
            categories |= categories[-1].parent_id
        return [
            ("model", "=", "citizen.request"),
            ("is_citizen_answer", "=", True),
            "|",
            ("citizen_category_ids", "=", False),
            ("citizen_category_ids", "in", categories.ids),
            "|",
            ("citizen_stage_ids", "=", False),
            ("citizen_stage_ids", "in", citizen_request.stage_id.ids),
        ]
