from odoo import fields, models


class CitizenRequestCategory(models.Model):
    _inherit = "citizen.request.category"

    attribute_ids = fields.One2many(
        "citizen.request.category.attribute",
        "category_id",
        string="Questions",
        help="Extra questions answered by software filing requests of this "
        "category through Open311.",
    )
