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
    publish_requests = fields.Boolean(
        default=False,
        help="The requests of this category are listed in the open data "
        "(Open311): reference, status, dates, the street without house number, "
        "coordinates rounded to about 100 m and the public description an agent "
        "wrote, never the requester nor their own words. Leave it unticked for "
        "categories that concern a person: civil registry, neighbour disputes, "
        "social matters, anything collected at someone's home.",
    )
