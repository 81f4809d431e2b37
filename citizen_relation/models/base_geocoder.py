import logging

from odoo import api, models

from .citizen_address_service import BanUnavailable

_logger = logging.getLogger(__name__)


class BaseGeocoder(models.AbstractModel):
    """The ``ban`` provider of Odoo's geolocation: contacts are located by the
    Base Adresse Nationale, through the same client, settings and cache as
    the requests."""

    _inherit = "base.geocoder"

    @api.model
    def _geo_query_address_ban(
        self, street=None, zip=None, city=None, state=None, country=None
    ):
        # the country would blur the query: the BAN knows French addresses only
        return " ".join(part for part in (street, zip, city) if part)

    @api.model
    def _call_ban(self, addr, **kw):
        """(latitude, longitude) of the best address, or None (an address
        in another country is not asked)."""
        country = (kw.get("force_country") or "").strip().lower()
        if not addr or country not in ("", "france"):
            return None
        Service = self.env["citizen.address.service"]
        try:
            results = Service._ban_search(
                addr, limit=1, town_only=False, autocomplete=False
            )
        except BanUnavailable as e:
            _logger.info("Address service unavailable for a contact: %s", e)
            return None
        if not results or results[0]["score"] < Service._ban_settings()["min_score"]:
            return None
        return results[0]["latitude"], results[0]["longitude"]
