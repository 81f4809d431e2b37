"""A local stand-in for FranceConnect v2: a WSGI server on the loopback (port
0) with the endpoints of its discovery document, signing its ID tokens and
userinfo answers with an EC P-256 key (ES256), as FranceConnect does.

The person it signs in approves at once (or refuses: ``deny``). Its knobs
make it answer as an attacker or a broken provider would: another nonce, an
algorithm (``none``, HS256 keyed with the client secret), a key it does not
publish. ``rotate_key`` replaces its key by a new one, as a provider rotating
its keys. Every call is recorded in ``calls``; its key set is fetched
``jwks_hits`` times.
"""

import json
import secrets
import time
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from werkzeug.wrappers import Request, Response

from odoo.addons.citizen_relation.tests.standin import LoopbackStandin

PREFIX = "/api/v2"
IDENTITY = {
    "given_name": "Angela Claire Louise",
    "family_name": "DUBOIS",
    "email": "wossewodda-3728@yopmail.com",
}


class FranceConnectStandin(LoopbackStandin):
    def __init__(self, client_id, client_secret):
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.issuer = f"{self.base_url}{PREFIX}"
        self.key, self.kid = self._new_key()
        self.reset()

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)

    def reset(self):
        """Back to a provider that behaves, signing in ``IDENTITY``."""
        self.calls = []
        self.jwks_hits = 0
        self.deny = False
        self.sub = secrets.token_hex(32)
        self.identity = dict(IDENTITY)
        self.nonce = None  # the nonce put in the ID token: the one received
        self.algorithm = "ES256"
        self.signing_kid = None  # the kid written in the tokens: the key's
        self.codes = {}
        self.access_tokens = {}
        self.id_tokens = set()

    @staticmethod
    def _new_key():
        return ec.generate_private_key(ec.SECP256R1()), secrets.token_hex(8)

    def rotate_key(self):
        self.key, self.kid = self._new_key()

    # ------------------------------------------------------------------

    def _sign(self, claims):
        headers = {"kid": self.signing_kid or self.kid}
        if self.algorithm == "none":
            return jwt.encode(claims, None, algorithm="none", headers=headers)
        if self.algorithm == "HS256":
            # the classic confusion: a token keyed with the client's secret
            return jwt.encode(
                claims, self.client_secret, algorithm="HS256", headers=headers
            )
        return jwt.encode(claims, self.key, algorithm="ES256", headers=headers)

    def app(self, environ, start_response):
        request = Request(environ)
        self.calls.append(
            {
                "path": request.path,
                "args": request.args.to_dict(),
                "form": request.form.to_dict(),
                "headers": dict(request.headers),
            }
        )
        handler = {
            f"{PREFIX}/.well-known/openid-configuration": self._discovery,
            f"{PREFIX}/jwks": self._jwks,
            f"{PREFIX}/authorize": self._authorize,
            f"{PREFIX}/token": self._token,
            f"{PREFIX}/userinfo": self._userinfo,
            f"{PREFIX}/session/end": self._end_session,
        }.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    @staticmethod
    def _json(data, status=200):
        return Response(
            json.dumps(data), status=status, content_type="application/json"
        )

    def _discovery(self, request):
        return self._json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "end_session_endpoint": f"{self.issuer}/session/end",
                "jwks_uri": f"{self.issuer}/jwks",
                "id_token_signing_alg_values_supported": ["ES256", "RS256"],
                "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            }
        )

    def _jwks(self, request):
        self.jwks_hits += 1
        jwk = json.loads(ECAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", alg="ES256")
        return self._json({"keys": [jwk]})

    def _redirect(self, url, params):
        return Response(status=302, headers={"Location": f"{url}?{urlencode(params)}"})

    def _authorize(self, request):
        args = request.args
        if args.get("client_id") != self.client_id:
            return Response("unknown client", status=400)
        if self.deny:
            return self._redirect(
                args["redirect_uri"],
                {
                    "error": "access_denied",
                    "error_description": "User auth aborted",
                    "state": args.get("state", ""),
                },
            )
        code = secrets.token_urlsafe(32)
        self.codes[code] = {
            "nonce": args.get("nonce"),
            "redirect_uri": args["redirect_uri"],
        }
        return self._redirect(
            args["redirect_uri"], {"code": code, "state": args.get("state", "")}
        )

    def _token(self, request):
        form = request.form
        grant = self.codes.pop(form.get("code"), None)
        if not (
            grant
            and form.get("grant_type") == "authorization_code"
            and form.get("client_id") == self.client_id
            and form.get("client_secret") == self.client_secret
            and form.get("redirect_uri") == grant["redirect_uri"]
        ):
            return self._json({"error": "invalid_grant"}, status=400)
        now = int(time.time())
        id_token = self._sign(
            {
                "iss": self.issuer,
                "aud": self.client_id,
                "sub": self.sub,
                "exp": now + 60,
                "iat": now,
                "nonce": self.nonce or grant["nonce"],
                "acr": "eidas1",
                "amr": ["pwd"],
            }
        )
        access_token = secrets.token_urlsafe(32)
        self.access_tokens[access_token] = self.sub
        self.id_tokens.add(id_token)
        return self._json(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 60,
                "id_token": id_token,
            }
        )

    def _userinfo(self, request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        sub = self.access_tokens.get(token)
        if not sub:
            return self._json({"error": "invalid_token"}, status=401)
        now = int(time.time())
        claims = dict(
            self.identity, iss=self.issuer, aud=self.client_id, sub=sub, iat=now
        )
        return Response(self._sign(claims), content_type="application/jwt")

    def _end_session(self, request):
        args = request.args
        if args.get("id_token_hint") not in self.id_tokens:
            return Response("unknown session", status=400)
        self.id_tokens.discard(args["id_token_hint"])
        return self._redirect(
            args["post_logout_redirect_uri"], {"state": args.get("state", "")}
        )
