import functools

from odoo import api, models
from odoo.osv import expression


class CitizenRequestHistory(models.AbstractModel):
    """Lines of a request's history (transfers and their reasons,
    escalations): read by those who may read the request, by no one else.

    The access lists let agents read the model; which lines they read follows
    the rules of the request itself, so that it never drifts from them. The
    model using the mixin has a ``request_id`` many2one to the request.
    """

    _name = "citizen.request.history"
    _description = "Citizen Request History Line"

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if result or self.env.su or not self._ids:
            return result
        requests = self.sudo().request_id.with_env(self.env)
        hidden = requests - requests._filtered_access("read")
        if not hidden:
            return None
        forbidden = self.sudo().filtered(lambda line: line.request_id in hidden)
        forbidden = forbidden.with_env(self.env)
        return forbidden, functools.partial(
            self.env["ir.rule"]._make_access_error, operation, forbidden
        )

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if not self.env.su:
            readable = (
                self.env["citizen.request"].with_context(active_test=False)._search([])
            )
            domain = expression.AND([domain, [("request_id", "in", readable)]])
        return super()._search(domain, offset, limit, order)
