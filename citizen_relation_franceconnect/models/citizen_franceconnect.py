"""The FranceConnect client: OpenID Connect v2, as FranceConnect's partner
documentation describes it (authorization code flow, ``acr_values=eidas1``,
the client secret in the body of the token call, the ID token and the
userinfo answer signed with ES256 or RS256 and checked against the
provider's published keys)."""

import hmac
import logging
import threading
from urllib.parse import urlencode

import jwt
import requests

from odoo import api, models

_logger = logging.getLogger(__name__)

PARAM_PREFIX = "citizen_relation_franceconnect."
# Base URL (the issuer) of FranceConnect v2, by environment.
ENVIRONMENT_URLS = {
    "integration": "https://fcp-low.integ01.dev-franceconnect.fr/api/v2",
    "production": "https://oidc.franceconnect.gouv.fr/api/v2",
}
SCOPES = "openid given_name family_name email"
ACR_VALUES = "eidas1"
# The algorithms FranceConnect signs with; anything else (``none``, HS256
# keyed with the client secret, ...) is refused before any key is chosen.
ALGORITHMS = ("ES256", "RS256")
TIMEOUT = 10
# Seconds of clock difference accepted on ``exp`` and ``iat``.
LEEWAY = 60

# Discovery documents and key sets, by provider URL, for every worker thread
# of the process: keys are fetched again only when a token names one unknown.
_provider_cache = {}
_provider_cache_lock = threading.Lock()


class FranceConnectError(Exception):
    """The provider's answer cannot be trusted or was not given: the sign-in
    stops there."""


