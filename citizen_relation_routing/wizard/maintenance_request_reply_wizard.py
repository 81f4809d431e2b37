from odoo import fields, models
from odoo.exceptions import UserError


class MaintenanceRequestReplyWizard(models.TransientModel):
    _name = "maintenance.request.reply.wizard"
    _description = "Reply to the Requester from a Work Order"

    work_order_id = fields.Many2one("maintenance.request", required=True)
    body = fields.Html(string="Message", required=True, sanitize=True)

    def action_send(self):
        """Post the message on the citizen request, as the user: only a user
        who may answer the request through this work order does it (see
        ``maintenance.request._filter_citizen_answerable``)."""
        self.ensure_one()
        order = self.work_order_id
        order.check_access("write")
        if not order.citizen_request_id:
            raise UserError(self.env._("This work order has no citizen request."))
        order._check_citizen_answerable()
        order.citizen_request_id.message_post(
            body=self.body,
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
            author_id=self.env.user.partner_id.id,
        )
        order.message_post(
            body=self.body, subtype_xmlid="mail.mt_note", message_type="comment"
        )
        return {"type": "ir.actions.act_window_close"}
