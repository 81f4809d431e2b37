from odoo import api, fields, models
from odoo.exceptions import UserError
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
    # Related fields are read as superuser: technicians see where the work
    # comes from without access to the citizen requests themselves.
    citizen_reference = fields.Char(
        related="citizen_request_id.name", string="Request Reference"
    )
    citizen_category_id = fields.Many2one(
        related="citizen_request_id.category_id", string="Request Category"
    )
    citizen_requester_kind = fields.Selection(
        related="citizen_request_id.requester_kind", string="Requester Kind"
    )
    citizen_partner_id = fields.Many2one(
        related="citizen_request_id.partner_id", string="Requester"
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

    def write(self, vals):
        res = super().write(vals)
        if vals.get("stage_id"):
            stage = self.env["maintenance.stage"].browse(vals["stage_id"])
            if stage.done:
                self._resolve_citizen_requests()
        return res

    def _resolve_citizen_requests(self):
        """Finished work resolves its citizen request, which sends the
        requester the email of the resolved stage."""
        # sudo: the technician who finishes the work may not be an agent;
        # resolving the request is the agreed consequence of finished work.
        requests = self.sudo().citizen_request_id.filtered(lambda r: not r.is_closed)
        for request in requests:
            orders = request.work_order_ids.filtered(lambda o: not o.archive)
            if all(order.stage_id.done for order in orders):
                request.action_resolve()

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