class CitizenFranceConnect(models.AbstractModel):
    _name = "citizen.franceconnect"
    _description = "FranceConnect Client"

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------

    @api.model
    def _get_settings(self):
        """Client id, secret and provider URL set in the settings."""
        # sudo: the client's settings are read to sign a visitor in; only
        # the administrators may read or change them.
        params = self.env["ir.config_parameter"].sudo()
        environment = params.get_param(f"{PARAM_PREFIX}environment") or "integration"
        if environment == "custom":
            url = params.get_param(f"{PARAM_PREFIX}provider_url") or ""
        else:
            url = ENVIRONMENT_URLS.get(environment, "")
        return {
            "client_id": params.get_param(f"{PARAM_PREFIX}client_id") or "",
            "client_secret": params.get_param(f"{PARAM_PREFIX}client_secret") or "",
            "provider_url": url.strip().rstrip("/"),
        }

    @api.model
    def _is_enabled(self):
        """Whether the button is offered: the client is declared."""
        settings = self._get_settings()
        return all(settings.values())

    # ------------------------------------------------------------------
    # Provider metadata and keys
    # ------------------------------------------------------------------

    @api.model
    def _http_get_json(self, url, what):
        try:
            response = requests.get(url, timeout=TIMEOUT)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as error:
            raise FranceConnectError(f"{what} unavailable: {error}") from error

    @api.model
    def _get_provider_metadata(self):
        """The provider's discovery document, whose issuer must be the URL
        set (OpenID Connect Discovery, section 4.3)."""
        url = self._get_settings()["provider_url"]
        cached = _provider_cache.get(url, {}).get("metadata")
        if cached:
            return cached
        metadata = self._http_get_json(
            f"{url}/.well-known/openid-configuration", "discovery document"
        )
        if not isinstance(metadata, dict) or metadata.get("issuer") != url:
            raise FranceConnectError("the discovery document names another issuer")
        with _provider_cache_lock:
            _provider_cache.setdefault(url, {})["metadata"] = metadata
        return metadata

    @api.model
    def _get_keys(self, refresh=False):
        """The provider's signing keys, by ``kid``: fetched once, and again
        when ``refresh`` (a token named a key unknown so far)."""
        url = self._get_settings()["provider_url"]
        keys = _provider_cache.get(url, {}).get("keys")
        if keys is not None and not refresh:
            return keys
        jwks_uri = self._get_provider_metadata().get("jwks_uri")
        if not jwks_uri:
            raise FranceConnectError("the provider publishes no keys")
        document = self._http_get_json(jwks_uri, "key set")
        keys = {}
        for jwk in document.get("keys", []) if isinstance(document, dict) else []:
            if (
                isinstance(jwk, dict)
                and jwk.get("kid")
                and jwk.get("use", "sig") == "sig"
            ):
                keys[jwk["kid"]] = jwk
        with _provider_cache_lock:
            _provider_cache.setdefault(url, {})["keys"] = keys
        return keys

    @api.model
    def _get_verification_key(self, token):
        """The provider's key that must have signed ``token``, after refusing
        any algorithm but ES256 and RS256."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise FranceConnectError(f"malformed token: {error}") from error
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise FranceConnectError(f"algorithm refused: {algorithm!r}")
        kid = header.get("kid")
        keys = self._get_keys()
        if kid not in keys:
            # the provider may have rotated its keys since they were fetched
            keys = self._get_keys(refresh=True)
        if kid not in keys:
            raise FranceConnectError(f"unknown signing key: {kid!r}")
        jwk = keys[kid]
        if jwk.get("alg") and jwk["alg"] != algorithm:
            raise FranceConnectError("the key is not meant for this algorithm")
        try:
            return jwt.PyJWK(jwk, algorithm=algorithm).key, algorithm
        except jwt.PyJWTError as error:
            raise FranceConnectError(f"unusable key {kid!r}: {error}") from error

    @api.model
    def _decode_token(self, token, required):
        """Claims of a JWT of the provider, after checking its signature, its
        issuer, its audience (this client) and its expiry."""
        key, algorithm = self._get_verification_key(token)
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self._get_settings()["client_id"],
                issuer=self._get_provider_metadata()["issuer"],
                leeway=LEEWAY,
                options={"require": required},
            )
        except jwt.PyJWTError as error:
            raise FranceConnectError(f"token refused: {error}") from error

    # ------------------------------------------------------------------
    # The flow
    # ------------------------------------------------------------------

    @api.model
    def _get_authorization_url(self, state, nonce, redirect_uri):
        """Where the visitor is sent to sign in."""
        metadata = self._get_provider_metadata()
        query = {
            "response_type": "code",
            "client_id": self._get_settings()["client_id"],
            "redirect_uri": redirect_uri,
            "scope": SCOPES,
            "state": state,
            "nonce": nonce,
            "acr_values": ACR_VALUES,
        }
        return f"{metadata['authorization_endpoint']}?{urlencode(query)}"

    @api.model
    def _exchange_code(self, code, redirect_uri):
        """The tokens given for the authorization code: the client
        authenticates with its secret in the body (client_secret_post)."""
        settings = self._get_settings()
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": settings["client_id"],
            "client_secret": settings["client_secret"],
        }
        try:
            response = requests.post(
                self._get_provider_metadata()["token_endpoint"],
                data=data,
                timeout=TIMEOUT,
            )
            response.raise_for_status()
            tokens = response.json()
        except (requests.RequestException, ValueError) as error:
            raise FranceConnectError(f"token call failed: {error}") from error
        if not (
            isinstance(tokens, dict)
            and tokens.get("id_token")
            and tokens.get("access_token")
        ):
            raise FranceConnectError("the token answer gives no ID token")
        return tokens

    @api.model
    def _verify_id_token(self, id_token, nonce):
        """Claims of the ID token, checked (signature, ``iss``, ``aud``,
        ``exp``) and bound to this sign-in by its ``nonce``."""
        claims = self._decode_token(id_token, ["iss", "aud", "exp", "sub", "nonce"])
        if not hmac.compare_digest(str(claims["nonce"]), str(nonce or "")):
            raise FranceConnectError("the ID token's nonce is not this sign-in's")
        return claims

    @api.model
    def _fetch_userinfo(self, access_token, sub):
        """The identity given by the userinfo endpoint: a JWT signed by the
        provider, about the person of the ID token (same ``sub``)."""
        try:
            response = requests.get(
                self._get_provider_metadata()["userinfo_endpoint"],
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=TIMEOUT,
            )
            response.raise_for_status()
        except requests.RequestException as error:
            raise FranceConnectError(f"userinfo call failed: {error}") from error
        claims = self._decode_token(response.text.strip(), ["iss", "aud", "sub"])
        if claims["sub"] != sub:
            raise FranceConnectError("the userinfo answer is about someone else")
        return claims

    @api.model
    def _get_end_session_url(self, id_token, state, post_logout_redirect_uri):
        """Where the citizen is sent to sign out of FranceConnect too."""
        metadata = self._get_provider_metadata()
        endpoint = metadata.get("end_session_endpoint")
        if not endpoint:
            raise FranceConnectError("the provider gives no end_session endpoint")
        query = {
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": post_logout_redirect_uri,
        }
        return f"{endpoint}?{urlencode(query)}"
