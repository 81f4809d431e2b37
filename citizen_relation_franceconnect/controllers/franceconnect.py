import hmac
import logging
import secrets

from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.session import Session
from odoo.addons.web.controllers.utils import _get_login_redirect_url

from ..models.citizen_franceconnect import FranceConnectError
from ..models.res_users import FranceConnectAccountError

_logger = logging.getLogger(__name__)

# What the session keeps between the steps: the sign-in under way (state,
# nonce, where to go next), the ID token of the citizen signed in with
# FranceConnect (for the logout), the logout under way (state).
SESSION_PENDING = "citizen_franceconnect_pending"
SESSION_ID_TOKEN = "citizen_franceconnect_id_token"
SESSION_LOGOUT = "citizen_franceconnect_logout"
# token_urlsafe(32): 43 random characters
RANDOM_BYTES = 32


def _local_path(url, default):
    """``url`` if it is a path of this site, else ``default``."""
    if url and url.startswith("/") and not url.startswith(("//", "/\\")):
        return url
    return default


class FranceConnectController(http.Controller):
    def _url(self, path):
        return f"{request.httprequest.url_root.rstrip('/')}{path}"

    def _callback_url(self):
        return self._url("/auth/franceconnect/callback")

    def _render_error(self, reason, status=400):
        """The page ending a sign-in that did not succeed, saying why."""
        return request.render(
            "citizen_relation_franceconnect.franceconnect_error_page",
            {"reason": reason},
            status=status,
        )

    @http.route(
        "/auth/franceconnect/login",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def franceconnect_login(self, redirect=None, **kw):
        FranceConnect = request.env["citizen.franceconnect"]
        if not FranceConnect._is_enabled():
            return self._render_error("disabled", status=404)
        state = secrets.token_urlsafe(RANDOM_BYTES)
        nonce = secrets.token_urlsafe(RANDOM_BYTES)
        try:
            url = FranceConnect._get_authorization_url(
                state, nonce, self._callback_url()
            )
        except FranceConnectError as error:
            _logger.warning("FranceConnect sign-in not started: %s", error)
            return self._render_error("unavailable", status=503)
        request.session[SESSION_PENDING] = {
            "state": state,
            "nonce": nonce,
            "redirect": _local_path(redirect, "/my"),
        }
        return request.redirect(url, code=303, local=False)

    @http.route(
        "/auth/franceconnect/callback",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def franceconnect_callback(self, state=None, code=None, error=None, **kw):
        # one use only: a replayed answer finds nothing to match
        pending = request.session.pop(SESSION_PENDING, None) or {}
        if error:
            _logger.info("FranceConnect sign-in ended by the provider: %s", error)
            return self._render_error(
                "denied" if error == "access_denied" else "provider",
                status=200 if error == "access_denied" else 400,
            )
        if not (
            pending.get("state")
            and state
            and hmac.compare_digest(str(state), pending["state"])
        ):
            return self._render_error("state")
        if not code:
            return self._render_error("provider")
        FranceConnect = request.env["citizen.franceconnect"]
        callback_url = self._callback_url()
        try:
            tokens = FranceConnect._exchange_code(code, callback_url)
            claims = FranceConnect._verify_id_token(
                tokens["id_token"], pending["nonce"]
            )
            identity = FranceConnect._fetch_userinfo(
                tokens["access_token"], claims["sub"]
            )
        except FranceConnectError as failure:
            _logger.warning("FranceConnect sign-in refused: %s", failure)
            return self._render_error("verification")
        return self._sign_in(identity, tokens["id_token"], pending.get("redirect"))

    def _sign_in(self, identity, id_token, redirect):
        try:
            # sudo: FranceConnect vouched for the person (tokens verified
            # above); the account is theirs or made for them, never a
            # member of the staff's (see _franceconnect_find_account)
            user = request.env["res.users"].sudo()._franceconnect_signin(identity)
        except FranceConnectAccountError as refusal:
            return request.render(
                "citizen_relation_franceconnect.franceconnect_error_page",
                {"reason": "account", "message": str(refusal)},
                status=403,
            )
        token = user._franceconnect_issue_login_token()
        # the account, made or bound just now, must be visible to
        # authenticate()'s own cursor
        request.env.cr.commit()
        credential = {"login": user.login, "token": token, "type": "franceconnect"}
        auth_info = request.session.authenticate(request.db, credential)
        request.session[SESSION_ID_TOKEN] = id_token
        url = _get_login_redirect_url(auth_info["uid"], _local_path(redirect, "/my"))
        return request.redirect(url, code=303)

    @http.route(
        "/auth/franceconnect/logout",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def franceconnect_logout(self, **kw):
        """Sign out here, then out of FranceConnect, which sends the citizen
        back to the logout's end."""
        id_token = request.session.get(SESSION_ID_TOKEN)
        request.session.logout(keep_db=True)
        if not id_token:
            return request.redirect("/", code=303)
        state = secrets.token_urlsafe(RANDOM_BYTES)
        try:
            url = request.env["citizen.franceconnect"]._get_end_session_url(
                id_token, state, self._url("/auth/franceconnect/logout/done")
            )
        except FranceConnectError as error:
            _logger.warning("FranceConnect logout not started: %s", error)
            return request.redirect("/", code=303)
        request.session[SESSION_LOGOUT] = state
        return request.redirect(url, code=303, local=False)

    @http.route(
        "/auth/franceconnect/logout/done",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def franceconnect_logout_done(self, state=None, **kw):
        """Where FranceConnect sends the citizen back after signing them out."""
        expected = request.session.pop(SESSION_LOGOUT, None)
        signed_out = bool(
            expected and state and hmac.compare_digest(str(state), expected)
        )
        return request.render(
            "citizen_relation_franceconnect.franceconnect_logout_page",
            {"signed_out": signed_out},
        )


class FranceConnectSession(Session):
    @http.route()
    def logout(self, redirect="/odoo"):
        """A citizen signed in with FranceConnect signs out of it too."""
        if request.session.get(SESSION_ID_TOKEN):
            return request.redirect("/auth/franceconnect/logout", code=303)
        return super().logout(redirect=redirect)
