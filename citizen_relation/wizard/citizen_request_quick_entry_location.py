from odoo import api, fields, models

from ..models.citizen_address_service import BanUnavailable


class CitizenRequestQuickEntry(models.TransientModel):
    _inherit = "citizen.request.quick.entry"

    ban_id = fields.Char(string="BAN Id")
    ban_label = fields.Char(string="Address Found", readonly=True)
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    address_notice = fields.Char(readonly=True)

    @api.onchange("street", "zip", "city")
    def _onchange_address_forget_found(self):
        # an address changed by hand is located again when recorded
        if self.ban_label and self.street != self._origin.street:
            self.update(
                {"ban_id": False, "ban_label": False, "latitude": 0, "longitude": 0}
            )

    def _prepare_request_values(self):
        vals = super()._prepare_request_values()
        if self.ban_id:
            vals["ban_id"] = self.ban_id
        if self.latitude or self.longitude:
            vals.update(latitude=self.latitude, longitude=self.longitude)
        return vals

    def action_find_address(self):
        """Look the address typed up in the Base Adresse Nationale and fill
        in what it found; the request is located when recorded anyway."""
        self.ensure_one()
        Request = self.env["citizen.request"]
        query = Request._citizen_address_query(
            {"street": self.street, "zip": self.zip, "city": self.city}
        )
        values = {"ban_id": False, "ban_label": False, "address_notice": False}
        result = False
        try:
            result = query and Request._citizen_geocode(
                query,
                {"zip": self.zip, "city": self.city},
                "",
                self.env["citizen.address.service"]._ban_settings(),
            )
        except BanUnavailable:
            values["address_notice"] = self.env._(
                "The national address service does not answer: the address will "
                "be recorded as typed and located later."
            )
        else:
            if not result:
                values["address_notice"] = self.env._(
                    "No address of the town matches: check it, or record it as typed."
                )
        if result:
            Service = self.env["citizen.address.service"]
            if not Service._ban_is_town_citycode(result["citycode"]):
                values["address_notice"] = self.env._(
                    "This address is not in the town (%(address)s).",
                    address=result["label"],
                )
            else:
                values.update(
                    ban_id=result["ban_id"],
                    ban_label=result["label"],
                    street=result["name"] or result["street"],
                    zip=result["postcode"],
                    city=result["city"],
                    latitude=result["latitude"],
                    longitude=result["longitude"],
                )
        self.write(values)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "context": self.env.context,
        }
