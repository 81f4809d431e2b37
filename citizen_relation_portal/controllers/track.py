"""Following a request without an account.

A reference and an email address prove nothing: references follow each other
and Open311 gives them out, and an email address is no secret. So the page
never opens a request. It emails the signed link of the request to the
requester's own address, and answers the same whatever was typed: nobody
learns from it whether a reference exists or who filed it.
"""

from odoo import http
from odoo.http import request
from odoo.tools.mail import email_normalize

from .text_input import clean_text


class CitizenRequestTrack(http.Controller):
    def _get_client_ip(self):
        return request.httprequest.remote_addr or "unknown"

    def _render_track(self, reference="", email="", error=None, sent=False, status=200):
        return request.render(
            "citizen_relation_portal.request_track_page",
            {"reference": reference, "email": email, "error": error, "sent": sent},
            status=status,
        )

    @http.route(
        "/requests/track", type="http", auth="public", website=True, methods=["GET"]
    )
    def citizen_request_track(self, reference="", **kw):
        return self._render_track(reference=clean_text(reference or "")[:32])

    @http.route(
        "/requests/track",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def citizen_request_track_submit(self, reference="", email="", **kw):
        reference = clean_text(reference or "").upper()[:32]
        email = clean_text(email or "")[:200]
        Throttle = request.env["citizen.submission.throttle"]
        if not Throttle._check_and_record({"track": self._get_client_ip()}):
            return self._render_track(
                reference,
                email,
                request.env._(
                    "Too many attempts were made from this connection. Please try"
                    " again later, or contact the town hall by phone or at the"
                    " front desk."
                ),
                status=429,
            )
        if not reference or not email_normalize(email):
            return self._render_track(
                reference,
                email,
                request.env._(
                    "Please give the reference of the request and a valid email"
                    " address, e.g. DEM-2026-00042 and marie.dupont@example.org."
                ),
                status=400,
            )
        citizen_request, address = request.env["citizen.request"]._find_for_tracking(
            reference, email
        )
        # a few links a day per request, whoever asks: the requester's
        # mailbox is not flooded, and the answer stays the same
        if citizen_request and Throttle._check_and_record(
            {"track_request": str(citizen_request.id)}
        ):
            citizen_request._send_tracking_link(address)
        return self._render_track(reference, email, sent=True)
