"""mySociety's servicerequestupdates extension of Open311 GeoReport v2, as
FixMyStreet and its family read and write it.

GET lists the public updates of the published requests (see open311.py):
each change of stage, with the stage's public description, and each public
message the staff or an Open311 client wrote on them; never what the
requester wrote, nor a name or an address. It is bounded and counted like
the list of requests.

POST adds an update from a client holding an Open311 key: a public message,
and the stage its status names. The client's update_id makes it idempotent.
"""

import logging

from psycopg2 import IntegrityError

from odoo import http
from odoo.http import request
from odoo.tools import html2plaintext

from .open311 import (
    MAX_RESULTS,
    Open311Controller,
    Open311Error,
    _format_datetime,
    _parse_datetime,
)

_logger = logging.getLogger(__name__)

# a message of the staff in the timeline the requester sees (portal)
PUBLIC_MESSAGE_TYPES = ("comment", "email", "email_outgoing")
MAX_UPDATE_ID = 100
EXTENSION_SPECIFICATION = (
    "https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Complete-Spec"
)


class Open311UpdatesController(Open311Controller):
    # ------------------------------------------------------------------
    # Discovery
    # ------------------------------------------------------------------

    def _discovery(self):
        root, data, status = super()._discovery()
        base = data["endpoints"][0]
        data["endpoints"].append(dict(base, specification=EXTENSION_SPECIFICATION))
        return root, data, status

    # ------------------------------------------------------------------
    # GET Service Request Updates
    # ------------------------------------------------------------------

    @http.route(
        "/open311/v2/servicerequestupdates.<any(json,xml):fmt>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def open311_updates(self, fmt, **params):
        return self._handle_read(fmt, self._get_updates, params)

    def _get_updates(self, params):
        self._check_jurisdiction(params)
        # the date of the updates: the last 90 days, never more than 90 days
        window = self._get_date_window(params, "date")
        # GET methods are anonymous by specification: only requests of the
        # categories that publish them, in the website's company
        published = (
            request.env["citizen.request"]
            .sudo()
            ._search(
                [
                    ("category_id.publish_requests", "=", True),
                    ("company_id", "=", self._get_company().id),
                ]
            )
        )
        stage_subtype = request.env.ref("citizen_relation.mt_request_stage")
        domain = [
            ("model", "=", "citizen.request"),
            ("res_id", "in", published),
            *window,
            "|",
            # the changes of stage, published as their status and the
            # stage's public description
            "&",
            ("message_type", "=", "notification"),
            ("subtype_id", "=", stage_subtype.id),
            # the updates Open311 clients posted, public by nature; never the
            # correspondence of the staff with the requester (a reply names
            # them, answers what they wrote, holds their signed link), nor the
            # requester's own messages
            "&",
            "&",
            "&",
            ("message_type", "in", PUBLIC_MESSAGE_TYPES),
            ("is_internal", "=", False),
            ("subtype_id.internal", "=", False),
            ("open311_api_client_id", "!=", False),
        ]
        # sudo: the messages found are those of published requests, and
        # _update_values only gives their public text and status
        messages = (
            request.env["mail.message"]
            .sudo()
            .search(domain, limit=MAX_RESULTS, order="date desc, id desc")
        )
        stages = self._stages_at(messages)
        data = [self._update_values(m, stages[m.id]) for m in messages]
        return "service_request_updates", data, 200

    def _stages_at(self, messages):
        """{message id: stage of its request after it was written}, from the
        stage changes of these requests: a change made in the same
        transaction as the message (an agent's reply that closes the request,
        an Open311 update with a status) counts as made with it."""
        Stage = request.env["citizen.request.stage"].sudo()
        requests = (
            request.env["citizen.request"].sudo().browse(set(messages.mapped("res_id")))
        )
        stage_field = request.env["ir.model.fields"]._get("citizen.request", "stage_id")
        trackings = (
            request.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("field_id", "=", stage_field.id),
                    ("mail_message_id.model", "=", "citizen.request"),
                    ("mail_message_id.res_id", "in", requests.ids),
                ]
            )
        )
        changes = {}  # request id: [((date, message id), old stage, new stage)]
        for tracking in trackings:
            message = tracking.mail_message_id
            changes.setdefault(message.res_id, []).append(
                (
                    (message.create_date, message.id),
                    tracking.old_value_integer,
                    tracking.new_value_integer,
                )
            )
        result = {}
        for message in messages:
            history = sorted(changes.get(message.res_id, []))
            # the transaction's time: the same for all it created
            written = message.create_date
            before = [new for (when, _id), _old, new in history if when <= written]
            after = [old for (when, _id), old, _new in history if when > written]
            if before:
                stage_id = before[-1]
            elif after:
                stage_id = after[0]
            else:
                stage_id = requests.browse(message.res_id).stage_id.id
            result[message.id] = Stage.browse(stage_id)
        return result

    def _update_values(self, message, stage):
        citizen_request = request.env["citizen.request"].sudo().browse(message.res_id)
        if stage:
            status = stage._get_open311_status()
        else:
            status = {"extended_status": "OPEN", "external_status_code": ""}
        extended = status["extended_status"]
        if citizen_request.duplicate_of_id and stage.is_closed:
            extended = "DUPLICATE"
        if message.message_type == "notification":
            # a change of stage: what the requester is told of the stage
            description = stage.description or stage.name or ""
        else:
            description = html2plaintext(message.body or "").strip()
        return {
            "update_id": str(message.id),
            "service_request_id": citizen_request.name,
            "status": extended.lower(),
            "updated_datetime": _format_datetime(message.date),
            "description": description,
            "media_url": message.open311_media_url or "",
            "external_status_code": status["external_status_code"],
        }

    # ------------------------------------------------------------------
    # POST Service Request Update
    # ------------------------------------------------------------------

    @http.route(
        "/open311/v2/servicerequestupdates.<any(json,xml):fmt>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,  # authenticated by the api_key of the client, not a session
        save_session=False,
    )
    def open311_post_update(self, fmt, **params):
        return self._handle(fmt, self._post_update, params)

    def _post_update(self, params):
        client = self._authenticate_client(params, "update")
        self._check_jurisdiction(params)
        values = self._read_update(params)
        citizen_request = self._find_request_for_update(
            values.pop("service_request_id"), client
        )
        try:
            with request.env.cr.savepoint():
                message, created = citizen_request._open311_post_update(
                    client, **values
                )
        except IntegrityError as e:
            # the same update_id is being recorded by another post right now
            raise Open311Error(
                400, "This update is being recorded, try again later", code=409
            ) from e
        if created:
            _logger.info(
                "Open311: update %s on request %s from client %s",
                message.id,
                citizen_request.name,
                client.id,
            )
        stage = self._stages_at(message)[message.id]
        return "service_request_updates", [self._update_values(message, stage)], 200

    def _read_update(self, params):
        values = {}
        for name in ("service_request_id", "update_id", "description"):
            values[name] = self._get_param(params, name)
            if not values[name]:
                raise Open311Error(400, f"{name} was not provided")
        if len(values["update_id"]) > MAX_UPDATE_ID:
            raise Open311Error(
                400, f"update_id must not exceed {MAX_UPDATE_ID} characters"
            )
        # the same limit as a request's description, on every channel
        most = request.env["citizen.request"]._get_public_field_limits()["description"][
            0
        ]
        if len(values["description"]) > most:
            raise Open311Error(400, f"description must not exceed {most} characters")
        updated = self._get_param(params, "updated_datetime")
        if updated:
            _parse_datetime(updated, "updated_datetime")
        status = self._get_param(params, "status")
        code = self._get_param(params, "external_status_code")
        Stage = request.env["citizen.request.stage"]
        if status and not Stage._normalize_open311_status(status):
            raise Open311Error(400, f"status {status} is not a known status")
        values["status"] = status
        values["external_status_code"] = code and code[:100]
        media_url = self._get_param(params, "media_url")
        if media_url and not media_url.startswith(("http://", "https://")):
            raise Open311Error(400, "media_url must be an http or https URL")
        values["media_url"] = media_url and media_url[:500]
        return values

    def _find_request_for_update(self, reference, client):
        """The request a client may update: one of its company that is
        published, or that the client filed itself."""
        # sudo: the client is authenticated by its key; it reaches only the
        # requests above, by their reference
        citizen_request = (
            request.env["citizen.request"]
            .sudo()
            .search(
                [
                    ("name", "=", reference),
                    ("company_id", "=", client.company_id.id),
                    "|",
                    ("category_id.publish_requests", "=", True),
                    ("api_client_id", "=", client.id),
                ],
                limit=1,
            )
        )
        if not citizen_request:
            raise Open311Error(404, f"service_request_id {reference} not found")
        return citizen_request
