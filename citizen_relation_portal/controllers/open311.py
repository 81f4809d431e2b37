"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2).

Services are the categories offered to citizens; requests are those of the
categories that publish their requests, in the company of the website asked.
Only public data leaves through the GET methods: the reference, the status,
the category, the public description an agent wrote (never the requester's
own title or text), the place (street without house number, building or flat;
coordinates rounded to about 100 m) and the dates, never the requester. Every
GET is counted per client address (an IPv6 /64 being one client); over the
limit, the answer is 429 with Retry-After.
"""

import json
import logging
import re
from datetime import datetime, time, timedelta, timezone

from lxml import etree

from odoo import fields, http
from odoo.http import request

from odoo.addons.citizen_relation.models.citizen_address_service import (
    CitizenAddressOutsideTown,
)
from odoo.addons.citizen_relation.models.citizen_request_public import (
    PublicValuesError,
)

from .text_input import clean_text

_logger = logging.getLogger(__name__)

FORMATS = {"json": "application/json", "xml": "text/xml"}
MAX_RESULTS = 1000
MAX_DAYS = 90
# the Open311 argument of each field of a request, in the reasons of a refusal
ARGUMENTS = {
    "latitude": "lat",
    "longitude": "long",
    "street": "address_string",
    "contact_email": "email",
    "contact_name": "first_name and last_name",
    "contact_phone": "phone",
    "source_url": "media_url",
    "category_id": "service_code",
}
# GET methods publish places, not homes: no house number, building, stair,
# floor or flat, and coordinates rounded to 3 decimals (about 110 m)
HOUSE_NUMBER = re.compile(
    r"^\s*(?:n[°o.]\s*|num[ée]ro\s+)?\d+\s*(?:[-/]\s*\d+\s*)?"
    r"(?:bis|ter|quater|[a-z])?\b[\s,.-]*",
    re.IGNORECASE,
)
# what designates a part of a building: "bât. C", "appt 12", "porte 3",
# "2e étage"; and, opening a part of an address, the name of a building or of
# the person received there
HOME_DESIGNATION = (
    r"(?:b[aâ]t(?:iment)?|bldg|building|imm(?:euble)?|app?t|app(?:artement)?"
    r"|apartment|flat|logement|log|suite|esc(?:alier)?|stair(?:case)?|bo[iî]te|bal)"
    r"(?:\.\s*|\s+)(?:n[°o]\.?\s*)?[a-z0-9]{1,4}(?=[\s,.;-]|$)"
    r"|(?:porte|door|entr[ée]e)\.?\s*(?:n[°o]\.?\s*)?\d+"
    r"|\d+\s*(?:e|er|[eè]re|[eè]me|nd|rd|th)\s+(?:[ée]tage|floor)"
    r"|(?:[ée]tage|floor)\s*\d+|rdc"
)
HOME_NAME = r"r[ée]sidence|r[ée]s\.|immeuble|chez|c/o"
# what is left of "2e étage gauche"
HOME_SIDE = re.compile(
    r"^(?:[àa]\s+)?(?:gauche|droite|face|left|right)$", re.IGNORECASE
)
HOME_NAME_START = re.compile(rf"^\s*(?:{HOME_NAME})(?=\W)", re.IGNORECASE)
HOME_PART_START = re.compile(rf"^\s*(?:(?:{HOME_DESIGNATION})[\s.-]*)+", re.IGNORECASE)
HOME_PART_TAIL = re.compile(rf"[\s,-]+(?:{HOME_DESIGNATION}).*$", re.IGNORECASE)
POSTCODE = re.compile(r"^\s*\d{5}\b")
COORDINATE_DIGITS = 3
# tag of the items of a list, in XML
XML_ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


class Open311Error(Exception):
    """An error answer; ``description`` is one text, or a list of them (one
    error of the array each)."""

    def __init__(self, status, description, code=None, retry_after=None):
        super().__init__(description)
        self.status = status
        self.descriptions = (
            description if isinstance(description, list) else [description]
        )
        self.code = code or status
        self.retry_after = retry_after


def _format_datetime(value):
    if not value:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_datetime(value, name):
    """Parse an ISO 8601 date with its time zone into naive UTC."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as e:
        raise Open311Error(
            400, f"{name} must be an ISO 8601 date, e.g. 2026-01-31T00:00:00Z"
        ) from e
    if parsed.tzinfo:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _split(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _xml_node(parent, tag, value):
    node = etree.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, sub_value in value.items():
            _xml_node(node, key, sub_value)
    elif isinstance(value, list):
        item_tag = XML_ITEM_TAGS.get(tag, "item")
        for item in value:
            _xml_node(node, item_tag, item)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = str(value)
    return node


class Open311Controller(http.Controller):
    # ------------------------------------------------------------------
    # Responses
    # ------------------------------------------------------------------

    def _respond(self, fmt, root, data, status=200, headers=None):
        """Serialise ``data`` (a list or a dict) as JSON, or as XML in ``root``."""
        if fmt == "json":
            body = json.dumps(data, ensure_ascii=False)
        else:
            tree = etree.Element(root)
            items = data if isinstance(data, list) else [data]
            item_tag = XML_ITEM_TAGS.get(root)
            for item in items:
                if item_tag:
                    _xml_node(tree, item_tag, item)
                else:
                    for key, value in item.items():
                        _xml_node(tree, key, value)
            body = etree.tostring(tree, xml_declaration=True, encoding="utf-8")
        return request.make_response(
            body,
            headers=[("Content-Type", f"{FORMATS[fmt]}; charset=utf-8")]
            + (headers or []),
            status=status,
        )

    def _respond_error(self, fmt, error):
        headers = []
        if error.retry_after:
            headers.append(("Retry-After", str(error.retry_after)))
        return self._respond(
            fmt,
            "errors",
            [
                {"code": error.code, "description": description}
                for description in error.descriptions
            ],
            status=error.status,
            headers=headers,
        )

    def _handle(self, fmt, method, *args, **kwargs):
        try:
            root, data, status = method(*args, **kwargs)
        except Open311Error as error:
            return self._respond_error(fmt, error)
        return self._respond(fmt, root, data, status=status)

    def _handle_read(self, fmt, method, *args, **kwargs):
        """Answer a GET, once the client's address is within its limit."""
        try:
            self._check_read_limit()
        except Open311Error as error:
            return self._respond_error(fmt, error)
        return self._handle(fmt, method, *args, **kwargs)

    def _check_read_limit(self):
        Throttle = request.env["citizen.submission.throttle"]
        scope = {"read": request.httprequest.remote_addr or "unknown"}
        if not Throttle._check_and_record(scope):
            raise Open311Error(
                429,
                "Too many requests from this address, try again later",
                retry_after=Throttle._get_retry_after(scope),
            )

    # ------------------------------------------------------------------
    # Common checks
    # ------------------------------------------------------------------

    def _get_param(self, params, name):
        """Empty parameters are treated as absent, as the specification says."""
        value = params.get(name)
        if isinstance(value, str):
            value = clean_text(value)
        return value or None

    def _check_jurisdiction(self, params):
        expected = (
            request.env["ir.config_parameter"]
            .sudo()
            .get_param("citizen_relation_portal.open311_jurisdiction_id")
            or ""
        ).strip()
        given = self._get_param(params, "jurisdiction_id")
        if given and expected and given != expected:
            raise Open311Error(404, "jurisdiction_id not found")

    def _get_company(self):
        """The company whose data is published: the website's."""
        return request.env["website"].get_current_website().company_id

    def _get_services(self, codes=None, company=None):
        company = company or self._get_company()
        domain = [("code", "!=", False)] + request.env[
            "citizen.request"
        ]._get_public_category_domain(company)
        if codes is not None:
            domain.append(("code", "in", codes))
        # the service list is public: only the categories offered to
        # citizens, and only their public fields are read
        return (
            request.env["citizen.request.category"]
            .sudo()
            .search(domain, order="complete_name")
        )

    def _service_values(self, category):
        return {
            "service_code": category.code,
            "service_name": category.name,
            "description": category.public_description or "",
            "metadata": bool(category.attribute_ids),
            "type": "realtime",
            "keywords": "",
            "group": category.parent_id.name or "",
        }

    def _service_notice(self, citizen_request):
        if not citizen_request.date_deadline:
            return ""
        return f"Expected answer by {citizen_request.date_deadline.isoformat()}"

    def _public_street(self, street):
        """The street without what could point at a home: house number,
        building, stair, floor, flat, name of a residence."""
        parts = []
        for part in re.split(r"[,;\n]", street or ""):
            if HOME_NAME_START.match(part):
                continue
            part = HOME_PART_TAIL.sub("", HOME_PART_START.sub("", part))
            if not POSTCODE.match(part):
                part = HOUSE_NUMBER.sub("", part)
            part = part.strip(" \t-.")
            if part and not HOME_SIDE.match(part):
                parts.append(part)
        return ", ".join(parts)

    def _public_coordinate(self, value):
        """Coordinates rounded to about a hundred metres, for the same reason."""
        return round(value, COORDINATE_DIGITS)

    def _public_address(self, citizen_request):
        """The street, without what points at a home, and the town."""
        parts = (self._public_street(citizen_request.street), citizen_request.city)
        return ", ".join(part for part in parts if part)

    def _public_location(self, citizen_request):
        """Rounded latitude and longitude, or None and None without a place."""
        if not (citizen_request.latitude or citizen_request.longitude):
            return None, None
        return (
            self._public_coordinate(citizen_request.latitude),
            self._public_coordinate(citizen_request.longitude),
        )

    def _request_values(self, citizen_request):
        """Public fields of a request; nothing about the requester."""
        lat, lng = self._public_location(citizen_request)
        return {
            "service_request_id": citizen_request.name,
            "status": citizen_request._get_open311_status(),
            "status_notes": citizen_request._get_public_status(),
            "service_name": citizen_request.category_id.name,
            "service_code": citizen_request.category_id.code,
            "description": citizen_request.public_description or "",
            # the same service as the requester's page, acknowledgement and
            # receipt name
            "agency_responsible": citizen_request._get_service_in_charge_name(),
            "service_notice": self._service_notice(citizen_request),
            "requested_datetime": _format_datetime(citizen_request.date_received),
            "updated_datetime": _format_datetime(
                citizen_request.date_closed or citizen_request.write_date
            ),
            "expected_datetime": _format_datetime(citizen_request.date_deadline),
            "address": self._public_address(citizen_request),
            "address_id": "",
            "zipcode": citizen_request.zip or "",
            "lat": lat,
            "long": lng,
            "media_url": "",
        }

    def _public_requests(self, domain, **kwargs):
        """Search the published requests of the website's company."""
        domain = (
            request.env["citizen.request"]._get_published_domain(self._get_company())
            + domain
        )
        # GET methods are anonymous by specification; they only read requests
        # of the categories that publish them, and _request_values only gives
        # public fields
        return request.env["citizen.request"].sudo().search(domain, **kwargs)

    # ------------------------------------------------------------------
    # Discovery and services
    # ------------------------------------------------------------------

    @http.route(
        "/open311/v2/discovery.<any(json,xml):fmt>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def open311_discovery(self, fmt, **params):
        return self._handle_read(fmt, self._discovery)

    def _discovery(self):
        company = request.env.company
        base_url = request.env["ir.config_parameter"].sudo().get_param("web.base.url")
        data = {
            "changeset": _format_datetime(datetime(2026, 1, 1)),
            "contact": ", ".join(p for p in (company.email, company.phone) if p),
            "key_service": company.email or "",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": f"{base_url}/open311/v2",
                    "changeset": _format_datetime(datetime(2026, 1, 1)),
                    "type": "production",
                    "formats": list(FORMATS.values()),
                }
            ],
        }
        return "discovery", data, 200

    @http.route(
        "/open311/v2/services.<any(json,xml):fmt>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def open311_services(self, fmt, **params):
        return self._handle_read(fmt, self._services, params)

    def _services(self, params):
        self._check_jurisdiction(params)
        data = [self._service_values(category) for category in self._get_services()]
        return "services", data, 200

    @http.route(
        "/open311/v2/services/<string:service_code>.<any(json,xml):fmt>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def open311_service_definition(self, service_code, fmt, **params):
        return self._handle_read(fmt, self._service_definition, service_code, params)

    def _service_definition(self, service_code, params):
        self._check_jurisdiction(params)
        category = self._get_services([service_code])[:1]
        if not category:
            raise Open311Error(404, f"service_code {service_code} not found")
        data = {
            "service_code": category.code,
            "attributes": [
                self._attribute_values(attribute, order)
                for order, attribute in enumerate(category.attribute_ids, start=1)
            ],
        }
        return "service_definition", data, 200

    def _attribute_values(self, attribute, order):
        return {
            "variable": True,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": attribute.datatype_description or "",
            "order": order,
            "description": attribute.description,
            "values": [
                {"key": value.key, "name": value.name} for value in attribute.value_ids
            ],
        }

    def _read_attributes(self, category):
        """Check the answers to the category's questions; return them as text.

        Answers come as ``attribute[code]=value``, or for a multiple choice as
        ``attribute[code][]=v1&attribute[code][]=v2``.
        """
        form = request.httprequest.form
        lines = []
        for attribute in category.attribute_ids:
            name = f"attribute[{attribute.code}]"
            values = [
                clean_text(value)
                for value in form.getlist(name) + form.getlist(f"{name}[]")
                if value and clean_text(value)
            ]
            if not values:
                if attribute.required:
                    raise Open311Error(400, f"{name} is required")
                continue
            if attribute.datatype != "multivaluelist" and len(values) > 1:
                raise Open311Error(400, f"{name} takes a single value")
            lines.append(
                f"{attribute.description}: {self._check_attribute(attribute, values)}"
            )
        return lines

    def _check_attribute(self, attribute, values):
        name = f"attribute[{attribute.code}]"
        if attribute.datatype in ("singlevaluelist", "multivaluelist"):
            choices = {value.key: value.name for value in attribute.value_ids}
            unknown = [value for value in values if value not in choices]
            if unknown:
                raise Open311Error(400, f"{unknown[0]} is not a valid value of {name}")
            return ", ".join(choices[value] for value in values)
        value = values[0][:1000]
        if attribute.datatype == "number":
            try:
                float(value)
            except ValueError as e:
                raise Open311Error(400, f"{name} must be a number") from e
        elif attribute.datatype == "datetime":
            _parse_datetime(value, name)
        return value

    # ------------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------------

    @http.route(
        "/open311/v2/requests.<any(json,xml):fmt>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def open311_requests(self, fmt, **params):
        return self._handle_read(fmt, self._get_requests, params)

    def _get_requests(self, params):
        self._check_jurisdiction(params)
        ids = _split(self._get_param(params, "service_request_id"))
        if ids:
            # a list of ids overrides the other filters, not the bounds: the
            # window of dates and the number of results are those of a search
            if len(ids) > MAX_RESULTS:
                raise Open311Error(
                    400, f"service_request_id must not list more than {MAX_RESULTS} ids"
                )
            domain = [("name", "in", ids)] + self._get_date_window(params)
        else:
            domain = self._get_requests_filters(params)
        requests = self._public_requests(
            domain, limit=MAX_RESULTS, order="date_received desc, id desc"
        )
        return "service_requests", [self._request_values(r) for r in requests], 200

    def _get_requests_filters(self, params):
        domain = []
        codes = _split(self._get_param(params, "service_code"))
        if codes:
            domain.append(("category_id.code", "in", codes))
        domain += self._get_date_window(params)
        statuses = set(_split(self._get_param(params, "status")))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status must be open, closed or both")
        if statuses == {"open"}:
            domain.append(("is_closed", "=", False))
        elif statuses == {"closed"}:
            domain.append(("is_closed", "=", True))
        return domain

    def _get_date_window(self, params, field="date_received"):
        """Domain of start_date and end_date on ``field``: the last 90 days
        by default, never more than 90 days."""
        start = self._get_param(params, "start_date")
        end = self._get_param(params, "end_date")
        end_dt = _parse_datetime(end, "end_date") if end else fields.Datetime.now()
        start_dt = (
            _parse_datetime(start, "start_date")
            if start
            else end_dt - timedelta(days=MAX_DAYS)
        )
        if start_dt > end_dt:
            raise Open311Error(400, "start_date must be before end_date")
        if end_dt - start_dt > timedelta(days=MAX_DAYS):
            raise Open311Error(400, f"The date range must not exceed {MAX_DAYS} days")
        return [(field, ">=", start_dt), (field, "<=", end_dt)]

    @http.route(
        "/open311/v2/requests/<string:service_request_id>.<any(json,xml):fmt>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def open311_request(self, service_request_id, fmt, **params):
        return self._handle_read(fmt, self._get_request, service_request_id, params)

    def _get_request(self, service_request_id, params):
        self._check_jurisdiction(params)
        citizen_request = self._public_requests(
            [("name", "=", service_request_id)], limit=1
        )
        if not citizen_request:
            raise Open311Error(
                404, f"service_request_id {service_request_id} not found"
            )
        return "service_requests", [self._request_values(citizen_request)], 200

    @http.route(
        "/open311/v2/tokens/<string:token>.<any(json,xml):fmt>",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
    )
    def open311_token(self, token, fmt, **params):
        return self._handle_read(fmt, self._get_token, token, params)

    def _get_token(self, token, params):
        self._check_jurisdiction(params)
        # requests are created in real time: the POST answers with their id and
        # no token is ever handed out
        raise Open311Error(404, "token not found")

    # ------------------------------------------------------------------
    # POST Service Request
    # ------------------------------------------------------------------

    @http.route(
        "/open311/v2/requests.<any(json,xml):fmt>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,  # authenticated by the api_key of the client, not a session
        save_session=False,
    )
    def open311_post_request(self, fmt, **params):
        return self._handle(fmt, self._post_request, params)

    def _authenticate_client(self, params, action):
        """The Open311 client whose ``api_key`` is given, within its limit of
        posts; else the spec's error (403, or 400 with code 429)."""
        client = request.env["citizen.api.client"]._authenticate(
            self._get_param(params, "api_key"), "open311"
        )
        if not client:
            raise Open311Error(
                403, f"Invalid api_key received -- can't proceed with {action}."
            )
        if not request.env["citizen.submission.throttle"]._check_and_record(
            {"api": str(client.id)}
        ):
            # the specification wants 400 for any other error; the code in the
            # body tells the client to slow down
            raise Open311Error(
                400, "Too many requests from this client, try again later", code=429
            )
        return client

    def _post_request(self, params):
        client = self._authenticate_client(params, "create_request")
        self._check_jurisdiction(params)
        code = self._get_param(params, "service_code")
        if not code:
            raise Open311Error(400, "service_code was not provided")
        category = self._get_services([code], company=client.company_id)[:1]
        if not category:
            raise Open311Error(404, f"service_code {code} not found")
        # the caller is authenticated by its key, not as a user; the service
        # only takes the whitelisted fields read from the Open311 arguments
        Request = request.env["citizen.request"].sudo().with_company(client.company_id)
        vals = self._prepare_post_values(Request, params, category, client)
        try:
            citizen_request = Request.create(vals)
        except CitizenAddressOutsideTown as error:
            raise Open311Error(400, error.args[0]) from error
        _logger.info(
            "Open311: request %s filed by client %s", citizen_request.name, client.id
        )
        data = [
            {
                "service_request_id": citizen_request.name,
                "service_notice": self._service_notice(citizen_request),
                "account_id": None,
            }
        ]
        return "service_requests", data, 200

    def _read_post_data(self, params, category):
        """The Open311 arguments, under the names of the request's fields."""
        param = self._get_param
        media_url = param(params, "media_url")
        return {
            "category_id": category,
            "latitude": param(params, "lat"),
            "longitude": param(params, "long"),
            "street": param(params, "address_string") or param(params, "address_id"),
            "description": param(params, "description"),
            "details": ["\n".join(self._read_attributes(category)), media_url],
            "source_url": media_url,
            "contact_email": param(params, "email"),
            "contact_name": " ".join(
                part
                for part in (param(params, "first_name"), param(params, "last_name"))
                if part
            ),
            "contact_phone": param(params, "phone"),
        }

    def _prepare_post_values(self, Request, params, category, client):
        """Values of the new request, checked by the intake service."""
        data = self._read_post_data(params, category)
        if not ((data["latitude"] and data["longitude"]) or data["street"]):
            raise Open311Error(
                400,
                "A location is required: lat and long, address_string or address_id",
            )
        try:
            # clients read the documented English reasons
            vals = Request.with_context(lang="en_US")._prepare_public_values(
                data, "api"
            )
        except PublicValuesError as error:
            raise Open311Error(
                400,
                [
                    f"{ARGUMENTS.get(name, name)}: {reason}"
                    for name, reason in error.reasons.items()
                ],
            ) from error
        vals.update(api_client_id=client.id, company_id=client.company_id.id)
        return vals
