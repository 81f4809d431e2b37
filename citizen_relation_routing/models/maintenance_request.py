from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression


class MaintenanceRequest(models.Model):
    _inherit = "maintenance.request"

    citizen_request_id = fields.Many2one(
        "citizen.request",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        check_company=True,
    )
    # The citizen side of the work order is computed as the current user: it
    # shows only to those who may read the request (its team, the
    # technicians of the work order's maintenance team, managers).
    citizen_reference = fields.Char(
        compute="_compute_citizen_request_details",
        search="_search_citizen_reference",
        string="Request Reference",
    )
    citizen_category_id = fields.Many2one(
        "citizen.request.category",
        compute="_compute_citizen_request_details",
        string="Request Category",
    )
    citizen_requester_kind = fields.Selection(
        selection="_selection_citizen_requester_kind",
        compute="_compute_citizen_request_details",
        string="Requester Kind",
    )
    citizen_partner_id = fields.Many2one(
        "res.partner",
        compute="_compute_citizen_request_details",
        string="Requester",
    )
    citizen_request_answerable = fields.Boolean(
        string="May Answer the Requester",
        compute="_compute_citizen_request_answerable",
        help="Technical: whether the current user may answer the requester "
        "and resolve the citizen request through this work order.",
    )
    origin = fields.Selection(
        [
            ("citizen", "Citizen"),
            ("partner", "Partner organisation"),
            ("routine", "Routine work"),
        ],
        compute="_compute_origin",
        store=True,
        index=True,
        help="Who the work is for: a citizen's request, a partner "
        "organisation's request (association, school), or the service's own "
        "routine work (preventive maintenance, vehicle servicing).",
    )
    location = fields.Char(help="Where the work takes place.")
    date_deadline = fields.Date(
        string="Deadline", help="Deadline announced to the requester."
    )
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    vehicle_id = fields.Many2one(
        "fleet.vehicle",
        index="btree_not_null",
        check_company=True,
        help="Municipal vehicle concerned by the work (servicing, repair).",
    )

    @api.model
    def _selection_citizen_requester_kind(self):
        field = self.env["citizen.request"]._fields["requester_kind"]
        return field._description_selection(self.env)

    @api.depends("citizen_request_id")
    @api.depends_context("uid")
    def _compute_citizen_request_details(self):
        readable = self.citizen_request_id._filtered_access("read")
        for order in self:
            request = order.citizen_request_id & readable
            order.citizen_reference = request.name
            order.citizen_category_id = request.category_id
            order.citizen_requester_kind = request.requester_kind
            order.citizen_partner_id = request.partner_id

    def _search_citizen_reference(self, operator, value):
        # as the current user: references of requests they may not read are
        # not found, so none can be guessed through the work orders
        if not self.env["citizen.request"].has_access("read"):
            return expression.FALSE_DOMAIN
        return [("citizen_request_id", "any", [("name", operator, value)])]

    @api.depends("citizen_request_id", "maintenance_team_id")
    @api.depends_context("uid")
    def _compute_citizen_request_answerable(self):
        answerable = self._filter_citizen_answerable()
        for order in self:
            order.citizen_request_answerable = order in answerable

    @api.depends("citizen_request_id.requester_kind")
    def _compute_origin(self):
        for order in self:
            if not order.citizen_request_id:
                order.origin = "routine"
            elif order.citizen_request_id.requester_kind == "organisation":
                order.origin = "partner"
            else:
                order.origin = "citizen"

    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for order in self:
            due = order.date_deadline or (
                order.schedule_date and order.schedule_date.date()
            )
            order.is_late = bool(not order.done and due and due < today)

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the late flag."))
        today = fields.Date.context_today(self)
        domain = [
            ("stage_id.done", "=", False),
            "|",
            ("date_deadline", "<", today),
            "&",
            ("date_deadline", "=", False),
            ("schedule_date", "<", fields.Datetime.to_datetime(today)),
        ]
        if (operator == "=") != value:
            return ["!", *expression.normalize_domain(domain)]
        return domain

    @api.model_create_multi
    def create(self, vals_list):
        request_ids = {
            vals["citizen_request_id"]
            for vals in vals_list
            if vals.get("citizen_request_id")
        }
        self._check_citizen_request_link(request_ids)
        return super().create(vals_list)

    def write(self, vals):
        if "citizen_request_id" in vals:
            request_ids = set(self.citizen_request_id.ids)
            if vals["citizen_request_id"]:
                request_ids.add(vals["citizen_request_id"])
            self._check_citizen_request_link(request_ids)
        res = super().write(vals)
        if vals.get("stage_id"):
            stage = self.env["maintenance.stage"].browse(vals["stage_id"])
            if stage.done:
                self._resolve_citizen_requests()
        return res

    # ------------------------------------------------------------------
    # Who may act on the citizen request through a work order
    # ------------------------------------------------------------------

    @api.model
    def _check_citizen_request_link(self, request_ids):
        """Giving a citizen request a work order, or taking one away from it,
        acts on the request: only those who may change it (the agents of its
        team, managers) do it. Work orders made by routing are created by the
        system."""
        if self.env.su or not request_ids:
            return
        self.env["citizen.request"].browse(request_ids).check_access("write")

    def _filter_citizen_answerable(self):
        """Work orders through which the current user may answer the
        requester and resolve the citizen request: the user may change the
        request (agents of its team, managers), or is a technician of the
        work order's maintenance team, whose role lets them read it."""
        orders = self.filtered("citizen_request_id")
        if self.env.su:
            return orders
        requests = orders.citizen_request_id
        writable = requests._filtered_access("write")
        readable = requests._filtered_access("read")
        user = self.env.user
        technician = user.has_group("citizen_relation_routing.group_citizen_technician")
        return orders.filtered(
            lambda o: o.citizen_request_id in writable
            or (
                technician
                and o.citizen_request_id in readable
                and user in o.maintenance_team_id.member_ids
            )
        )

    def _check_citizen_answerable(self):
        """Refuse, with a clear message, when the user may not answer the
        citizen request of one of these work orders."""
        refused = self - self._filter_citizen_answerable()
        if refused:
            raise AccessError(
                self.env._(
                    "You may not answer the citizen request of the work order "
                    "%(order)s. Ask an agent of its team, or an administrator "
                    "for the Technician role of its maintenance team.",
                    order=refused[0].name,
                )
            )

    def _resolve_citizen_requests(self):
        """Finished work resolves its citizen request once all the request's
        work orders are done, which sends the requester the email of the
        resolved stage. Only a user who may answer the request resolves it;
        work finished by anyone else stays done, and the request waits open
        for its agent (see :meth:`_ask_to_resolve_citizen_request`)."""
        answerable = self._filter_citizen_answerable()
        for request, orders in (
            self.filtered("citizen_request_id").grouped("citizen_request_id").items()
        ):
            # sudo: whether every work order of the request is finished,
            # including those of other teams the user does not see; nothing
            # is changed before the check below.
            request = request.sudo()
            if request.is_closed:
                continue
            pending = request.work_order_ids.filtered(lambda o: not o.archive)
            if not all(order.stage_id.done for order in pending):
                continue
            if orders & answerable:
                # sudo: the user may answer this request (checked just above,
                # by the rules of the request); technicians read it but do
                # not edit its other fields.
                request.action_resolve()
            else:
                orders[0]._ask_to_resolve_citizen_request(request)

    def _ask_to_resolve_citizen_request(self, request):
        """The work is done, but by a user who may not answer the request:
        the request stays open and its assignee (else its team leader, else
        its team) is asked to check the work and resolve it."""
        self.ensure_one()
        # sudo: the user cannot read the request; this activity is the
        # town's record of the finished work, written for its agent.
        request = request.sudo()
        user = request.user_id or request.team_id.leader_id
        env = request.with_context(lang=request._get_user_lang(user)).env
        note = env._(
            "The work order %(order)s is done, but %(user)s may not answer "
            "this request: check the work, then resolve the request.",
            order=self.name,
            user=self.env.user.name,
        )
        if user:
            request.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=env._("Work done: resolve the request"),
                note=note,
                user_id=user.id,
            )
        else:
            request.message_post(
                body=note,
                subtype_xmlid="mail.mt_note",
                partner_ids=request.team_id.member_ids.partner_id.ids,
            )
        self.message_post(
            body=self.env._(
                "Work done. The citizen request stays open: you may not "
                "answer it, so its agent was asked to check the work and "
                "resolve it."
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _filter_open(self):
        """Work orders neither done nor cancelled (archived)."""
        return self.filtered(lambda o: not o.stage_id.done and not o.archive)

    def _cancel_from_citizen_request(self):
        """The citizen request was cancelled or found to be a duplicate: its
        unfinished work orders are cancelled too."""
        orders = self.sudo()._filter_open()
        if not orders:
            return
        # Archiving is how the maintenance app cancels a request.
        orders.archive_equipment_request()
        for order in orders:
            order.message_post(
                body=self.env._(
                    "Cancelled: the citizen request %(reference)s was cancelled "
                    "or is a duplicate.",
                    reference=order.citizen_reference,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _copy_citizen_photos(self):
        """Give each work order a copy of the photos of its citizen request:
        one search and one creation for all the work orders."""
        orders = self.filtered("citizen_request_id")
        if not orders:
            return
        Attachment = self.env["ir.attachment"].sudo()
        photos = Attachment.search(
            [
                ("res_model", "=", "citizen.request"),
                ("res_id", "in", orders.citizen_request_id.ids),
                ("mimetype", "=like", "image/%"),
            ]
        ).grouped("res_id")
        copies = []
        for order in orders:
            request_photos = photos.get(order.citizen_request_id.id)
            if request_photos:
                copies += request_photos.copy_data(
                    {"res_model": self._name, "res_id": order.id}
                )
        if copies:
            Attachment.create(copies)

    def action_open_citizen_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "citizen.request",
            "res_id": self.citizen_request_id.id,
            "view_mode": "form",
        }

    def action_open_reply_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation_routing.maintenance_request_reply_wizard_action"
        )
        action["context"] = {"default_work_order_id": self.id}
        return action
