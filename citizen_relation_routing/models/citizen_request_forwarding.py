from odoo import api, fields, models
from odoo.exceptions import UserError


class CitizenRequest(models.Model):
    """Requests handed to contractors and other authorities."""

    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    forward_ids = fields.One2many(
        "citizen.request.forward", "request_id", string="Forwards", readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        requests._forward_to_external_handlers()
        return requests

    def write(self, vals):
        res = super().write(vals)
        if "team_id" in vals or "category_id" in vals:
            self._forward_to_external_handlers()
        return res

    def _get_external_handler(self):
        """Who outside the town does the work of this request: the handler of
        its category (or of the nearest parent category), else the handler of
        its team. The category wins: it says what the work is (street
        lighting goes to the lighting contractor whichever team follows the
        request)."""
        self.ensure_one()
        category = self.category_id
        while category:
            if category.external_handler_id:
                return category.external_handler_id
            category = category.parent_id
        return self.team_id.external_handler_id

    def _forward_to_external_handlers(self):
        """Forward once the open requests whose category or team names an
        external handler that does not have them yet."""
        for request in self:
            if request.is_closed or request.duplicate_of_id:
                continue
            # sudo: the handler is the town's setting; the request is forwarded
            # whoever filed or moved it.
            handler = request.sudo()._get_external_handler()
            if not handler or not handler.active:
                continue
            if (
                handler
                in request.sudo()
                .forward_ids.filtered(lambda f: f.state != "cancelled")
                .handler_id
            ):
                continue
            self.env["citizen.request.forward"]._forward(request, handler)

    def action_forward(self):
        """Agents hand the request to its external handler by hand: those who
        may change the request."""
        self.check_access("write")
        for request in self:
            # sudo: the town's setting, read for a request the user may change
            handler = request.sudo()._get_external_handler()
            if not handler:
                raise UserError(
                    self.env._(
                        "Neither the category nor the team of %s names an "
                        "external handler.",
                        request.name,
                    )
                )
            open_forwards = request.forward_ids.filtered(
                lambda f, h=handler: f.state in ("queued", "sent") and f.handler_id == h
            )
            if open_forwards:
                raise UserError(
                    self.env._(
                        "%(ref)s is already with %(handler)s.",
                        ref=request.name,
                        handler=handler.name,
                    )
                )
            self.env["citizen.request.forward"]._forward(request, handler)
        return True

    def _anonymize_copies(self):
        """What came back from the handlers may quote the requester: their
        updates' text and links, the reasons of failures. The signed link
        dies: its page would show the request anonymised. What the handler
        keeps on their side is theirs to erase (see the administrator's
        guide)."""
        res = super()._anonymize_copies()
        # sudo: the anonymisation erases every copy, whoever may read it.
        forwards = (
            self.env["citizen.request.forward"]
            .sudo()
            .search([("request_id", "in", self.ids)])
        )
        forwards.update_ids.write({"description": False, "media_url": False})
        forwards.write({"access_token": False, "last_error": False})
        return res
