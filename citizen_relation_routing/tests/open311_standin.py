"""A contractor's Open311 (GeoReport v2) server on the loopback, for tests.

It speaks the documented protocol: ``POST requests.json`` (form fields,
``api_key``), ``GET requests.json`` (list), ``GET
servicerequestupdates.json?start_date=`` (mySociety's extension) and answers
GeoReport errors as ``[{"code": ..., "description": ...}]``. Its mode says how
it behaves: ``accept``, ``refuse`` (400), ``down`` (503) or ``slow`` (records
the request, then answers after ``delay`` seconds: the client has given up).
"""

import json
import threading
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from odoo.addons.citizen_relation.tests.standin import LoopbackStandin

API_KEY = "contractor-secret-key"


class Open311StandIn(LoopbackStandin):
    def __init__(self):
        super().__init__()
        self.mode = "accept"
        self.delay = 0
        self.lock = threading.Lock()
        self.requests = []  # what they recorded: dicts of the POSTed fields
        self.posts = []  # every POST received, accepted or not
        self.gets = []  # (path, query) of every GET
        self.updates = []
        # the contractor's endpoint, as the handler is set with it
        self.url = f"{self.base_url}/open311/v2/"

    # -- what the contractor does on their side --------------------------

    def add_update(self, service_request_id, status, description, **values):
        with self.lock:
            update = {
                "update_id": f"UPD-{len(self.updates) + 1}",
                "service_request_id": service_request_id,
                "status": status,
                "updated_datetime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "description": description,
                "media_url": "",
                "external_status_code": "",
            }
            update.update(values)
            self.updates.append(update)
            return update

    # -- WSGI -----------------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        method = environ["REQUEST_METHOD"]
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if method == "POST" and path.endswith("/requests.json"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
            form = {k: v[-1] for k, v in parse_qs(body).items()}
            return self._post_request(form, start_response)
        if method == "GET":
            self.gets.append((urlsplit(path).path, query))
            if self.mode == "down":
                return _answer(
                    start_response, 503, [{"code": 503, "description": "Down"}]
                )
            if path.endswith("/servicerequestupdates.json"):
                start = query.get("start_date", "")
                updates = [u for u in self.updates if u["updated_datetime"] >= start]
                return _answer(
                    start_response, 200, {"service_request_updates": updates}
                )
            if path.endswith("/requests.json"):
                return _answer(start_response, 200, self._list(query))
        return _answer(start_response, 404, [{"code": 404, "description": "Not found"}])

    def _post_request(self, form, start_response):
        self.posts.append(form)
        if self.mode == "down":
            return _answer(start_response, 503, [{"code": 503, "description": "Down"}])
        if form.get("api_key") != API_KEY:
            return _answer(
                start_response, 403, [{"code": 403, "description": "Invalid api_key"}]
            )
        if self.mode == "refuse":
            return _answer(
                start_response,
                400,
                [{"code": 400, "description": "service_code LIGHT-X not found"}],
            )
        with self.lock:
            record = dict(form, service_request_id=f"CTR-{len(self.requests) + 1}")
            record["requested_datetime"] = datetime.now(UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            )
            self.requests.append(record)
        if self.mode == "slow":
            time.sleep(self.delay)
        return _answer(
            start_response, 201, [{"service_request_id": record["service_request_id"]}]
        )

    def _list(self, query):
        return [
            {
                "service_request_id": r["service_request_id"],
                "status": "open",
                "service_code": r.get("service_code"),
                "description": r.get("description"),
                "requested_datetime": r["requested_datetime"],
            }
            for r in self.requests
            if r["requested_datetime"] >= query.get("start_date", "")
            and (
                not query.get("service_code")
                or r.get("service_code") == query["service_code"]
            )
        ]


def _answer(start_response, status, payload):
    reasons = {
        200: "OK",
        201: "Created",
        400: "Bad Request",
        403: "Forbidden",
        404: "Not Found",
        503: "Service Unavailable",
    }
    body = json.dumps(payload).encode()
    start_response(
        f"{status} {reasons[status]}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
