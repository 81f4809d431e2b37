"""Where a request is: its address located by the Base Adresse Nationale.

Every channel goes through :meth:`_prepare_request_values`, so a request is
located once, whatever brought it: the address picked among the suggestions
(``ban_id``), or the address typed, geocoded on the server. When the service
is down, slow, rate-limited or unsure, the request is recorded with what was
typed, its location unconfirmed, and a scheduled job tries again later.
"""

import logging
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import html2plaintext

from .citizen_address_service import BanUnavailable, CitizenAddressOutsideTown

_logger = logging.getLogger(__name__)

# channels whose sender sees an error at once: an address in another town is
# refused there; an email is never refused (it would be lost), only left
# unconfirmed
REFUSING_CHANNELS = ("web", "counter", "phone", "api", "social")
# "Adresse : 8 bd du Port" in the body of an email
ADDRESS_LINE = re.compile(
    r"^[ \t>*-]*(?:adresse|address|lieu|localisation|location)\s*:[ \t]*(\S.{2,199})$",
    re.IGNORECASE | re.MULTILINE,
)
# a postcode typed within the address ("2 rue X 44000 Nantes")
POSTCODE = re.compile(r"\b\d{5}\b")
RETRY_DAYS = 30
RETRY_BATCH = 50


class CitizenRequest(models.Model):
    # one class per concern, in its own file (see models/__init__.py)
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    ban_id = fields.Char(
        string="BAN Id",
        copy=False,
        index="btree_not_null",
        help="Identifier of the address in the Base Adresse Nationale.",
    )
    housenumber = fields.Char(string="House Number")
    citycode = fields.Char(string="INSEE Code", help="INSEE code of the town.")
    ban_label = fields.Char(
        string="Located Address",
        help="The address as the Base Adresse Nationale knows it.",
    )
    location_state = fields.Selection(
        [
            ("confirmed", "Confirmed"),
            ("unconfirmed", "Unconfirmed"),
            ("none", "No location"),
        ],
        string="Location",
        default="none",
        index=True,
        copy=False,
        help="Confirmed: the address was picked among the national address "
        "service's suggestions or found by it. Unconfirmed: kept as typed (the "
        "service was unavailable or unsure); it is tried again later. No "
        "location: neither address nor position was given.",
    )

    # ------------------------------------------------------------------
    # Locating values before creation
    # ------------------------------------------------------------------

    def _prepare_request_values(self, vals):
        # located first: an address refused takes no reference number, and
        # the duplicate search sees the position found
        if "location_state" not in vals:
            vals = self._citizen_locate_values(vals)
        return super()._prepare_request_values(vals)

    @api.model
    def _citizen_address_query(self, vals):
        return " ".join(
            part.strip()
            for part in (vals.get("street"), vals.get("zip"), vals.get("city"))
            if part and part.strip()
        )

    @api.model
    def _citizen_locate_values(self, vals, refuse=None):
        """``vals`` completed with the location found; the address typed is
        kept. Raise CitizenAddressOutsideTown for an address of another town
        on a channel that can tell its sender (``refuse``, by default by
        channel). Never raises when the service fails."""
        vals = dict(vals)
        Service = self.env["citizen.address.service"]
        if refuse is None:
            refuse = vals.get("channel") in REFUSING_CHANNELS
        settings = Service._ban_settings()
        ban_id = (vals.get("ban_id") or "").strip()
        # a BAN id starts with the INSEE code of its town
        if ban_id and not Service._ban_is_town_citycode(ban_id.split("_")[0], settings):
            if refuse:
                raise self._citizen_outside_town_error(vals.get("street") or ban_id)
            vals["ban_id"] = False
            ban_id = ""
        query = self._citizen_address_query(vals)
        has_position = bool(vals.get("latitude") or vals.get("longitude"))
        if (
            not query
            and vals.get("latitude")
            and vals.get("longitude")
            and settings["url"]
            and not self.env.context.get("install_module")
        ):
            return self._citizen_reverse_values(vals, settings)
        if not query or self.env.context.get("install_module"):
            # data files (demo) are not sent to the service while installing
            vals["location_state"] = (
                "confirmed" if has_position else "unconfirmed" if query else "none"
            )
            return vals
        result = False
        try:
            result = self._citizen_geocode(query, vals, ban_id, settings)
        except BanUnavailable as e:
            _logger.info("Address not located, kept as typed: %s", e)
        if not result:
            vals["location_state"] = "unconfirmed"
            vals["ban_id"] = False
            return vals
        if not Service._ban_is_town_citycode(result["citycode"], settings):
            if refuse:
                raise self._citizen_outside_town_error(result["label"])
            vals.update(location_state="unconfirmed", ban_id=False)
            return vals
        located = self._citizen_location_values(result, picked=bool(ban_id))
        if has_position:
            # a position given by the citizen's device or pin is more precise
            del located["latitude"], located["longitude"]
        vals.update(located)
        return vals

    @api.model
    def _citizen_reverse_values(self, vals, settings):
        """``vals`` of a position without an address (a device's position, an
        Open311 lat/long, a connector), completed with the town's address
        nearest to it. The position stays as given. When the service fails,
        the location is unconfirmed (tried again later); when no address of
        the town is near, the position alone is the location."""
        Service = self.env["citizen.address.service"]
        try:
            results = Service._ban_reverse(
                vals["latitude"], vals["longitude"], town_only=False
            )
        except BanUnavailable as e:
            _logger.info("Position not given an address, kept as is: %s", e)
            vals.update(location_state="unconfirmed", ban_id=False)
            return vals
        vals["location_state"] = "confirmed"
        if results and Service._ban_is_town_citycode(results[0]["citycode"], settings):
            located = self._citizen_location_values(results[0], picked=True)
            del located["latitude"], located["longitude"]
            vals.update(located)
        return vals

    @api.model
    def _citizen_geocode(self, query, vals, ban_id, settings):
        """The BAN's answer for the address typed, or False when it is unsure.

        With a postcode or a town typed (alone or in the address), the search
        is national (an address
        elsewhere must be recognised to be refused); otherwise it is limited
        to the town. A suggestion picked (``ban_id``) wins when found again."""
        Service = self.env["citizen.address.service"]
        town_only = not (vals.get("zip") or vals.get("city") or POSTCODE.search(query))
        results = Service._ban_search(
            query, limit=5, town_only=town_only, autocomplete=False
        )
        if ban_id:
            picked = [result for result in results if result["ban_id"] == ban_id]
            if picked:
                return picked[0]
        if not results or results[0]["score"] < settings["min_score"]:
            return False
        return results[0]

    @api.model
    def _citizen_location_values(self, result, picked=False):
        values = {
            "location_state": "confirmed",
            "ban_id": result["ban_id"] or False,
            "ban_label": result["label"] or False,
            "housenumber": result["housenumber"] or False,
            "citycode": result["citycode"] or False,
            "zip": result["postcode"] or False,
            "city": result["city"] or False,
            "latitude": result["latitude"],
            "longitude": result["longitude"],
        }
        if picked:
            # the citizen chose this address: it is written as the BAN writes it
            values["street"] = result["name"] or result["street"] or False
        return values

    @api.model
    def _citizen_outside_town_error(self, address):
        return CitizenAddressOutsideTown(
            self.env._(
                "This address is not in the town (%(address)s). The town hall "
                "can only handle requests located on its territory: please "
                "check the address, or contact the town concerned.",
                address=address,
            )
        )

    def write(self, vals):
        res = super().write(vals)
        if {"street", "zip", "city"} & set(vals) and not (
            {"ban_id", "location_state"} & set(vals)
        ):
            # the address was changed by hand: what the BAN found is no more
            for citizen_request in self.filtered("ban_id"):
                super(CitizenRequest, citizen_request).write(
                    {
                        "ban_id": False,
                        "ban_label": False,
                        "housenumber": False,
                        "location_state": "unconfirmed"
                        if citizen_request.street
                        else "none",
                    }
                )
        return res

    def _get_anonymization_values(self):
        # the BAN id and label point at the house as the street does
        return {
            **super()._get_anonymization_values(),
            "ban_id": False,
            "ban_label": False,
            "housenumber": False,
        }

    # ------------------------------------------------------------------
    # Email: an address line in the body
    # ------------------------------------------------------------------

    @api.model
    def _citizen_address_from_text(self, body):
        """The address given on an "Adresse : ..." line of an email body."""
        match = ADDRESS_LINE.search(html2plaintext(body or "") if body else "")
        return match.group(1).strip() if match else False

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        if not values.get("street"):
            address = self._citizen_address_from_text(msg_dict.get("body"))
            if address:
                values["street"] = address
        return super().message_new(msg_dict, custom_values=values)

    # ------------------------------------------------------------------
    # Agents and the scheduled retry
    # ------------------------------------------------------------------

    def _citizen_relocate(self):
        """Locate these requests again from their address; never refuses."""
        for citizen_request in self:
            vals = {
                "street": citizen_request.street,
                "zip": citizen_request.zip,
                "city": citizen_request.city,
                "ban_id": citizen_request.ban_id,
            }
            if citizen_request.latitude or citizen_request.longitude:
                vals.update(
                    latitude=citizen_request.latitude,
                    longitude=citizen_request.longitude,
                )
            located = self._citizen_locate_values(vals, refuse=False)
            if located["location_state"] != "confirmed":
                continue
            if citizen_request.street:
                # the address the citizen typed stays as it was
                located.pop("street", None)
            citizen_request.write(located)

    def action_citizen_locate(self):
        self._citizen_relocate()
        return True

    @api.model
    def _cron_locate_unconfirmed(self):
        """Try again the addresses recorded while the service was unavailable."""
        requests = self.search(
            [
                ("location_state", "=", "unconfirmed"),
                (
                    "date_received",
                    ">=",
                    fields.Datetime.now() - timedelta(days=RETRY_DAYS),
                ),
            ],
            order="date_received desc",
            limit=RETRY_BATCH,
        )
        requests._citizen_relocate()
