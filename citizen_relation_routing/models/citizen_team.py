import ast

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

# What choosing the triage team of a company looks at (see
# _get_triage_team_id).
TRIAGE_FIELDS = {"is_triage", "company_id", "active", "sequence", "name"}


class CitizenTeam(models.Model):
    _name = "citizen.team"
    _description = "Citizen Request Team"
    _inherit = ["mail.alias.mixin", "citizen.cached.source"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    department_id = fields.Many2one(
        "hr.department",
        check_company=True,
        help="Town department (service) the team belongs to. Agents only see the "
        "requests of the teams they are members of.",
    )
    leader_id = fields.Many2one(
        "res.users",
        string="Team Leader",
        domain="[('share', '=', False)]",
        help="Receives the escalations of the team's late requests.",
    )
    member_ids = fields.Many2many(
        "res.users",
        "citizen_team_member_rel",
        "team_id",
        "user_id",
        string="Members",
        domain="[('share', '=', False)]",
    )
    is_triage = fields.Boolean(
        string="Triage Team",
        help="Requests that no routing rule matches go to the first triage team "
        "of their company (the front desk).",
    )
    assignment_method = fields.Selection(
        [
            ("manual", "Manual"),
            ("round_robin", "Round-robin"),
            ("balanced", "Balanced by open workload"),
        ],
        default="manual",
        required=True,
        help="How a request routed to the team gets its agent: left unassigned "
        "(manual), given to each member in turn (round-robin), or given to the "
        "member with the fewest open requests (balanced).",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        check_company=True,
        default=lambda self: self.env.company.resource_calendar_id,
        help="Working days used to count the team's acknowledgement delay.",
    )
    acknowledgement_days = fields.Integer(
        string="Acknowledgement Delay (working days)",
        default=5,
        help="A request not acknowledged after this many working days is "
        "escalated to the team leader. Zero disables the check.",
    )
    maintenance_team_id = fields.Many2one(
        "maintenance.team",
        check_company=True,
        help="When set, every request routed to this team creates a work order "
        "for this maintenance team.",
    )
    external_handler_id = fields.Many2one(
        "citizen.external.handler",
        check_company=True,
        help="Contractor or authority that does the work of the team's requests: "
        "every request routed to the team is forwarded to it, unless its "
        "category names a handler of its own.",
    )
    last_assigned_user_id = fields.Many2one(
        "res.users",
        string="Last Assigned Member",
        readonly=True,
        help="Technical: where the round-robin assignment starts again.",
    )
    request_ids = fields.One2many("citizen.request", "team_id", string="Requests")
    open_request_count = fields.Integer(compute="_compute_open_request_count")

    @api.constrains("leader_id", "member_ids", "company_id")
    def _check_users_company(self):
        for team in self:
            users = team.leader_id | team.member_ids
            wrong = users.filtered(
                lambda u, company=team.company_id: company not in u.company_ids
            )
            if wrong:
                raise ValidationError(
                    self.env._(
                        "%(users)s cannot work in team %(team)s: they do not "
                        "belong to its company.",
                        users=", ".join(wrong.mapped("name")),
                        team=team.name,
                    )
                )

    def _compute_open_request_count(self):
        groups = self.env["citizen.request"]._read_group(
            [("team_id", "in", self.ids), ("is_closed", "=", False)],
            ["team_id"],
            ["__count"],
        )
        counts = {team.id: count for team, count in groups}
        for team in self:
            team.open_request_count = counts.get(team.id, 0)

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("citizen.request").id
        if self.id:
            defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            values["alias_defaults"] = defaults
        return values

    def _get_assignable_users(self):
        """Members who can receive requests now, in a stable order: active
        users without time off (a leave on their resource) at this moment.
        When everybody is away, the whole team stays assignable."""
        self.ensure_one()
        users = (self.member_ids or self.leader_id).filtered("active").sorted("id")
        now = fields.Datetime.now()
        # sudo: leaves are HR data; only who is away right now is used.
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id.user_id", "in", users.ids),
                    ("date_from", "<=", now),
                    ("date_to", ">=", now),
                ]
            )
        )
        present = users - leaves.resource_id.user_id
        return present or users

    def _pick_assignees(self, count):
        """Return ``count`` users (or empty records) for new requests of the team.

        Called once for a whole batch so that a burst of requests is spread
        evenly: the balanced method counts the open workload once, then adds
        each assignment to it before choosing the next member.
        """
        if not self:
            return [self.env["res.users"]] * count
        self.ensure_one()
        if self.assignment_method == "manual" or count <= 0:
            return [self.env["res.users"]] * count
        users = self._get_assignable_users()
        if not users:
            return [self.env["res.users"]] * count
        if self.assignment_method == "round_robin":
            start = 0
            if self.last_assigned_user_id in users:
                start = list(users).index(self.last_assigned_user_id) + 1
            picked = [users[(start + i) % len(users)] for i in range(count)]
            # Plain write on a technical field; the agent routing the request
            # may not be allowed to edit the team itself.
            self.sudo().last_assigned_user_id = picked[-1]
        else:
            groups = self.env["citizen.request"]._read_group(
                [
                    ("team_id", "=", self.id),
                    ("user_id", "in", users.ids),
                    ("is_closed", "=", False),
                ],
                ["user_id"],
                ["__count"],
            )
            load = dict.fromkeys(users, 0)
            load.update({user: n for user, n in groups})
            picked = []
            for _i in range(count):
                user = min(users, key=lambda u: (load[u], u.id))
                load[user] += 1
                picked.append(user)
        return picked

    @api.model
    def _get_triage_team(self, company):
        """The team of the company's requests that no rule routes."""
        return self.browse(self._get_triage_team_id(company.id))

    @api.model
    @tools.ormcache("company_id")
    def _get_triage_team_id(self, company_id):
        # Kept per worker: every new request needs it; changing the teams
        # clears it. sudo: the same team whoever files the request.
        return (
            self.sudo()
            .search(
                [("is_triage", "=", True), ("company_id", "=", company_id)], limit=1
            )
            .id
        )

    def _citizen_feeds_cache(self, vals=None):
        if vals is None:
            return any(self.mapped("is_triage"))
        return bool(TRIAGE_FIELDS & set(vals))

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id}
        return action
