"""JSON intake for connectors (social networks, chat, other software).

A connector posts each message it wants to turn into a request, with the
identifier of the message in its source: sending the same message again
returns the request already filed instead of filing a second one.
"""

import json
import logging

import psycopg2

from odoo import http
from odoo.http import request

from odoo.addons.citizen_relation.models.citizen_address_service import (
    CitizenAddressOutsideTown,
)
from odoo.addons.citizen_relation.models.citizen_request_public import (
    PublicValuesError,
)

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
# the payload's names of the request's fields, where they differ
PAYLOAD_NAMES = {"source_ref": "source_id", "category_id": "category_code"}
# what a connector must send: the identifier of the message makes sending it
# again harmless, its text is the request
REQUIRED_FIELDS = ("description", "source_ref")


class IntakeError(Exception):
    def __init__(self, status, code, message, fields=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


class CitizenRequestIntake(http.Controller):
    def _json_response(self, data, status):
        return request.make_json_response(data, status=status)

    def _get_key(self):
        headers = request.httprequest.headers
        auth = headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return headers.get("X-Api-Key", "").strip()

    def _read_payload(self):
        raw = request.httprequest.get_data(cache=False)
        if len(raw) > MAX_BODY:
            raise IntakeError(413, "too_large", "The body must not exceed 64 KB.")
        try:
            payload = json.loads(raw or b"{}")
        except (ValueError, UnicodeDecodeError) as e:
            raise IntakeError(400, "invalid_json", "The body is not valid JSON.") from e
        if not isinstance(payload, dict):
            raise IntakeError(400, "invalid_json", "The body must be a JSON object.")
        return payload

    def _read_request_data(self, Request, payload, channel):
        """The payload, under the names of the request's fields: a category
        is given by its code, the message by its identifier (source_id)."""
        data = {
            name: payload.get(name)
            for name in Request._get_public_fields(channel)
            if name != "category_id"
        }
        data["source_ref"] = payload.get("source_id")
        data["category_code"] = payload.get("category_code")
        return data

    def _refusal(self, error, data):
        """The reasons of the intake service, with the payload's names."""
        reasons = {
            PAYLOAD_NAMES.get(name, name): reason
            for name, reason in error.reasons.items()
        }
        missing = all(
            name in REQUIRED_FIELDS and data.get(name) in (None, "")
            for name in error.reasons
        )
        return IntakeError(
            400,
            "missing_field" if missing else "invalid_field",
            " ".join(f"{name}: {reason}" for name, reason in reasons.items()),
            fields=reasons,
        )

    def _prepare_values(self, payload, client):
        """Values of the new request, checked by the intake service."""
        channel = payload.get("channel") or client.channel
        if channel not in ("social", "api"):
            raise IntakeError(400, "invalid_field", "channel must be social or api.")
        # sudo: the API client is authenticated; the service only looks
        # categories up among those offered to citizens of its company (and
        # shared ones). Connectors read the documented English reasons.
        Request = (
            request.env["citizen.request"]
            .sudo()
            .with_company(client.company_id)
            .with_context(lang="en_US")
        )
        data = self._read_request_data(Request, payload, channel)
        try:
            vals = Request._prepare_public_values(
                data, channel, required=REQUIRED_FIELDS
            )
        except PublicValuesError as error:
            raise self._refusal(error, data) from error
        vals.update(api_client_id=client.id, company_id=client.company_id.id)
        return vals

    def _find_existing(self, client, source_ref):
        # the client is authenticated; it only sees what it filed itself
        return (
            request.env["citizen.request"]
            .sudo()
            .search(
                [("api_client_id", "=", client.id), ("source_ref", "=", source_ref)],
                limit=1,
            )
        )

    def _describe(self, citizen_request, created):
        return {
            "reference": citizen_request.name,
            "status": citizen_request._get_public_status(),
            "tracking_url": citizen_request._get_tracking_url(),
            "created": created,
        }

    @http.route(
        "/citizen/api/v1/requests",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,  # authenticated by the client's key, not by a session
        save_session=False,
    )
    def citizen_intake(self, **kw):
        try:
            return self._intake()
        except IntakeError as error:
            body = {"code": error.code, "message": error.message}
            if error.fields:
                body["fields"] = error.fields
            return self._json_response({"error": body}, error.status)

    def _intake(self):
        client = request.env["citizen.api.client"]._authenticate(
            self._get_key(), "intake"
        )
        if not client:
            raise IntakeError(401, "invalid_key", "Missing or invalid API key.")
        if not request.env["citizen.submission.throttle"]._check_and_record(
            {"api": str(client.id)}
        ):
            raise IntakeError(
                429, "rate_limited", "Too many requests from this client, try later."
            )
        vals = self._prepare_values(self._read_payload(), client)
        existing = self._find_existing(client, vals["source_ref"])
        if existing:
            return self._json_response(self._describe(existing, False), 200)
        Request = request.env["citizen.request"].sudo().with_company(client.company_id)
        try:
            with request.env.cr.savepoint():
                citizen_request = Request.create(vals)
        except CitizenAddressOutsideTown as error:
            raise IntakeError(400, "address_outside_town", error.args[0]) from error
        except psycopg2.IntegrityError:
            # the same message arrived twice at the same time: the other
            # transaction filed it
            existing = self._find_existing(client, vals["source_ref"])
            if not existing:
                raise
            return self._json_response(self._describe(existing, False), 200)
        _logger.info(
            "Intake: request %s filed by client %s", citizen_request.name, client.id
        )
        return self._json_response(self._describe(citizen_request, True), 201)
