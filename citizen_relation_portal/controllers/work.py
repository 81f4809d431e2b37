"""The page of a work handed to a contractor by signed link.

The contractor holds no account: the token of the forward (not the
request's) is the proof. The page shows what the work needs (category,
description, place, photos), never who filed the request; a wrong, expired
or cancelled link answers 404, as an unknown one.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from .photos import read_photos
from .text_input import clean_text

COMMENT_MAX = 4000


class CitizenRequestWork(http.Controller):
    def _get_client_ip(self):
        return request.httprequest.remote_addr or "unknown"

    def _get_forward(self, forward_id, token, photo=False):
        """The forward of the signed link, or None. Counted like the other
        public reads, so that tokens cannot be guessed in bulk: a refusal is
        answered, not raised, so that the attempt stays counted (raising
        would roll the count back)."""
        Throttle = request.env["citizen.submission.throttle"]
        if not Throttle._check_and_record({"read": self._get_client_ip()}):
            return None
        forward = request.env["citizen.request.forward"]._get_by_token(
            forward_id, token, photo=photo
        )
        return forward or None

    def _not_found(self):
        return request.render("http_routing.404", status=404)

    def _render_work(self, forward, comment="", errors=None, status=200):
        return request.render(
            "citizen_relation_portal.request_work_page",
            {
                "forward": forward,
                "work": forward.request_id,
                "photos": forward._get_public_photos(),
                "token": forward.access_token,
                "comment": comment,
                "errors": errors or {},
            },
            status=status,
        )

    @http.route(
        "/requests/work/<int:forward_id>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def citizen_request_work(self, forward_id, token="", **kw):
        forward = self._get_forward(forward_id, token)
        if not forward:
            return self._not_found()
        return self._render_work(forward)

    @http.route(
        "/requests/work/<int:forward_id>",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def citizen_request_work_done(self, forward_id, token="", comment="", **kw):
        forward = self._get_forward(forward_id, token)
        if not forward:
            return self._not_found()
        comment = clean_text(comment or "")[:COMMENT_MAX]
        if forward.state == "done":
            return self._render_work(forward, status=409)
        errors = {}
        photos = read_photos("photo", errors)
        if not comment:
            errors["comment"] = request.env._(
                "Please describe the work done, e.g. \u201cLamp replaced, "
                "street lit again\u201d."
            )
        if errors:
            return self._render_work(forward, comment, errors, status=400)
        forward._mark_done(comment, photos)
        return self._render_work(forward)

    @http.route(
        "/requests/work/<int:forward_id>/photo/<int:attachment_id>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def citizen_request_work_photo(self, forward_id, attachment_id, token="", **kw):
        forward = self._get_forward(forward_id, token, photo=True)
        photo = forward and forward._get_public_photos().filtered(
            lambda a: a.id == attachment_id
        )
        if not photo:
            return NotFound().get_response()
        return request.env["ir.binary"]._get_stream_from(photo).get_response()
