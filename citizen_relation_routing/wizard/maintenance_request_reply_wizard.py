from odoo import api, fields, models
from odoo.exceptions import UserError


class MaintenanceRequestReplyWizard(models.TransientModel):
    _name = "maintenance.request.reply.wizard"
    _description = "Reply to the Requester from a Work Order"

    work_order_id = fields.Many2one("maintenance.request", required=True)
    body = fields.Html(string="Message", required=True, sanitize=True)
    template_id = fields.Many2one(
        "mail.template",
        string="Answer Template",
        domain="[('id', 'in', answer_template_ids)]",
        help="Fills the message with this template, written for the request.",
    )
    answer_template_ids = fields.Many2many(
        "mail.template",
        string="Offered Answer Templates",
        compute="_compute_answer_template_ids",
    )

    @api.depends("work_order_id")
    def _compute_answer_template_ids(self):
        Template = self.env["mail.template"]
        for wizard in self:
            citizen_request = wizard.work_order_id.citizen_request_id
            wizard.answer_template_ids = (
                Template.search(Template._citizen_answer_domain(citizen_request))
                if citizen_request
                else Template
            )

    @api.onchange("template_id")
    def _onchange_template_id(self):
        citizen_request = self.work_order_id.citizen_request_id
        if self.template_id and citizen_request:
            self.body = self.template_id._render_field(
                "body_html", citizen_request.ids, compute_lang=True
            )[citizen_request.id]

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
