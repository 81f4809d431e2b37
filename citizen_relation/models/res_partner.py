from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Every request from any channel looks its requester up by email.
    email_normalized = fields.Char(index=True)

    citizen_request_count = fields.Integer(
        string="Citizen Requests",
        compute="_compute_citizen_request_count",
        groups="citizen_relation.group_citizen_agent",
    )

    def _compute_citizen_request_count(self):
        Request = self.env["citizen.request"]
        for partner in self:
            partner.citizen_request_count = (
                Request.search_count([("partner_id", "child_of", partner.id)])
                if partner.id
                else 0
            )

    def action_view_citizen_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
