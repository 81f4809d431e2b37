from odoo import fields, models


class CitizenRequestStage(models.Model):
    _name = "citizen.request.stage"
    _description = "Citizen Request Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Requests in this stage are finished (resolved, closed or rejected).",
    )
    is_rejected = fields.Boolean(
        string="Rejection Stage",
        help="Requests in this stage were not handled (out of scope, abusive…).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "citizen.request")],
        help="Email sent to the requester when a request enters this stage.",
    )
    active = fields.Boolean(default=True)
