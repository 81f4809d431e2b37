import re

from odoo import api, fields, models

# Digits compared when a request gives only a phone number: the last nine, so
# that "06 12 34 56 78", "+33 6 12 34 56 78" and "0033612345678" are one number.
PHONE_KEY_DIGITS = 9


def phone_key(number):
    """The last digits of a phone number, without spaces, dots or prefix."""
    return re.sub(r"\D", "", number or "")[-PHONE_KEY_DIGITS:] or False


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Every request from any channel looks its requester up by email.
    email_normalized = fields.Char(index=True)
    # ... and by phone when it gives no email (phone and counter channels):
    # compared with "=", on an index, whatever the size of the town.
    citizen_phone_key = fields.Char(
        string="Phone Digits",
        compute="_compute_citizen_phone_keys",
        store=True,
        precompute=True,
        index=True,
        help="Last digits of the phone, to find the requester of a request.",
    )
    citizen_mobile_key = fields.Char(
        string="Mobile Digits",
        compute="_compute_citizen_phone_keys",
        store=True,
        precompute=True,
        index=True,
        help="Last digits of the mobile, to find the requester of a request.",
    )

    citizen_request_count = fields.Integer(
        string="Citizen Requests",
        compute="_compute_citizen_request_count",
        groups="citizen_relation.group_citizen_agent",
    )

    @api.depends("phone", "mobile")
    def _compute_citizen_phone_keys(self):
        for partner in self:
            partner.citizen_phone_key = phone_key(partner.phone)
            partner.citizen_mobile_key = phone_key(partner.mobile)

    @api.model
    def _get_citizen_phone_domain(self, number):
        """Domain of the partners whose phone or mobile is ``number``, written
        any way, or an empty list when it has too few digits to tell.

        A whole number is compared with "=" on the indexed keys; a shorter
        one (six to eight digits) must end the partner's number.
        """
        key = phone_key(number)
        if not key or len(key) < 6:
            return []
        if len(key) == PHONE_KEY_DIGITS:
            operator, value = "=", key
        else:
            operator, value = "=like", f"%{key}"
        return [
            "|",
            ("citizen_phone_key", operator, value),
            ("citizen_mobile_key", operator, value),
        ]

    def _compute_citizen_request_count(self):
        Request = self.env["citizen.request"]
        for partner in self:
            partner.citizen_request_count = (
                Request.search_count([("partner_id", "child_of", partner.id)])
                if partner.id
                else 0
            )

    def action_view_citizen_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
