from odoo import fields, models


class CitizenRequestTransfer(models.Model):
    _name = "citizen.request.transfer"
    _inherit = ["citizen.request.history"]
    _description = "Citizen Request Transfer"
    _order = "date desc, id desc"

    request_id = fields.Many2one(
        "citizen.request", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", string="Transferred by", default=lambda self: self.env.user
    )
    from_team_id = fields.Many2one("citizen.team")
    # empty when the team of the request was cleared: the request went back
    # to the shared queue of every agent
    to_team_id = fields.Many2one("citizen.team")
    reason = fields.Text(required=True)
