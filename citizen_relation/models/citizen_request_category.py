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
