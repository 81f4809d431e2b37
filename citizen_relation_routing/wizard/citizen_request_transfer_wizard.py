from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class CitizenRequestTransferWizard(models.TransientModel):
    _name = "citizen.request.transfer.wizard"
    _description = "Transfer Citizen Requests to Another Team"

    request_ids = fields.Many2many("citizen.request", string="Requests")
    team_id = fields.Many2one("citizen.team", string="New Team", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Assignee",
        domain="[('share', '=', False)]",
        help="When empty, the new team's assignment method picks the agent.",
    )
    reason = fields.Text(
        required=True,
        help="Internal: kept in the transfer history and told to the new team, "
        "never to the requester.",
    )
    notify_requester = fields.Boolean(
        string="Tell the Requester",
        default=True,
        help="Post a public message telling the requester which service now "
        "handles the request.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "request_ids" in fields_list and self.env.context.get("active_ids"):
            if self.env.context.get("active_model") == "citizen.request":
                values["request_ids"] = [
                    fields.Command.set(self.env.context["active_ids"])
                ]
        return values

    def action_transfer(self):
        self.ensure_one()
        requests = self.request_ids.filtered(lambda r: r.team_id != self.team_id)
        if not requests:
            raise UserError(self.env._("These requests are already in this team."))
        requests.check_access("write")
        vals = {"team_id": self.team_id.id}
        if self.user_id:
            vals["user_id"] = self.user_id.id
        requests.with_context(citizen_transfer_reason=self.reason).write(vals)
        # sudo: the agent may lose access to the requests they just passed on;
        # the notes below are part of the transfer they were allowed to make.
        requests = requests.sudo()
        for request in requests:
            self._notify_new_team(request)
            if self.notify_requester:
                self._notify_requester(request)
        return {"type": "ir.actions.act_window_close"}

    def _notify_new_team(self, request):
        """Internal note to the new team (leader, members, assignee)."""
        team = self.team_id
        users = team.leader_id | team.member_ids | request.user_id
        request.message_post(
            body=Markup("%s<br/>%s")
            % (
                self.env._(
                    "Request transferred to %(team)s by %(user)s.",
                    team=team.name,
                    user=self.env.user.name,
                ),
                self.env._("Reason: %(reason)s", reason=self.reason),
            ),
            subtype_xmlid="mail.mt_note",
            partner_ids=users.partner_id.ids,
        )

    def _notify_requester(self, request):
        """Public message: only the service now in charge, never the reason."""
        service = request._get_service_in_charge()["name"]
        request.message_post(
            body=self.env._(
                "Your request %(reference)s was passed to %(service)s, who will "
                "handle it from now on.",
                reference=request.name,
                service=service,
            ),
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )
