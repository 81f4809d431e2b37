from odoo import fields, models

DATATYPES = [
    ("string", "Short text"),
    ("number", "Number"),
    ("datetime", "Date and time"),
    ("text", "Long text"),
    ("singlevaluelist", "One choice in a list"),
    ("multivaluelist", "Several choices in a list"),
]


class CitizenRequestCategoryAttribute(models.Model):
    """A question asked to software filing a request of this category.

    Open311 calls them the attributes of a service definition (for instance
    "Is the lamp post damaged?" for street lighting).
    """

    _name = "citizen.request.category.attribute"
    _description = "Request Category Question"
    _order = "category_id, sequence, id"

    category_id = fields.Many2one(
        "citizen.request.category", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    code = fields.Char(
        required=True, help="Identifier of the question in the open APIs."
    )
    description = fields.Char(string="Question", required=True, translate=True)
    datatype = fields.Selection(DATATYPES, required=True, default="string")
    datatype_description = fields.Char(
        string="Hint", translate=True, help="How to answer, e.g. a format."
    )
    required = fields.Boolean()
    value_ids = fields.One2many(
        "citizen.request.category.attribute.value",
        "attribute_id",
        string="Choices",
        copy=True,
    )

    _sql_constraints = [
        (
            "category_code_unique",
            "unique(category_id, code)",
            "Two questions of a category cannot have the same code.",
        ),
    ]
