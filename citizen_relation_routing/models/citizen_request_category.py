from odoo import fields, models


class CitizenRequestCategory(models.Model):
    _inherit = "citizen.request.category"

    waiting_days = fields.Integer(
        string="Waiting Delay (days)",
        default=15,
        help="Days a request may wait for an answer of its requester before "
        "the escalation job acts. Zero disables it.",
    )
    waiting_action = fields.Selection(
        [("remind", "Remind the requester"), ("close", "Close the request")],
        string="When the Requester Does Not Answer",
        default="remind",
        required=True,
    )
    external_handler_id = fields.Many2one(
        "citizen.external.handler",
        help="Contractor or authority that does the work of this category (and "
        "of its subcategories without a handler of their own): its requests "
        "are forwarded to it. It wins over the handler of the team.",
    )

    def unlink(self):
        # a rule that named only deleted categories now applies to all of
        # them: the rules kept per worker are looked up again
        named = (
            self.env["citizen.routing.rule"]
            .sudo()
            .with_context(active_test=False)
            .search_count([("category_ids", "in", self.ids)], limit=1)
        )
        res = super().unlink()
        if named:
            self.env.registry.clear_cache()
        return res
