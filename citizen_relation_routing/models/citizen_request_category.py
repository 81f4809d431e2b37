from odoo import fields, models


class CitizenRequestCategory(models.Model):
    _inherit = "citizen.request.category"

    waiting_days = fields.Integer(
        string="Waiting Delay (days)",
        default=15,
        help="Days a request may wait for an answer of its requester before "
        "the escalation job acts. Zero disables it.",
    )
    waiting_action = fields.Selection(
        [("remind", "Remind the requester"), ("close", "Close the request")],
        string="When the Requester Does Not Answer",
        default="remind",
        required=True,
    )
    external_handler_id = fields.Many2one(
        "citizen.external.handler",
        help="Contractor or authority that does the work of this category (and "
        "of its subcategories without a handler of their own): its requests "
        "are forwarded to it. It wins over the handler of the team.",
    )
