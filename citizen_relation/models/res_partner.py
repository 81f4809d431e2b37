import re

from odoo import api, exceptions, fields, models, tools
from odoo.tools import SQL
from odoo.tools.sql import column_exists

# A French number written in full: nine digits after its 0 (or +33, 0033).
FRENCH_NUMBER_DIGITS = 9
# Country codes of metropolitan France and of the overseas departments,
# whose numbers are the same nine digits written with or without them.
FRENCH_COUNTRY_CODES = ("33", "262", "269", "590", "594", "596")
# Fewest digits of a number written with another country's prefix.
MIN_INTERNATIONAL_DIGITS = 8


def phone_key(number):
    """The number as one string, however it was written: the nine digits of a
    French number after its 0, +33 or 0033 ("06 12 34 56 78",
    "+33 6 12 34 56 78" and "0033612345678" are all ``612345678``), "+" and
    every digit of another country's number, the digits of anything else."""
    raw = (number or "").strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+") or digits.startswith("00"):
        international = digits[2:] if digits.startswith("00") else digits
        for code in FRENCH_COUNTRY_CODES:
            national = international[len(code) :]
            # +33 (0)6 12 34 56 78: the 0 some people keep after the prefix
            if national.startswith("0"):
                national = national[1:]
            if international.startswith(code) and len(national) == FRENCH_NUMBER_DIGITS:
                return national
        return f"+{international}" if international else False
    if len(digits) == FRENCH_NUMBER_DIGITS + 1 and digits.startswith("0"):
        digits = digits[1:]
    return digits or False


def is_full_phone_key(key):
    """Whether a key is a whole number, never a part of one."""
    if not key:
        return False
    if key.startswith("+"):
        return len(key) > MIN_INTERNATIONAL_DIGITS
    return len(key) == FRENCH_NUMBER_DIGITS


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Every request from any channel looks its requester up by email.
    email_normalized = fields.Char(index=True)
    # The address the contact is known to control: requests and incoming
    # emails are matched on it, never on an address its owner typed alone.
    citizen_confirmed_email = fields.Char(
        string="Confirmed Email",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="Address this contact is known to control: written by the town's "
        "staff, given when the contact was created from a request, or "
        "confirmed by a link sent to it. Requests and emails are linked to "
        "the contact through this address only.",
    )
    # ... and by phone when it gives no email (phone and counter channels):
    # compared with "=", on an index, whatever the size of the town.
    citizen_phone_key = fields.Char(
        string="Phone Digits",
        compute="_compute_citizen_phone_keys",
        store=True,
        precompute=True,
        index=True,
        help="The phone written as one string, to find the requester of a request.",
    )
    citizen_mobile_key = fields.Char(
        string="Mobile Digits",
        compute="_compute_citizen_phone_keys",
        store=True,
        precompute=True,
        index=True,
        help="The mobile written as one string, to find the requester of a request.",
    )

    citizen_request_count = fields.Integer(
        string="Citizen Requests",
        compute="_compute_citizen_request_count",
        groups="citizen_relation.group_citizen_agent",
    )

    def _auto_init(self):
        new_column = not column_exists(
            self.env.cr, self._table, "citizen_confirmed_email"
        )
        res = super()._auto_init()
        if new_column:
            # Addresses recorded before confirmation existed were recorded by
            # the town's staff and tools: they count as confirmed.
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET citizen_confirmed_email = email_normalized "
                    "WHERE email_normalized IS NOT NULL",
                    SQL.identifier(self._table),
                )
            )
        return res

    @api.model
    def _citizen_email_writer_is_trusted(self):
        """Whether the address the current user writes on a contact counts as
        confirmed: yes for the citizen-relation agents (who answer for the
        contacts of the requests they handle), administrators and scheduled
        jobs; never for any other employee (every internal user may edit
        contacts in Odoo: one could otherwise send a citizen's notifications
        and signed links to an address of their choosing), nor for a portal
        user or a visitor, even through a sudo: typing an address is no
        proof of owning it."""
        user = self.env.user
        return not user.share and (
            user._is_superuser()
            or user.has_group("citizen_relation.group_citizen_agent")
            or user.has_group("base.group_system")
        )

    @api.model_create_multi
    def create(self, vals_list):
        trusted = self._citizen_email_writer_is_trusted()
        for vals in vals_list:
            if "citizen_confirmed_email" not in vals:
                vals["citizen_confirmed_email"] = (
                    trusted
                    and tools.email_normalize(vals.get("email") or "", strict=False)
                ) or False
        return super().create(vals_list)

    def _check_requester_email_change(self, email):
        """Refuse an employee who does not handle citizen requests the change
        of a requester's address: the requester's notifications and signed
        links would leave for an address of that employee's choosing."""
        normalized = tools.email_normalize(email or "", strict=False) or False
        changed = self.filtered(lambda p: p.email_normalized != normalized)
        # sudo: only counts the requests of these contacts, to refuse the
        # change; the employee may not read them
        if changed and self.env["citizen.request"].sudo().search_count(
            [("partner_id", "in", changed.ids)], limit=1
        ):
            raise exceptions.AccessError(
                self.env._(
                    "Only citizen relation agents may change the email address "
                    "of a requester of citizen requests."
                )
            )

    def write(self, vals):
        if (
            "email" in vals
            and "citizen_confirmed_email" not in vals
            and not self.env.su
            and not self.env.user.share
            and not self._citizen_email_writer_is_trusted()
        ):
            self._check_requester_email_change(vals["email"])
        if (
            "email" in vals
            and "citizen_confirmed_email" not in vals
            and self._citizen_email_writer_is_trusted()
        ):
            vals = dict(
                vals,
                citizen_confirmed_email=tools.email_normalize(
                    vals["email"] or "", strict=False
                )
                or False,
            )
        return super().write(vals)

    @api.depends("phone", "mobile")
    def _compute_citizen_phone_keys(self):
        for partner in self:
            partner.citizen_phone_key = phone_key(partner.phone)
            partner.citizen_mobile_key = phone_key(partner.mobile)

    @api.model
    def _get_citizen_phone_domain(self, number):
        """Domain of the partners whose phone or mobile is ``number``, written
        any way, or an empty list when ``number`` is not a whole number: a
        requester is never found from a part of a number."""
        key = phone_key(number)
        if not is_full_phone_key(key):
            return []
        return ["|", ("citizen_phone_key", "=", key), ("citizen_mobile_key", "=", key)]

    @api.model
    def _get_citizen_phone_search_domain(self, term):
        """Domain of the partners whose number ends with the digits of
        ``term`` (six at least), for an agent looking a citizen up by hand;
        never used to choose a requester by itself."""
        key = phone_key(term)
        if not key or len(key.lstrip("+")) < 6:
            return []
        if is_full_phone_key(key):
            return self._get_citizen_phone_domain(term)
        value = f"%{key.lstrip('+')}"
        return [
            "|",
            ("citizen_phone_key", "=like", value),
            ("citizen_mobile_key", "=like", value),
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
