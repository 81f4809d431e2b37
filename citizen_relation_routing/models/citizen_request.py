from collections import defaultdict

from odoo import api, fields, models

from .citizen_request_routing import _pick_assignees_by_team


class CitizenRequest(models.Model):
    _inherit = "citizen.request"

    team_id = fields.Many2one(
        "citizen.team",
        tracking=True,
        index=True,
        check_company=True,
        group_expand="_read_group_team_ids",
    )
    department_id = fields.Many2one(
        "hr.department",
        string="Department",
        related="team_id.department_id",
        store=True,
        precompute=True,
        index=True,
    )
    routing_rule_id = fields.Many2one(
        "citizen.routing.rule",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="Rule that chose the team when the request was routed; empty when "
        "the team was given explicitly or the triage team caught it.",
    )
    tag_ids = fields.Many2many("citizen.request.tag", string="Tags")
    transfer_ids = fields.One2many(
        "citizen.request.transfer", "request_id", string="Transfers", readonly=True
    )
    escalation_ids = fields.One2many(
        "citizen.request.escalation",
        "request_id",
        string="Escalations",
        readonly=True,
    )
    date_waiting = fields.Datetime(
        string="Waiting Since",
        copy=False,
        readonly=True,
        help="When the request entered the stage waiting for the requester.",
    )
    vehicle_id = fields.Many2one(
        "fleet.vehicle",
        tracking=True,
        index="btree_not_null",
        check_company=True,
        help="Municipal vehicle the request is about (damaged vehicle, servicing).",
    )
    work_order_ids = fields.One2many(
        "maintenance.request", "citizen_request_id", string="Work Orders"
    )
    work_order_count = fields.Integer(compute="_compute_work_order_count")

    @api.model
    def _read_group_team_ids(self, teams, domain):
        return teams.search([("active", "=", True)])

    # ------------------------------------------------------------------
    # Creation and changes
    # ------------------------------------------------------------------

    @api.model
    def _prepare_requests_values(self, vals_list):
        """Route new requests in their values: team, assignee, priority and
        tags are part of the INSERT, not written after it. Requests created
        with a team (team alias, agent working in a team) keep it and get an
        assignee by the team's method; the others go through the routing
        rules."""
        vals_list = super()._prepare_requests_values(vals_list)
        # the values create() would complete them with (channel, company,
        # stage...): rules look at what the request will be
        vals_list = [self._add_missing_default_values(vals) for vals in vals_list]
        waiting = self._ref("citizen_relation.stage_waiting")
        for vals in vals_list:
            # recorded already waiting for the requester (a counter agent
            # asking for a document): the waiting delay starts now
            if waiting and vals.get("stage_id") == waiting.id:
                vals.setdefault("date_waiting", fields.Datetime.now())
        drafts = [(vals, self.new(vals)) for vals in vals_list]
        to_route = [(vals, draft) for vals, draft in drafts if not draft.team_id]
        routing_values = (
            self.browse()
            .concat(*(draft for _vals, draft in to_route))
            ._get_routing_values(keep_assignee=True)
        )
        for (vals, _draft), routing in zip(to_route, routing_values, strict=True):
            links = routing.pop("tag_ids", [])
            vals.update(routing)
            if links:
                vals["tag_ids"] = list(vals.get("tag_ids") or []) + links
        by_team = defaultdict(list)
        for vals, draft in drafts:
            if draft.team_id and not draft.user_id:
                by_team[draft.team_id.sudo()].append(vals)
        for vals, user in _pick_assignees_by_team(by_team):
            if user:
                vals["user_id"] = user.id
        return vals_list

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests.filtered("team_id")._sync_work_orders()
        return requests

    def write(self, vals):
        stage = None
        if vals.get("stage_id"):
            stage = self.env["citizen.request.stage"].browse(vals["stage_id"])
            # the stage itself, without reading whether it is still active
            waiting = self._ref("citizen_relation.stage_waiting")
            if waiting and stage == waiting:
                vals.setdefault("date_waiting", fields.Datetime.now())
            elif "date_waiting" not in vals:
                vals["date_waiting"] = False
        old_teams = {}
        if "team_id" in vals:
            old_teams = {request.id: request.team_id for request in self}
        res = super().write(vals)
        if old_teams:
            self._log_team_change(old_teams)
        if "category_id" in vals and "team_id" not in vals:
            self.filtered(lambda r: not r.is_closed)._apply_routing(
                reason=self.env._("The category changed.")
            )
        if "team_id" in vals:
            # sudo: the team change was allowed; what follows from it (new
            # assignee, work order) must happen even if the author of the
            # change no longer sees the request in its new team.
            if "user_id" not in vals:
                self.sudo()._reassign_outside_team()
            self.sudo()._sync_work_orders()
        if "date_deadline" in vals:
            self.sudo()._sync_work_order_deadline()
        if (stage is not None and stage.is_rejected) or vals.get("duplicate_of_id"):
            # A duplicate's work is done once, on the original's work order.
            # sudo: every work order of the request is cancelled, also those
            # of maintenance teams the author of the change does not see.
            self.sudo().work_order_ids._cancel_from_citizen_request()
        return res

    def _get_service_in_charge_name(self):
        if self.department_id or self.team_id:
            return (self.department_id or self.team_id).name
        return super()._get_service_in_charge_name()
