from werkzeug.urls import url_encode

from odoo import api, fields, models, tools

from .citizen_request_category import PRIORITIES

CHANNELS = [
    ("web", "Website"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("counter", "Counter"),
    ("social", "Social Network"),
    ("api", "API"),
]


class CitizenRequest(models.Model):
    _name = "citizen.request"
    _description = "Citizen Request"
    _inherit = [
        "mail.thread.cc",
        "mail.activity.mixin",
        "portal.mixin",
        "rating.mixin",
    ]
    _order = "priority desc, date_received desc, id desc"
    _rec_names_search = ["name", "title", "contact_name"]
    _primary_email = "contact_email"
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    title = fields.Char(required=True, tracking=True, index="trigram")
    description = fields.Html(sanitize=True)
    channel = fields.Selection(
        CHANNELS, required=True, default="web", tracking=True, index=True
    )
    source_ref = fields.Char(
        string="Source Reference",
        copy=False,
        index="btree_not_null",
        help="Message-Id of the email, URL of the post or identifier in the "
        "sending software.",
    )
    category_id = fields.Many2one(
        "citizen.request.category",
        tracking=True,
        index=True,
        check_company=True,
    )
    stage_id = fields.Many2one(
        "citizen.request.stage",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        default=lambda self: self._default_stage_id(),
        group_expand="_read_group_stage_ids",
    )
    # Stored fields computed from the values of a new request are computed
    # before it is inserted (precompute): no UPDATE follows the INSERT for them.
    is_closed = fields.Boolean(
        related="stage_id.is_closed", store=True, index=True, precompute=True
    )
    priority = fields.Selection(
        PRIORITIES,
        compute="_compute_priority",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
    )
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    # Requester
    partner_id = fields.Many2one(
        "res.partner", string="Requester", tracking=True, index=True
    )
    requester_kind = fields.Selection(
        [("citizen", "Citizen"), ("organisation", "Organisation")],
        compute="_compute_requester_kind",
        store=True,
        precompute=True,
        index=True,
    )
    contact_name = fields.Char(string="Name Given", index="trigram")
    contact_email = fields.Char(string="Email Given")
    contact_phone = fields.Char(string="Phone Given")
    # Location
    street = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    district = fields.Char(help="District (quartier) of the town.")
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    # Handling
    user_id = fields.Many2one(
        "res.users",
        string="Assigned Agent",
        tracking=True,
        index=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    date_received = fields.Datetime(
        required=True, default=fields.Datetime.now, copy=False, tracking=True
    )
    date_acknowledged = fields.Datetime(copy=False, readonly=True)
    acknowledgement_method = fields.Selection(
        [
            ("email", "Email"),
            ("callback", "Call back or letter"),
            ("receipt", "Printed receipt"),
            ("none", "Not needed: recorded closed"),
        ],
        copy=False,
        readonly=True,
        help="How the requester was (or is to be) told that the request was "
        "received. Empty while no acknowledgement was made.",
    )
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        # computed before the INSERT, from the values of the new request
        precompute=True,
        readonly=False,
        tracking=True,
        copy=False,
        help="Computed once at intake from the category delay, in working days "
        "of the company calendar; later changes of category keep it.",
    )
    date_closed = fields.Datetime(copy=False, readonly=True)
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    # Duplicates
    duplicate_of_id = fields.Many2one(
        "citizen.request",
        string="Duplicate of",
        tracking=True,
        index="btree_not_null",
        copy=False,
        check_company=True,
        domain="[('id', '!=', id), ('duplicate_of_id', '=', False)]",
    )
    duplicate_ids = fields.One2many(
        "citizen.request", "duplicate_of_id", string="Duplicates"
    )
    duplicate_count = fields.Integer(
        compute="_compute_duplicate_count", store=True, precompute=True
    )
    # A new request has no rating: known without looking ratings up.
    rating_last_value = fields.Float(
        compute="_compute_rating_last_value", store=True, precompute=True
    )
    duplicate_candidate_ids = fields.Many2many(
        "citizen.request",
        string="Possible Duplicates",
        compute="_compute_duplicate_candidate_ids",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The request reference must be unique per company.",
        ),
    ]

    def init(self):
        res = super().init()
        # The same email (Message-Id) delivered twice at the same moment, from
        # two mailboxes, must not open two requests.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS citizen_request_email_source_ref_uniq
                ON citizen_request (company_id, source_ref)
             WHERE channel = 'email' AND source_ref IS NOT NULL
            """
        )
        # Message-Ids of the emails being turned into requests, so that two
        # deliveries of one email at the same moment conflict (see
        # mail.thread._citizen_drop_concurrent_duplicates); kept a day.
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS citizen_request_email_delivery (
                message_id VARCHAR PRIMARY KEY,
                create_date TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
            )
            """
        )
        # Kanban, list and portal pages read the first requests in the model's
        # order; without this index a large town sorts its whole history.
        tools.create_index(
            self.env.cr,
            "citizen_request_default_order_index",
            self._table,
            ["priority DESC", "date_received DESC", "id DESC"],
        )
        # The acknowledgement job looks for the few requests not acknowledged
        # yet among all of them.
        tools.create_index(
            self.env.cr,
            "citizen_request_acknowledgement_pending_index",
            self._table,
            ["date_received", "id"],
            where="acknowledgement_method IS NULL",
        )
        return res

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------

    def _default_stage_id(self):
        return self.env["citizen.request.stage"]._get_first_stage()

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([("active", "=", True)], order=stages._order)

    @api.depends("category_id")
    def _compute_priority(self):
        for request in self:
            if request.category_id and request.priority in (False, "0"):
                request.priority = request.category_id.default_priority
            elif not request.priority:
                request.priority = "0"

    @api.depends("partner_id.is_company", "partner_id.commercial_partner_id")
    def _compute_requester_kind(self):
        for request in self:
            # anonymised, the request has no requester left: the statistics
            # keep the kind it had
            if request.is_anonymized and request.requester_kind:
                continue
            is_organisation = request.partner_id.commercial_partner_id.is_company
            request.requester_kind = "organisation" if is_organisation else "citizen"

    def _compute_access_url(self):
        for request in self:
            request.access_url = f"/my/requests/{request.id}"

    # ------------------------------------------------------------------
    # Creation: every channel goes through here
    # ------------------------------------------------------------------

    @api.model
    def _set_closing_date(self, vals):
        """The closing date that goes with the stage of ``vals``, at creation
        and at each change of stage: entering a closed stage dates the request
        now, unless a date is given with the stage (history imported);
        entering an open stage clears it. Set in the values, as the stage is
        written, so that the date is the moment of the change."""
        if vals.get("stage_id"):
            stage = self.env["citizen.request.stage"].browse(vals["stage_id"])
            if stage.is_closed:
                vals.setdefault("date_closed", fields.Datetime.now())
                return vals
        if "stage_id" in vals:
            vals["date_closed"] = False
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        # Everything is decided on the values (reference, requester,
        # deadline, team): the request is inserted complete. The
        # acknowledgement job acknowledges it a moment after the commit.
        requests = super().create(self._prepare_requests_values(vals_list))
        requests._subscribe_new_requester()
        requests.filtered("duplicate_of_id")._follow_original()
        requests._wake_acknowledgement_job()
        return requests

    def write(self, vals):
        if "stage_id" in vals:
            vals = self._set_closing_date(dict(vals))
        res = super().write(vals)
        if vals.get("partner_id"):
            self._subscribe_requester()
        if "duplicate_of_id" in vals:
            self._follow_original()
        if (
            "stage_id" in vals
            and self.env["citizen.request.stage"].browse(vals["stage_id"]).is_closed
        ):
            self._close_duplicates()
        return res

    # ------------------------------------------------------------------
    # Shared helpers
    # ------------------------------------------------------------------

    @api.model
    def _ref(self, xmlid, raise_if_not_found=False):
        """The record of ``xmlid`` (None when there is none), as ``env.ref``
        but without its query checking that the record exists, for the paths
        every request takes: an xmlid goes with its record when the record is
        deleted, and the ids of xmlids are kept per worker."""
        model, res_id = self.env["ir.model.data"]._xmlid_to_res_model_res_id(
            xmlid, raise_if_not_found=raise_if_not_found
        )
        return self.env[model].browse(res_id) if model else None

    def _get_company_lang(self):
        """Language of the texts the town writes by itself (scheduled
        actions): that of the company's contact."""
        company = self[:1].company_id or self.env.company
        return company.partner_id.lang or self.env.lang

    def _get_user_lang(self, user):
        """Language of the texts written for an agent: theirs, else the
        company's."""
        return user.lang or self._get_company_lang()

    def _get_service_in_charge(self):
        """Service in charge of the request and how to reach it, as told to
        the requester in the acknowledgement (CRPA R.112-11-1)."""
        self.ensure_one()
        company = self.company_id
        address = ", ".join(
            part
            for part in (company.street, company.street2, company.zip, company.city)
            if part
        )
        return {
            "name": self._get_service_in_charge_name(),
            "organisation": company.name,
            "email": company.email or "",
            "phone": company.phone or "",
            "address": address,
        }

    def _get_service_in_charge_name(self):
        """Name of the service in charge (the ``name`` of
        :meth:`_get_service_in_charge`), for what names it alone: Open311's
        ``agency_responsible`` reads no address of the town for it."""
        self.ensure_one()
        return self.category_id.name or self.company_id.name

    def _get_tracking_url(self):
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url()

    def _get_rating_url(self, score):
        """Link of the resolution email giving ``score`` (1, 3 or 5): the
        rating itself is prepared when the requester follows it. Signed for
        the requester (``pid`` and ``hash``, as Odoo's notification links):
        the request's link alone does not rate as its requester."""
        self.ensure_one()
        self._portal_ensure_token()
        params = {"access_token": self.access_token}
        if self.partner_id:
            params.update(
                pid=self.partner_id.id, hash=self._sign_token(self.partner_id.id)
            )
        return (
            f"{self.get_base_url()}/my/requests/{self.id}/rate/{score}"
            f"?{url_encode(params)}"
        )

    # ------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------

    def _get_stage(self, xmlid, domain=None):
        """The shipped stage ``xmlid`` while active, else the first stage of
        ``domain`` (none without a domain)."""
        stage = self._ref(f"citizen_relation.{xmlid}")
        if stage and stage.active:
            return stage
        if domain is None:
            return self.env["citizen.request.stage"]
        return self.env["citizen.request.stage"].search(domain, limit=1)

    def _get_new_stage(self):
        return self._get_stage("stage_new", [("is_closed", "=", False)])

    def _get_taken_stage(self):
        return self._get_stage("stage_taken", [("is_closed", "=", False)])

    def _get_waiting_stage(self):
        # no other stage stands in for it: a request is only waiting for its
        # requester in the stage made for that
        return self._get_stage("stage_waiting")

    def _get_in_progress_stage(self):
        return self._get_stage("stage_in_progress", [("is_closed", "=", False)])

    def _get_resolved_stage(self):
        return self._get_stage(
            "stage_resolved", [("is_closed", "=", True), ("is_rejected", "=", False)]
        )

    def _get_closed_stage(self):
        return self._get_stage(
            "stage_closed", [("is_closed", "=", True), ("is_rejected", "=", False)]
        )

    def _get_rejected_stage(self):
        return self._get_stage("stage_rejected", [("is_rejected", "=", True)])

    def action_resolve(self):
        self.write({"stage_id": self._get_resolved_stage().id})
        return True

    def action_close(self):
        self.write({"stage_id": self._get_closed_stage().id})
        return True

    def action_reject(self):
        self.write({"stage_id": self._get_rejected_stage().id})
        return True

    def action_reopen(self):
        self.write({"stage_id": self._get_in_progress_stage().id})
        return True

    def action_assign_to_me(self):
        self.write({"user_id": self.env.uid})
        return True

    # ------------------------------------------------------------------
    # Tracking: stage emails and subtypes
    # ------------------------------------------------------------------

    def _track_template(self, changes):
        res = super()._track_template(changes)
        request = self[0]
        if "stage_id" in changes and request.stage_id.mail_template_id:
            # An email to the requester alone, as the town (not the agent who
            # moved the request, whose followers are told by the tracking):
            # kept on the request and shown on the citizen's page; it waits in
            # the mail queue, so it leaves once the change is committed, never
            # for a change rolled back.
            res["stage_id"] = (
                request.stage_id.mail_template_id,
                {
                    "composition_mode": "mass_mail",
                    "auto_delete_keep_log": True,
                    "force_send": False,
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        "mail.mt_comment"
                    ),
                    "email_layout_xmlid": "mail.mail_notification_light",
                    **request._get_acknowledgement_author(),
                },
            )
        return res

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self._ref("citizen_relation.mt_request_stage", True)
        return super()._track_subtype(init_values)

    def _creation_subtype(self):
        return self._ref("citizen_relation.mt_request_new", True)

    def _rating_get_parent_field_name(self):
        return False
