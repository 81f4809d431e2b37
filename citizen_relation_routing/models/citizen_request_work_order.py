"""Work orders: the maintenance request a technical service gets for a
citizen request, kept in step with it."""

from odoo import models


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Work orders (technical services)
    # ------------------------------------------------------------------

    def _compute_work_order_count(self):
        # sudo: the count is shown to agents who may not read the work orders
        # of another service; it discloses nothing but a number.
        groups = (
            self.env["maintenance.request"]
            .sudo()
            ._read_group(
                [("citizen_request_id", "in", self.ids)],
                ["citizen_request_id"],
                ["__count"],
            )
        )
        counts = {request.id: count for request, count in groups}
        for request in self:
            request.work_order_count = counts.get(request.id, 0)

    def _sync_work_orders(self):
        """Open requests of a team bound to a maintenance team get one work
        order; an open work order follows its request to a new maintenance
        team. Duplicates get none: the original's work order serves them."""
        to_create = []
        for request in self.filtered(
            lambda r: not r.is_closed and not r.duplicate_of_id
        ):
            maintenance_team = request.team_id.maintenance_team_id
            if not maintenance_team:
                continue
            # sudo: the work order is the service's own record, created as a
            # consequence of routing whoever filed the request.
            open_orders = request.sudo().work_order_ids._filter_open()
            if open_orders:
                open_orders.filtered(
                    lambda o, t=maintenance_team: o.maintenance_team_id != t
                ).write({"maintenance_team_id": maintenance_team.id})
            else:
                to_create.append(request._prepare_work_order_values())
        if to_create:
            orders = self.env["maintenance.request"].sudo().create(to_create)
            orders._copy_citizen_photos()

    def _sync_work_order_deadline(self):
        """An open work order keeps the deadline announced to the requester."""
        for request in self:
            request.work_order_ids._filter_open().date_deadline = request.date_deadline

    def _prepare_work_order_values(self):
        """Values of the work order created for this request."""
        self.ensure_one()
        maintenance_team = self.team_id.maintenance_team_id
        location = ", ".join(
            part
            for part in (self.street, " ".join(filter(None, [self.zip, self.city])))
            if part
        )
        if self.district:
            location = f"{location} ({self.district})" if location else self.district
        technician = (
            self.user_id if self.user_id in maintenance_team.member_ids else False
        )
        return {
            "name": f"{self.name} - {self.title}",
            "citizen_request_id": self.id,
            "description": self.description,
            "location": location,
            "date_deadline": self.date_deadline,
            "maintenance_team_id": maintenance_team.id,
            "user_id": technician and technician.id,
            "owner_user_id": self.user_id.id or self.env.uid,
            "priority": self.priority if self.priority != "0" else "2",
            "vehicle_id": self.vehicle_id.id,
            "company_id": self.company_id.id,
            "maintenance_type": "corrective",
        }

    def action_view_work_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation_routing.maintenance_request_action_workload"
        )
        action["domain"] = [("citizen_request_id", "=", self.id)]
        action["context"] = {"create": False}
        if self.work_order_count == 1:
            action["view_mode"] = "form"
            action["views"] = [(False, "form")]
            action["res_id"] = self.work_order_ids.id
        return action
