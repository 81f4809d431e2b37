"""Client of the Base Adresse Nationale (BAN), the national address service.

The default service is the IGN Géoplateforme (``https://data.geopf.fr/geocodage``,
paths ``/search`` and ``/reverse``). The former ``https://api-adresse.data.gouv.fr``
and any self-hosted addok answer the same paths with the same GeoCodeJSON: the
base URL is a setting (``citizen_relation.ban_url``).

Answers are kept per worker in a bounded LRU with a time to live: addresses
change seldom, an autocompletion asks the same prefixes again and again, and a
process-local cache costs no database write on the public routes. Failures are
never kept, so a service back up is used at once.
"""

import ipaddress
import logging
import re
import threading
import time
from urllib.parse import urlsplit

import requests

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import config
from odoo.tools.lru import LRU

_logger = logging.getLogger(__name__)

DEFAULT_BAN_URL = "https://data.geopf.fr/geocodage"
DEFAULT_TIMEOUT = 2.0
DEFAULT_MIN_SCORE = 0.5
# the BAN answers 400 to shorter queries
MIN_QUERY_LENGTH = 3
MAX_QUERY_LENGTH = 200
MAX_LIMIT = 10
CACHE_SIZE = 2048
CACHE_TTL = 24 * 3600

_cache = LRU(CACHE_SIZE)
_cache_lock = threading.Lock()


def clear_ban_cache():
    with _cache_lock:
        _cache.clear()


class BanUnavailable(Exception):
    """The BAN did not answer usefully: down, slow, 429, 5xx, invalid JSON."""


class CitizenAddressOutsideTown(UserError):
    """The address given is in another town."""


def normalize_query(query):
    return re.sub(r"\s+", " ", (query or "").strip().lower())[:MAX_QUERY_LENGTH]


def _is_loopback(url):
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CitizenAddressService(models.AbstractModel):
    _name = "citizen.address.service"
    _description = "National Address Service (BAN)"

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    @api.model
    def _ban_settings(self):
        # sudo: the settings are read for visitors too; they hold no secret
        get_param = self.env["ir.config_parameter"].sudo().get_param
        url = (get_param("citizen_relation.ban_url") or "").strip().rstrip("/")
        codes = [
            code.strip()
            for code in (get_param("citizen_relation.ban_citycodes") or "").split(",")
            if code.strip()
        ]

        def number(key, default):
            try:
                value = float(get_param(key) or default)
            except (TypeError, ValueError):
                return default
            return value if value > 0 else default

        return {
            "url": url,
            "citycodes": codes,
            "timeout": number("citizen_relation.ban_timeout", DEFAULT_TIMEOUT),
            "min_score": min(
                number("citizen_relation.ban_min_score", DEFAULT_MIN_SCORE), 1.0
            ),
        }

    @api.model
    def _ban_is_town_citycode(self, citycode, settings=None):
        """Whether an INSEE code belongs to the town (any code when the town
        set none)."""
        codes = (settings or self._ban_settings())["citycodes"]
        return not codes or (citycode or "") in codes

    # ------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------

    @api.model
    def _ban_get(self, path, params, settings):
        """Features of one GET on the service, cached; raise BanUnavailable."""
        url = settings["url"]
        if not url:
            raise BanUnavailable("no address service is set")
        if config.get("test_enable") and not _is_loopback(url):
            # no test reaches the internet: the tests set a local stand-in
            raise BanUnavailable("tests only reach a local address service")
        key = (url, path, tuple(sorted(params.items())))
        now = time.monotonic()
        with _cache_lock:
            cached = _cache.get(key)
        if cached and cached[0] > now:
            return cached[1]
        try:
            response = requests.get(
                url + path,
                params=params,
                timeout=settings["timeout"],
                headers={"Accept": "application/json"},
            )
        except requests.RequestException as e:
            raise BanUnavailable(f"{type(e).__name__}: {e}") from e
        if response.status_code != 200:
            raise BanUnavailable(f"HTTP {response.status_code}")
        try:
            features = response.json()["features"]
            if not isinstance(features, list):
                raise TypeError("features is not a list")
            results = [self._ban_result(feature) for feature in features]
        except (ValueError, KeyError, TypeError, IndexError) as e:
            raise BanUnavailable(f"invalid GeoCodeJSON: {e}") from e
        results = [result for result in results if result]
        with _cache_lock:
            _cache[key] = (now + CACHE_TTL, results)
        return results

    @api.model
    def _ban_result(self, feature):
        """A GeoCodeJSON feature as the dictionary our routes answer.

        GeoJSON gives coordinates as [longitude, latitude]."""
        if feature.get("geometry", {}).get("type") != "Point":
            return None
        lon, lat = feature["geometry"]["coordinates"][:2]
        props = feature.get("properties") or {}

        def text(name):
            value = props.get(name)
            return str(value) if value not in (None, "") else ""

        return {
            "label": text("label"),
            "ban_id": text("id"),
            "housenumber": text("housenumber"),
            "street": text("street") or text("name"),
            "name": text("name"),
            "postcode": text("postcode"),
            "citycode": text("citycode"),
            "city": text("city"),
            "latitude": float(lat),
            "longitude": float(lon),
            "score": float(props.get("score") or 0.0),
        }

    # ------------------------------------------------------------------
    # Search and reverse
    # ------------------------------------------------------------------

    @api.model
    def _ban_search(self, query, limit=5, town_only=True, autocomplete=True):
        """Addresses matching ``query``, best first; raise BanUnavailable.

        Limited to the town's INSEE codes when ``town_only`` (one call per
        code: the service filters on one code at a time)."""
        settings = self._ban_settings()
        query = normalize_query(query)
        limit = max(1, min(int(limit or 5), MAX_LIMIT))
        if len(query) < MIN_QUERY_LENGTH or not query[0].isalnum():
            return []
        params = {
            "q": query,
            "limit": limit,
            "autocomplete": 1 if autocomplete else 0,
            "index": "address",
        }
        if not (town_only and settings["citycodes"]):
            return self._ban_get("/search", params, settings)[:limit]
        results = []
        for code in settings["citycodes"]:
            results += [
                result
                for result in self._ban_get(
                    "/search", dict(params, citycode=code), settings
                )
                # the service is trusted to filter, and checked
                if result["citycode"] in settings["citycodes"]
            ]
        results.sort(key=lambda result: -result["score"])
        return results[:limit]

    @api.model
    def _ban_reverse(self, latitude, longitude, town_only=True):
        """The address nearest to a position (a list of one at most); raise
        BanUnavailable."""
        settings = self._ban_settings()
        params = {
            "lat": f"{float(latitude):.6f}",
            "lon": f"{float(longitude):.6f}",
            "limit": 1,
            "index": "address",
        }
        results = self._ban_get("/reverse", params, settings)[:1]
        if town_only:
            results = [
                result
                for result in results
                if self._ban_is_town_citycode(result["citycode"], settings)
            ]
        return results

    @api.model
    def _ban_search_safe(self, query, limit=5):
        """Town-limited suggestions for the completion routes; never raises."""
        try:
            return self._ban_search(query, limit=limit), True
        except BanUnavailable as e:
            _logger.info("Address service unavailable for a search: %s", e)
            return [], False

    @api.model
    def _ban_reverse_safe(self, latitude, longitude):
        try:
            return self._ban_reverse(latitude, longitude), True
        except BanUnavailable as e:
            _logger.info("Address service unavailable for a reverse: %s", e)
            return [], False
