from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import format_date

from .citizen_routing_rule import normalize_term


def _pick_assignees_by_team(by_team):
    """``(item, user)`` for every item of ``by_team`` ({team: [items]}): the
    users are picked once per team for the whole batch, so that a burst is
    spread evenly (an empty user when the team assigns nobody)."""
    for team, items in by_team.items():
        yield from zip(items, team._pick_assignees(len(items)), strict=True)


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

    def _compute_work_order_count(self):
        # sudo: the count is shown to agents who may not read the work orders
        # of another service; it discloses nothing but a number.
        groups = (
            self.env["maintenance.request"]
            .sudo()
            ._read_group(
                [("citizen_request_id", "in", self.ids)],
                ["citizen_request_id"],
                ["__count"],
            )
        )
        counts = {request.id: count for request, count in groups}
        for request in self:
            request.work_order_count = counts.get(request.id, 0)

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

    # ------------------------------------------------------------------
    # Routing
    # ------------------------------------------------------------------

    def _get_routing_facts(self):
        """What routing rules look at, as plain Python values."""
        self.ensure_one()
        category_ids = set()
        category = self.category_id
        while category:
            category_ids.add(category.id)
            category = category.parent_id
        return {
            "company_id": self.company_id.id,
            "category_ids": category_ids,
            "channel": self.channel,
            "requester_kind": self.requester_kind or "citizen",
            "district": normalize_term(self.district),
            "district_id": self.district_id.id,
            "text": self.env["citizen.routing.rule"]._facts_text(
                self.title, self.description
            ),
        }

    def _find_routing_rule(self, rules, facts=None):
        """First rule of ``rules`` (already ordered) matching this request."""
        self.ensure_one()
        facts = facts or self._get_routing_facts()
        return next((rule for rule in rules if rule._matches(facts)), rules.browse())

    def _apply_routing(self, reason=None, keep_assignee=False):
        """Give each request the team, assignee, priority and tags of the
        first matching routing rule, or the triage team of its company (see
        :meth:`_get_routing_values`)."""
        context = {"citizen_transfer_reason": reason} if reason else {}
        for request, vals in zip(
            self, self._get_routing_values(keep_assignee), strict=True
        ):
            request.with_context(**context).write(vals)

    def _get_routing_values(self, keep_assignee=False):
        """Values routing gives each request (saved, or being created): the
        team, assignee, priority and tags of the first matching routing rule,
        or the triage team of its company.

        An assignee chosen at creation (``keep_assignee``) stays; otherwise
        one outside the new team is replaced. Rules are read once for the
        whole batch, so routing a burst of requests does not cost queries per
        rule, and the assignees of a team are picked once for the batch.
        """
        if not self:
            return []
        # sudo: routing is decided by the town's rules whoever files the
        # request (a citizen on the portal, the mail gateway, an agent of
        # another service); the values written are checked as usual.
        facts = [request._get_routing_facts() for request in self]
        rules = self.env["citizen.routing.rule"].sudo()._get_active_rules(facts)
        Team = self.env["citizen.team"].sudo()
        by_team = defaultdict(list)
        values = []
        for request, request_facts in zip(self, facts, strict=True):
            rule = request._find_routing_rule(rules, request_facts)
            team = rule.team_id or Team._get_triage_team(request.company_id)
            vals = {"routing_rule_id": rule.id}
            if team != request.team_id:
                vals["team_id"] = team.id
            keep = request.user_id and (
                keep_assignee or request.user_id in team.member_ids | team.leader_id
            )
            if keep:
                # Said explicitly so that the change of team keeps it.
                vals["user_id"] = request.user_id.id
            elif team:
                if rule.user_id:
                    vals["user_id"] = rule.user_id.id
                else:
                    vals["user_id"] = False
                    by_team[team].append(vals)
            if rule.priority and rule.priority > (request.priority or "0"):
                vals["priority"] = rule.priority
            if rule.tag_ids - request.tag_ids:
                vals["tag_ids"] = [Command.link(tag.id) for tag in rule.tag_ids]
            values.append(vals)
        for vals, user in _pick_assignees_by_team(by_team):
            vals["user_id"] = user.id
        return values

    def _assign_in_team(self):
        """Assign the unassigned requests given to a team at creation."""
        by_team = defaultdict(list)
        for request in self.filtered(lambda r: not r.user_id):
            by_team[request.team_id.sudo()].append(request)
        for request, user in _pick_assignees_by_team(by_team):
            if user:
                request.user_id = user

    def _reassign_outside_team(self):
        """A request moved to another team leaves its assignee if they are not
        in the new team, and gets one by the new team's method."""
        moved = self.filtered(
            lambda r: r.team_id
            and r.user_id not in r.team_id.member_ids | r.team_id.leader_id
        )
        if moved:
            moved.write({"user_id": False})
            moved._assign_in_team()

    def _log_team_change(self, old_teams):
        """Keep the history of every change of team of a saved request."""
        reason = self.env.context.get("citizen_transfer_reason")
        transfers = []
        for request in self.sudo():
            old_team = old_teams.get(request.id)
            if not old_team or old_team == request.team_id:
                continue
            if not request.team_id:
                # cleared: the request is back in every agent's shared queue
                default = self.env._("Team removed: back in the shared queue.")
            else:
                default = self.env._("Team changed.")
            transfers.append(
                {
                    "request_id": request.id,
                    "from_team_id": old_team.id,
                    "to_team_id": request.team_id.id,
                    "user_id": self.env.uid,
                    "reason": reason or default,
                }
            )
        if transfers:
            # sudo: the history is written by the system on behalf of whoever
            # changed the team; agents can read it but not forge it.
            self.env["citizen.request.transfer"].sudo().create(transfers)

    def _get_service_in_charge(self):
        service = super()._get_service_in_charge()
        if self.department_id or self.team_id:
            service["name"] = (self.department_id or self.team_id).name
        return service

    # ------------------------------------------------------------------
    # Work orders (technical services)
    # ------------------------------------------------------------------

    def _sync_work_orders(self):
        """Open requests of a team bound to a maintenance team get one work
        order; an open work order follows its request to a new maintenance
        team. Duplicates get none: the original's work order serves them."""
        to_create = []
        for request in self.filtered(
            lambda r: not r.is_closed and not r.duplicate_of_id
        ):
            maintenance_team = request.team_id.maintenance_team_id
            if not maintenance_team:
                continue
            # sudo: the work order is the service's own record, created as a
            # consequence of routing whoever filed the request.
            open_orders = request.sudo().work_order_ids._filter_open()
            if open_orders:
                open_orders.filtered(
                    lambda o, t=maintenance_team: o.maintenance_team_id != t
                ).write({"maintenance_team_id": maintenance_team.id})
            else:
                to_create.append(request._prepare_work_order_values())
        if to_create:
            orders = self.env["maintenance.request"].sudo().create(to_create)
            orders._copy_citizen_photos()

    def _sync_work_order_deadline(self):
        """An open work order keeps the deadline announced to the requester."""
        for request in self:
            request.work_order_ids._filter_open().date_deadline = request.date_deadline

    def _prepare_work_order_values(self):
        """Values of the work order created for this request."""
        self.ensure_one()
        maintenance_team = self.team_id.maintenance_team_id
        location = ", ".join(
            part
            for part in (self.street, " ".join(filter(None, [self.zip, self.city])))
            if part
        )
        if self.district:
            location = f"{location} ({self.district})" if location else self.district
        technician = (
            self.user_id if self.user_id in maintenance_team.member_ids else False
        )
        return {
            "name": f"{self.name} - {self.title}",
            "citizen_request_id": self.id,
            "description": self.description,
            "location": location,
            "date_deadline": self.date_deadline,
            "maintenance_team_id": maintenance_team.id,
            "user_id": technician and technician.id,
            "owner_user_id": self.user_id.id or self.env.uid,
            "priority": self.priority if self.priority != "0" else "2",
            "vehicle_id": self.vehicle_id.id,
            "company_id": self.company_id.id,
            "maintenance_type": "corrective",
        }

    def action_view_work_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation_routing.maintenance_request_action_workload"
        )
        action["domain"] = [("citizen_request_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.work_order_count == 1:
            action["view_mode"] = "form"
            action["views"] = [(False, "form")]
            action["res_id"] = self.work_order_ids.id
        return action

    def action_open_transfer_wizard(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation_routing.citizen_request_transfer_wizard_action"
        )
        action["context"] = {"active_ids": self.ids, "active_model": self._name}
        return action

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------

    @api.model
    def _cron_escalate(self):
        """Escalate late and unacknowledged requests, then deal with those
        waiting too long for their requester. Each breach is handled once,
        however often the job runs."""
        self._escalate_missed_deadlines()
        self._escalate_missing_acknowledgements()
        self._process_waiting_requests()
        return True

    def _get_escalated_breaches(self, *kinds):
        escalations = self.env["citizen.request.escalation"].search(
            [("request_id", "in", self.ids), ("kind", "in", kinds)]
        )
        return {(e.request_id.id, e.breach_date) for e in escalations}

    @api.model
    def _escalate_missed_deadlines(self):
        today = fields.Date.context_today(self)
        late = self.search([("is_closed", "=", False), ("date_deadline", "<", today)])
        done = late._get_escalated_breaches("deadline")
        for request in late:
            if (request.id, request.date_deadline) not in done:
                env = request._get_staff_env()
                request._escalate(
                    "deadline",
                    request.date_deadline,
                    env._(
                        "The request %(reference)s missed its deadline of "
                        "%(deadline)s.",
                        reference=request.name,
                        deadline=format_date(env, request.date_deadline),
                    ),
                )

    @api.model
    def _escalate_missing_acknowledgements(self):
        now = fields.Datetime.now()
        candidates = self.search(
            [
                ("is_closed", "=", False),
                ("date_acknowledged", "=", False),
                ("team_id.acknowledgement_days", ">", 0),
            ]
        )
        done = candidates._get_escalated_breaches("acknowledgement")
        for request in candidates:
            received = request.date_received
            if (request.id, received.date()) in done:
                continue
            if request._get_acknowledgement_limit() < now:
                env = request._get_staff_env()
                request._escalate(
                    "acknowledgement",
                    received.date(),
                    env._(
                        "The request %(reference)s, received on %(date)s, is "
                        "still not acknowledged.",
                        reference=request.name,
                        date=format_date(env, received.date()),
                    ),
                )

    def _get_staff_env(self):
        """Environment in the language of the staff told about the request:
        its team leader's, else its company's. Scheduled actions run with no
        language of their own, and would otherwise write in English."""
        self.ensure_one()
        lang = self._get_user_lang(self.team_id.leader_id)
        return self.with_context(lang=lang).env

    def _get_acknowledgement_limit(self):
        """Moment after which the request counts as not acknowledged in time:
        the team's delay in working days of its calendar, counted as the
        deadline is."""
        self.ensure_one()
        team = self.team_id
        calendar = team.resource_calendar_id or self.company_id.resource_calendar_id
        days = team.acknowledgement_days
        limit = self._add_working_days(self.date_received, days, calendar)
        return limit or self.date_received + timedelta(days=days)

    def _escalate(self, kind, breach_date, message):
        """Record the breach, raise the priority one step and notify the team
        leader (an internal note: the requester is not told)."""
        self.ensure_one()
        leader = self.team_id.leader_id
        old_priority = self.priority or "0"
        new_priority = str(min(int(old_priority) + 1, 3))
        self.env["citizen.request.escalation"].create(
            {
                "request_id": self.id,
                "kind": kind,
                "breach_date": breach_date,
                "team_id": self.team_id.id,
                "leader_id": leader.id,
                "old_priority": old_priority,
                "new_priority": new_priority,
            }
        )
        if new_priority != old_priority:
            self.priority = new_priority
        self.message_post(
            body=message,
            subtype_xmlid="mail.mt_note",
            partner_ids=leader.partner_id.ids,
        )

    @api.model
    def _process_waiting_requests(self):
        waiting_stage = self._get_waiting_stage()
        if not waiting_stage:
            return
        now = fields.Datetime.now()
        requests = self.search(
            [
                ("stage_id", "=", waiting_stage.id),
                ("date_waiting", "!=", False),
                ("category_id.waiting_days", ">", 0),
            ]
        )
        done = requests._get_escalated_breaches("waiting_reminder", "waiting_close")
        template = self.env.ref(
            "citizen_relation_routing.mail_template_request_waiting_reminder",
            raise_if_not_found=False,
        )
        for request in requests:
            category = request.category_id
            breach = request.date_waiting.date()
            if (request.id, breach) in done:
                continue
            if request.date_waiting + timedelta(days=category.waiting_days) > now:
                continue
            kind = (
                "waiting_close"
                if category.waiting_action == "close"
                else "waiting_reminder"
            )
            self.env["citizen.request.escalation"].create(
                {
                    "request_id": request.id,
                    "kind": kind,
                    "breach_date": breach,
                    "team_id": request.team_id.id,
                }
            )
            if category.waiting_action == "close":
                env = request._get_staff_env()
                request.message_post(
                    body=env._(
                        "Closed: no answer from the requester since %(date)s.",
                        date=format_date(env, breach),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
                request.action_close()
            elif template:
                request.message_post_with_source(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    email_layout_xmlid="mail.mail_notification_light",
                )
