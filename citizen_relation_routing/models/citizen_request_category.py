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
