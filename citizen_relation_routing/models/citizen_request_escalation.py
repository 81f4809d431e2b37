from odoo import fields, models

from odoo.addons.citizen_relation.models.citizen_request_category import PRIORITIES


class CitizenRequestEscalation(models.Model):
    """One line per breach: a request late on its deadline, not acknowledged
    in time, or waiting too long for its requester. The unique constraint on
    the breach makes the escalation job safe to run again."""

    _name = "citizen.request.escalation"
    _inherit = ["citizen.request.history"]
    _description = "Citizen Request Escalation"
    _order = "date desc, id desc"

    request_id = fields.Many2one(
        "citizen.request", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    kind = fields.Selection(
        [
            ("deadline", "Deadline missed"),
            ("acknowledgement", "Not acknowledged in time"),
            ("waiting_reminder", "Requester reminded"),
            ("waiting_close", "Closed without answer"),
        ],
        required=True,
    )
    breach_date = fields.Date(
        required=True,
        help="Date the breach refers to: the missed deadline, the date the "
        "request was received or the date it started waiting.",
    )
    date = fields.Datetime(string="Escalated on", default=fields.Datetime.now)
    team_id = fields.Many2one("citizen.team")
    leader_id = fields.Many2one("res.users", string="Team Leader Notified")
    old_priority = fields.Selection(PRIORITIES)
    new_priority = fields.Selection(PRIORITIES)

    _sql_constraints = [
        (
            "breach_uniq",
            "unique (request_id, kind, breach_date)",
            "A breach is escalated once.",
        ),
    ]
