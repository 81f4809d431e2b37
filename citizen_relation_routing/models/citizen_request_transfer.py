from odoo import fields, models


class CitizenRequestTransfer(models.Model):
    _name = "citizen.request.transfer"
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
    to_team_id = fields.Many2one("citizen.team", required=True)
    reason = fields.Text(required=True)
