"""Routing: the team, assignee, priority and tags a request gets from the
routing rules, and the history of its changes of team."""

from collections import defaultdict

from odoo import models
from odoo.fields import Command

from .citizen_routing_rule import normalize_term


def _pick_assignees_by_team(by_team):
    """``(item, user)`` for every item of ``by_team`` ({team: [items]}): the
    users are picked once per team for the whole batch, so that a burst is
    spread evenly (an empty user when the team assigns nobody)."""
    for team, items in by_team.items():
        yield from zip(items, team._pick_assignees(len(items)), strict=True)


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

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
            vals = request._get_rule_values(rule, team, keep_assignee)
            if team and "user_id" in vals and not vals["user_id"]:
                # the team's method picks the assignees of the whole batch
                by_team[team].append(vals)
            values.append(vals)
        for vals, user in _pick_assignees_by_team(by_team):
            vals["user_id"] = user.id
        return values

    def _get_rule_values(self, rule, team, keep_assignee):
        """Values routing by ``rule`` to ``team`` gives this request; an
        assignee left to the team's method is said as ``user_id`` False."""
        self.ensure_one()
        vals = {"routing_rule_id": rule.id}
        if team != self.team_id:
            vals["team_id"] = team.id
        keep = self.user_id and (
            keep_assignee or self.user_id in team.member_ids | team.leader_id
        )
        if keep:
            # Said explicitly so that the change of team keeps it.
            vals["user_id"] = self.user_id.id
        elif team:
            vals["user_id"] = rule.user_id.id or False
        if rule.priority and rule.priority > (self.priority or "0"):
            vals["priority"] = rule.priority
        if rule.tag_ids - self.tag_ids:
            vals["tag_ids"] = [Command.link(tag.id) for tag in rule.tag_ids]
        return vals

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

    def action_open_transfer_wizard(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation_routing.citizen_request_transfer_wizard_action"
        )
        action["context"] = {"active_ids": self.ids, "active_model": self._name}
        return action
