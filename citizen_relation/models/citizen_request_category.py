from odoo import api, fields, models
from odoo.exceptions import ValidationError

PRIORITIES = [
    ("0", "Normal"),
    ("1", "Important"),
    ("2", "Urgent"),
    ("3", "Emergency"),
]


class CitizenRequestCategory(models.Model):
    _name = "citizen.request.category"
    _description = "Citizen Request Category"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_names_search = ["complete_name", "code"]
    _order = "sequence, complete_name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(
        compute="_compute_complete_name", recursive=True, store=True
    )
    code = fields.Char(
        required=True,
        help="Short unique code, also used as the Open311 service code.",
    )
    parent_id = fields.Many2one(
        "citizen.request.category",
        string="Parent Category",
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many(
        "citizen.request.category", "parent_id", string="Subcategories"
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    is_public = fields.Boolean(
        string="Offered to Citizens",
        default=False,
        help="Citizens can choose this category on the website form, and software "
        "can file requests in it through the open APIs (Open311, connectors). "
        "A new category is not offered until you tick this.",
    )
    public_description = fields.Text(
        translate=True, help="Shown to citizens when they pick the category."
    )
    delay_days = fields.Integer(
        string="Processing Delay (working days)",
        default=10,
        help="Delay announced to the requester, counted in working days of the "
        "company calendar from the date the request is received.",
    )
    default_priority = fields.Selection(PRIORITIES, default="0", required=True)
    retention_months = fields.Integer(
        string="Retention (months)",
        default=36,
        help="How long the requester's personal data is kept after closure.",
    )
    company_id = fields.Many2one("res.company", index=True)
    # Decision by silence (CRPA L.231-1 and following)
    implicit_decision = fields.Selection(
        [
            ("none", "None: information request or report"),
            ("acceptance", "Implicit acceptance"),
            ("rejection", "Implicit rejection"),
        ],
        string="Decision by Silence",
        default="none",
        required=True,
        help="What the town's silence is worth on a request of this category "
        "(French code of relations between the public and the administration, "
        "CRPA). Implicit acceptance: the rule (L.231-1), silence kept for the "
        "delay below is worth acceptance. Implicit rejection: the exceptions "
        "(L.231-4 and the decrees listing them), silence is worth rejection "
        "and the requester may appeal. None: a report or a question that "
        "calls for no decision. The acknowledgement and the receipt state the "
        "date and, for a rejection, the appeal routes and delays.",
    )
    implicit_decision_delay = fields.Integer(
        string="Delay of the Decision by Silence",
        default=2,
        help="Silence kept this long after the request is received (or, when "
        "it was incomplete, after the missing pieces) is worth the decision. "
        "Two months unless a text sets another delay.",
    )
    implicit_decision_delay_unit = fields.Selection(
        [("months", "Months"), ("days", "Days")],
        string="Unit of the Delay",
        default="months",
        required=True,
    )
    request_count = fields.Integer(compute="_compute_request_count")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "The category code must be unique per company.",
        ),
    ]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            if category.parent_id:
                category.complete_name = (
                    f"{category.parent_id.complete_name} / {category.name}"
                )
            else:
                category.complete_name = category.name

    @api.depends("name", "parent_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # complete_name is stored in one language; build the shown path in
        # the reader's language.
        for category in self:
            names, current = [], category
            while current:
                names.append(current.name or "")
                current = current.parent_id
            category.display_name = " / ".join(reversed(names))

    def _compute_request_count(self):
        groups = self.env["citizen.request"]._read_group(
            [("category_id", "in", self.ids)], ["category_id"], ["__count"]
        )
        counts = {category.id: count for category, count in groups}
        for category in self:
            category.request_count = counts.get(category.id, 0)

    @api.constrains("implicit_decision", "implicit_decision_delay")
    def _check_implicit_decision_delay(self):
        for category in self:
            if (
                category.implicit_decision != "none"
                and category.implicit_decision_delay <= 0
            ):
                raise ValidationError(
                    self.env._(
                        "A decision by silence needs a delay: set the delay of "
                        "category %s.",
                        category.display_name,
                    )
                )

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("You cannot create recursive categories."))

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("category_id", "child_of", self.id)]
        action["context"] = {"default_category_id": self.id}
        return action
