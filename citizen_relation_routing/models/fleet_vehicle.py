from odoo import fields, models


class FleetVehicle(models.Model):
    _inherit = "fleet.vehicle"

    citizen_request_ids = fields.One2many(
        "citizen.request", "vehicle_id", string="Citizen Requests"
    )
    citizen_request_count = fields.Integer(
        compute="_compute_citizen_request_count",
        groups="citizen_relation.group_citizen_agent",
    )
    work_order_ids = fields.One2many(
        "maintenance.request", "vehicle_id", string="Work Orders"
    )
    work_order_count = fields.Integer(compute="_compute_work_order_count")

    def _compute_citizen_request_count(self):
        groups = self.env["citizen.request"]._read_group(
            [("vehicle_id", "in", self.ids)], ["vehicle_id"], ["__count"]
        )
        counts = {vehicle.id: count for vehicle, count in groups}
        for vehicle in self:
            vehicle.citizen_request_count = counts.get(vehicle.id, 0)

    def _compute_work_order_count(self):
        groups = self.env["maintenance.request"]._read_group(
            [("vehicle_id", "in", self.ids)], ["vehicle_id"], ["__count"]
        )
        counts = {vehicle.id: count for vehicle, count in groups}
        for vehicle in self:
            vehicle.work_order_count = counts.get(vehicle.id, 0)

    def action_view_citizen_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("vehicle_id", "=", self.id)]
        action["context"] = {"default_vehicle_id": self.id}
        return action

    def action_view_work_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation_routing.maintenance_request_action_workload"
        )
        action["domain"] = [("vehicle_id", "=", self.id)]
        action["context"] = {
            "default_vehicle_id": self.id,
            "default_maintenance_type": "preventive",
        }
        return action
