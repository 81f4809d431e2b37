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
from odoo.tools import plaintext2html
from odoo.tools.mail import email_normalize

from odoo.addons.citizen_relation.models.citizen_address_service import (
    CitizenAddressOutsideTown,
)

from .text_input import CoordinatesOutOfRange, clean_text, parse_coordinates

_logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024


class IntakeError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


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

    def _text(self, payload, name, limit, required=False):
        value = payload.get(name)
        if value is None or value == "":
            if required:
                raise IntakeError(400, "missing_field", f"{name} is required.")
            return False
        if not isinstance(value, str | int | float):
            raise IntakeError(400, "invalid_field", f"{name} must be a string.")
        return clean_text(str(value))[:limit]

    def _prepare_values(self, payload, client):
        """Whitelisted values of the new request, read from the payload."""
        channel = payload.get("channel") or client.channel
        if channel not in ("social", "api"):
            raise IntakeError(400, "invalid_field", "channel must be social or api.")
        description = self._text(payload, "description", 4000, required=True)
        title = self._text(payload, "title", 200) or description.splitlines()[0][:80]
        vals = {
            "channel": channel,
            "api_client_id": client.id,
            "company_id": client.company_id.id,
            "source_ref": self._text(payload, "source_id", 255, required=True),
            "source_url": self._text(payload, "source_url", 500),
            "title": title,
            "description": plaintext2html(description),
        }
        if vals["source_url"] and not vals["source_url"].startswith(
            ("http://", "https://")
        ):
            raise IntakeError(400, "invalid_field", "source_url must be a URL.")
        code = self._text(payload, "category_code", 64)
        if code:
            # categories are read for an authenticated client of this company;
            # as on the website and through Open311, only those offered to
            # citizens: the others are the town's own
            category = (
                request.env["citizen.request.category"]
                .sudo()
                .search(
                    [
                        ("code", "=", code),
                        ("is_public", "=", True),
                        ("company_id", "in", [False, client.company_id.id]),
                    ],
                    limit=1,
                )
            )
            if not category:
                raise IntakeError(
                    400,
                    "invalid_field",
                    f"Unknown category {code}: give the code of a category offered"
                    " to citizens (the service_code of the Open311 service list),"
                    " or no category_code.",
                )
            vals["category_id"] = category.id
        email = self._text(payload, "contact_email", 200)
        if email:
            vals["contact_email"] = email_normalize(email)
            if not vals["contact_email"]:
                raise IntakeError(400, "invalid_field", "contact_email is not valid.")
        for name, limit in (
            ("contact_name", 200),
            ("contact_phone", 40),
            ("street", 200),
            ("zip", 16),
            ("city", 100),
            ("district", 100),
        ):
            value = self._text(payload, name, limit)
            if value:
                vals[name] = value
        if payload.get("latitude") is not None or payload.get("longitude") is not None:
            try:
                lat, lng = parse_coordinates(
                    payload.get("latitude"), payload.get("longitude")
                )
            except CoordinatesOutOfRange as e:
                raise IntakeError(
                    400, "invalid_field", "Coordinates out of range."
                ) from e
            except ValueError as e:
                raise IntakeError(
                    400, "invalid_field", "latitude and longitude must be numbers."
                ) from e
            vals.update(latitude=lat, longitude=lng)
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
            return self._json_response(
                {"error": {"code": error.code, "message": error.message}},
                error.status,
            )

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
