from odoo import api, fields, models, tools

# What choosing the stage of new requests looks at (see _get_first_stage_id).
FIRST_STAGE_FIELDS = {"sequence", "active"}


class CitizenRequestStage(models.Model):
    _name = "citizen.request.stage"
    _description = "Citizen Request Stage"
    _inherit = ["citizen.cached.source"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    fold = fields.Boolean(string="Folded in Kanban")
    is_closed = fields.Boolean(
        string="Closing Stage",
        help="Requests in this stage are finished (resolved, closed or rejected).",
    )
    is_rejected = fields.Boolean(
        string="Rejection Stage",
        help="Requests in this stage were not handled (out of scope, abusive…).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "citizen.request")],
        help="Email sent to the requester when a request enters this stage.",
    )
    active = fields.Boolean(default=True)

    @api.model
    def _get_first_stage(self):
        """The stage of new requests: the first active stage."""
        return self.browse(self._get_first_stage_id())

    @api.model
    @tools.ormcache()
    def _get_first_stage_id(self):
        # Kept per worker, as every new request needs it; changing the
        # stages clears it. sudo: the same stage for everybody.
        return self.sudo().search([], limit=1).id

    def _citizen_feeds_cache(self, vals=None):
        return vals is None or bool(FIRST_STAGE_FIELDS & set(vals))
