from odoo import api, fields, models, tools

# What choosing the stage of new requests looks at (see _get_first_stage_id).
FIRST_STAGE_FIELDS = {"sequence", "active"}

# Statuses of mySociety's Open311 extension (FixMyStreet's "additional
# states"): the base statuses "open" and "closed", and the extended ones.
OPEN311_EXTENDED_STATUSES = [
    ("OPEN", "Open (no detail)"),
    ("INVESTIGATING", "Investigating"),
    ("IN_PROGRESS", "In progress"),
    ("ACTION_SCHEDULED", "Action scheduled"),
    ("INTERNAL_REFERRAL", "Internal referral"),
    ("REOPEN", "Reopened"),
    ("FIXED", "Fixed"),
    ("DUPLICATE", "Duplicate"),
    ("NOT_COUNCILS_RESPONSIBILITY", "Not the town's responsibility"),
    ("NO_FURTHER_ACTION", "No further action"),
    ("CLOSED", "Closed (no detail)"),
]
# extended statuses whose requests are finished
OPEN311_CLOSED_STATUSES = {
    "FIXED",
    "DUPLICATE",
    "NOT_COUNCILS_RESPONSIBILITY",
    "NO_FURTHER_ACTION",
    "CLOSED",
}
# Open311 statuses of the stages shipped with the addon (see
# _init_open311_statuses)
SHIPPED_OPEN311_STATUSES = {
    "stage_new": "OPEN",
    "stage_taken": "INVESTIGATING",
    "stage_in_progress": "IN_PROGRESS",
    "stage_waiting": "OPEN",
    "stage_resolved": "FIXED",
    "stage_closed": "CLOSED",
    "stage_rejected": "NO_FURTHER_ACTION",
}
# closed statuses of requests the town did not handle itself
OPEN311_REJECTED_STATUSES = {
    "DUPLICATE",
    "NOT_COUNCILS_RESPONSIBILITY",
    "NO_FURTHER_ACTION",
}


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
    open311_extended_status = fields.Selection(
        OPEN311_EXTENDED_STATUSES,
        string="Open311 Status",
        help="Status that Open311 clients (FixMyStreet and its family) read "
        "for the requests in this stage, and that their updates choose this "
        "stage with. Empty: open or closed, as the stage is.",
    )
    open311_external_status_code = fields.Char(
        help="Code of this stage in a partner's software, sent and read as "
        "external_status_code in Open311 updates. An update carrying this "
        "code moves the request to this stage, whatever its status says.",
    )

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

    # ------------------------------------------------------------------
    # Open311 statuses (mySociety's servicerequestupdates extension)
    # ------------------------------------------------------------------

    @api.model
    def _init_open311_statuses(self):
        """Give the shipped stages their Open311 status, at install and when
        the addon is updated, unless an administrator chose one already (the
        stages themselves are not updated: they are the town's)."""
        for xmlid, status in SHIPPED_OPEN311_STATUSES.items():
            stage = self.env.ref(f"citizen_relation.{xmlid}", raise_if_not_found=False)
            if stage and not stage.open311_extended_status:
                stage.open311_extended_status = status

    def _get_open311_status(self):
        """What Open311 says about a request in this stage: a dict with
        ``status`` ("open" or "closed"), ``extended_status`` (one of
        OPEN311_EXTENDED_STATUSES) and ``external_status_code`` (or "")."""
        self.ensure_one()
        extended = self.open311_extended_status or (
            "CLOSED" if self.is_closed else "OPEN"
        )
        return {
            "status": "closed" if self.is_closed else "open",
            "extended_status": extended,
            "external_status_code": self.open311_external_status_code or "",
        }

    @api.model
    def _normalize_open311_status(self, status):
        """ "fixed", "Fixed", "in progress" -> "FIXED", "IN_PROGRESS"; an
        unknown status -> False."""
        status = "_".join((status or "").strip().upper().replace("-", " ").split())
        return status if status in dict(OPEN311_EXTENDED_STATUSES) else False

    @api.model
    def _from_open311_status(self, status, external_status_code=None):
        """The stage an incoming Open311 update moves a request to, or an
        empty recordset when it names none (the request keeps its stage).

        In this order: the stage of ``external_status_code``; the first stage
        mapped to the extended ``status``; for a status no stage is mapped
        to, the first stage of its kind: a rejection stage for DUPLICATE,
        NOT_COUNCILS_RESPONSIBILITY or NO_FURTHER_ACTION, another closing
        stage for the other closed statuses, the first open stage mapped to
        IN_PROGRESS for the open ones but OPEN (which changes nothing).
        """
        Stage = self.with_context(active_test=True)
        code = (external_status_code or "").strip()
        if code:
            stage = Stage.search([("open311_external_status_code", "=", code)], limit=1)
            if stage:
                return stage
        extended = self._normalize_open311_status(status)
        if not extended:
            return self.browse()
        stage = Stage.search([("open311_extended_status", "=", extended)], limit=1)
        if stage:
            return stage
        if extended in OPEN311_CLOSED_STATUSES:
            rejected = extended in OPEN311_REJECTED_STATUSES
            return Stage.search(
                [("is_closed", "=", True), ("is_rejected", "=", rejected)], limit=1
            )
        if extended == "OPEN":
            return self.browse()
        # REOPEN, INVESTIGATING... with no stage of their own: work goes on
        return Stage.search(
            [
                ("is_closed", "=", False),
                ("open311_extended_status", "=", "IN_PROGRESS"),
            ],
            limit=1,
        ) or Stage.search([("is_closed", "=", False)], limit=1)
