from odoo import http
from odoo.http import request
from odoo.tools import consteq

# The scores of Odoo's rating page (/rate/<token>/<score>).
RATING_SCORES = (1, 3, 5)


class CitizenRequestRating(http.Controller):
    @http.route(
        "/my/requests/<int:request_id>/rate/<int:score>",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def citizen_request_rate(
        self, request_id, score, access_token=None, pid=None, **kwargs
    ):
        """Link of the resolution email: the rating is prepared when the
        requester follows it, not for every email sent, then Odoo's rating
        page takes over (the score is only saved by its form).

        The rating is the requester's: it is given by whoever proves being
        them, logged in or through the link signed for them (``pid`` and
        ``hash``) that the email carries. The request's link alone proves
        receiving it, not being its requester (anybody may type an address
        on the form): it leads to the request, not to its rating."""
        # sudo: the request's own link (its access token) opens it.
        citizen_request = request.env["citizen.request"].sudo().browse(request_id)
        if (
            score not in RATING_SCORES
            or not citizen_request.exists()
            or not citizen_request.partner_id
            or not access_token
            or not citizen_request.access_token
            or not consteq(citizen_request.access_token, access_token)
        ):
            raise request.not_found()
        if not citizen_request._citizen_portal_viewer_is_requester(
            pid, kwargs.get("hash")
        ):
            return request.redirect(citizen_request.get_portal_url(), local=True)
        token = citizen_request._rating_get_access_token()
        return request.redirect(f"/rate/{token}/{score}", local=True)
