from odoo import fields, models


class CitizenRequestCategoryAttributeValue(models.Model):
    _name = "citizen.request.category.attribute.value"
    _description = "Request Category Question Choice"
    _order = "attribute_id, sequence, id"

    attribute_id = fields.Many2one(
        "citizen.request.category.attribute",
        required=True,
        ondelete="cascade",
        index=True,
    )
    sequence = fields.Integer(default=10)
    key = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)

    _sql_constraints = [
        (
            "attribute_key_unique",
            "unique(attribute_id, key)",
            "Two choices of a question cannot have the same key.",
        ),
    ]
