import json

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request
from odoo.tools import consteq, email_normalize, plaintext2html

from odoo.addons.citizen_relation.models.citizen_address_service import (
    CitizenAddressOutsideTown,
)
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .photos import post_photos, read_photos
from .text_input import clean_text


class CitizenRequestPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "citizen_request_count" in counters:
            Request = request.env["citizen.request"]
            values["citizen_request_count"] = (
                Request.search_count(self._prepare_citizen_requests_domain())
                if Request.has_access("read")
                else 0
            )
        return values

    def _prepare_citizen_requests_domain(self):
        """Requests of the user and, for an organisation, of its members."""
        partner = request.env.user.partner_id
        return [("partner_id", "child_of", partner.commercial_partner_id.id)]

    def _get_citizen_requests_sortings(self):
        return {
            "date": {
                "label": request.env._("Newest"),
                "order": "date_received desc, id desc",
            },
            "deadline": {
                "label": request.env._("Deadline"),
                "order": "date_deadline asc, id desc",
            },
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "stage": {"label": request.env._("Status"), "order": "stage_id, id desc"},
        }

    def _get_citizen_requests_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("Open"),
                "domain": [("is_closed", "=", False)],
            },
            "closed": {
                "label": request.env._("Closed"),
                "domain": [("is_closed", "=", True)],
            },
        }

    @http.route(
        ["/my/requests", "/my/requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_citizen_requests(
        self, page=1, sortby=None, filterby=None, search=None, **kw
    ):
        Request = request.env["citizen.request"]
        sortings = self._get_citizen_requests_sortings()
        filters = self._get_citizen_requests_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search = clean_text(search or "")[:64]

        domain = self._prepare_citizen_requests_domain() + filters[filterby]["domain"]
        if search:
            domain += ["|", ("name", "ilike", search), ("title", "ilike", search)]
        total = Request.search_count(domain)
        pager = portal_pager(
            url="/my/requests",
            url_args={"sortby": sortby, "filterby": filterby, "search": search},
            total=total,
            page=page,
            step=self._items_per_page,
        )
        requests = Request.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_citizen_requests_history"] = requests.ids[:100]

        values = self._prepare_portal_layout_values()
        values.update(
            {
                "citizen_requests": requests,
                "page_name": "citizen_request",
                "default_url": "/my/requests",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
                "search": search,
                "total": total,
            }
        )
        return request.render("citizen_relation_portal.portal_my_requests", values)

    def _citizen_request_get_page_view_values(self, request_sudo, access_token, **kw):
        values = {
            "page_name": "citizen_request",
            "citizen_request": request_sudo,
            "is_requester": self._is_citizen_requester(request_sudo, access_token),
            "can_rate": False,
        }
        if (
            request_sudo.is_closed
            and not request_sudo.stage_id.is_rejected
            and request_sudo.partner_id
            and values["is_requester"]
            # the rating is the requester's: the request's link alone does
            # not give it (see citizen_request_rate). request_sudo is the
            # superuser's: the visitor is told by their own user.
            and request_sudo.with_user(request.env.user)
            .sudo()
            ._citizen_portal_viewer_is_requester(kw.get("pid"), kw.get("hash"))
        ):
            # the rating itself is prepared when a link is followed
            values["can_rate"] = True
            values["last_rating"] = request_sudo.rating_ids.filtered("consumed")[:1]
        return self._get_page_view_values(
            request_sudo,
            access_token,
            values,
            "my_citizen_requests_history",
            False,
            **kw,
        )

    def _is_citizen_requester(self, request_sudo, access_token):
        """The signed link and the requester's organisation act for the requester."""
        if (
            access_token
            and request_sudo.access_token
            and consteq(request_sudo.access_token, access_token)
        ):
            return True
        user_partner = request.env.user.partner_id
        return bool(
            request_sudo.partner_id
            and not request.env.user._is_public()
            and request_sudo.partner_id.commercial_partner_id
            == user_partner.commercial_partner_id
        )

    @http.route(
        "/my/requests/<int:request_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_citizen_request(self, request_id, access_token=None, **kw):
        try:
            request_sudo = self._document_check_access(
                "citizen.request", request_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._citizen_request_get_page_view_values(
            request_sudo, access_token, **kw
        )
        return request.render("citizen_relation_portal.portal_my_request", values)

    @http.route(
        "/my/requests/<int:request_id>/close",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_close_citizen_request(self, request_id, access_token=None, **kw):
        try:
            request_sudo = self._document_check_access(
                "citizen.request", request_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if self._is_citizen_requester(request_sudo, access_token):
            # access was checked above: the visitor is the requester (or holds
            # the signed link), who may always withdraw a request
            request_sudo._portal_close_by_requester()
        return request.redirect(
            request_sudo.get_portal_url(query_string="&closed=1")
            if access_token
            else f"/my/requests/{request_sudo.id}?closed=1"
        )

    @http.route(
        "/my/requests/<int:request_id>/reply",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_reply_citizen_request(
        self, request_id, access_token=None, message="", **kw
    ):
        """Reply without JavaScript (the chatter needs it), with photos."""
        try:
            request_sudo = self._document_check_access(
                "citizen.request", request_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = (
            request_sudo.get_portal_url(anchor="citizen_request_chat")
            if access_token
            else f"/my/requests/{request_sudo.id}#citizen_request_chat"
        )
        if not self._is_citizen_requester(request_sudo, access_token):
            return request.redirect(url)
        errors = {}
        photos = read_photos("photos", errors)
        message = clean_text(message or "")[:4000]
        if errors or not (message or photos):
            return request.redirect(url)
        user = request.env.user
        # the holder of the signed link writes under the name given with the
        # request, never as the contact it was linked to
        author_values = (
            request_sudo._get_portal_guest_author_values()
            if user._is_public()
            else {"author_id": user.partner_id.id}
        )
        body = plaintext2html(message) if message else ""
        # access was checked above: the requester (or the holder of the
        # signed link) writes on their own request
        post_photos(request_sudo, photos, body, author_values)
        return request.redirect(url)

    @http.route(
        "/my/requests/<int:request_id>/location",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
    )
    def portal_locate_citizen_request(
        self,
        request_id,
        access_token=None,
        street="",
        zip="",  # noqa: A002 - the form's field
        city="",
        ban_id="",
        latitude="",
        longitude="",
        **kw,
    ):
        """The requester gives or corrects the place of their open request
        (when the town asks "where exactly?"), located as on the form."""
        try:
            request_sudo = self._document_check_access(
                "citizen.request", request_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")

        def back(outcome):
            query = f"place={outcome}"
            if access_token:
                return request.redirect(
                    request_sudo.get_portal_url(
                        query_string=f"&{query}", anchor="citizen_request_place"
                    )
                )
            return request.redirect(
                f"/my/requests/{request_sudo.id}?{query}#citizen_request_place"
            )

        if request_sudo.is_closed or not self._is_citizen_requester(
            request_sudo, access_token
        ):
            return back("refused")
        street = clean_text(street or "")[:200]
        if not street:
            return back("missing")
        vals = {
            "street": street,
            "zip": clean_text(zip or "")[:16] or False,
            "city": clean_text(city or "")[:100] or False,
            "ban_id": clean_text(ban_id or "")[:40] or False,
            # the address given now is the place: a former position goes
            "latitude": False,
            "longitude": False,
        }
        try:
            position = (
                request_sudo._parse_public_coordinates(latitude, longitude)
                if latitude and longitude
                else None
            )
        except ValueError:
            # an invalid position is left out: the address is located
            position = None
        if position:
            vals["latitude"], vals["longitude"] = position
        try:
            located = request_sudo._citizen_locate_values(vals, refuse=True)
        except CitizenAddressOutsideTown:
            return back("outside")
        # access was checked above: the requester (or the holder of the
        # signed link) gives the place of their own open request; only the
        # location fields are written
        request_sudo.write(
            {
                name: value
                for name, value in located.items()
                if name in request_sudo._get_portal_location_fields()
            }
        )
        user = request.env.user
        author_values = (
            request_sudo._get_portal_guest_author_values()
            if user._is_public()
            else {"author_id": user.partner_id.id}
        )
        place = " ".join(p for p in (street, vals["zip"], vals["city"]) if p)
        request_sudo.message_post(
            body=plaintext2html(request.env._("The place of the request: %s", place)),
            **author_values,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return back("saved")

    # ------------------------------------------------------------------
    # The account's email address
    # ------------------------------------------------------------------

    def on_account_update(self, values, partner):
        res = super().on_account_update(values, partner)
        email = values.get("email")
        if (
            email
            and email_normalize(email, strict=False) != partner.email_normalized
            and partner._citizen_email_change_needs_confirmation(email)
        ):
            # The account keeps its address until the new one is confirmed by
            # the link sent to it: typing an address proves nothing.
            values["email"] = partner.email
            sent = partner._citizen_request_email_confirmation(email)
            request.session["citizen_email_confirmation"] = (
                "sent" if sent else "limited"
            )
        return res

    @http.route()
    def account(self, redirect=None, **post):
        response = super().account(redirect=redirect, **post)
        status = request.session.pop("citizen_email_confirmation", None)
        if status:
            # back to the account page, which says where the link went
            return request.redirect(f"/my/account?email_confirmation={status}")
        return response

    @http.route(
        "/my/account/confirm-email",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        sitemap=False,
    )
    def portal_confirm_email(self, token=None, **kw):
        """Link of the confirmation email, followed by the account's owner
        logged in: the address it was sent to becomes the account's."""
        confirmed = request.env.user.partner_id._citizen_confirm_email(token)
        status = "confirmed" if confirmed else "invalid"
        return request.redirect(f"/my/account?email_confirmation={status}")

    @http.route(
        "/my/account/confirm-email/send",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def portal_send_email_confirmation(self, **kw):
        """Send a confirmation link to the account's current address, when it
        was never confirmed (an account opened on the website)."""
        partner = request.env.user.partner_id
        if not partner._citizen_email_change_needs_confirmation(partner.email):
            status = "confirmed"
        elif partner._citizen_request_email_confirmation(partner.email):
            status = "sent"
        else:
            status = "limited"
        return request.redirect(f"/my/account?email_confirmation={status}")

    @http.route(
        "/my/requests/personal-data",
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_personal_data(self, **kw):
        """Download, as JSON, everything the town holds on the logged-in
        person (RGPD right of access), without the agents' internal notes."""
        partner = request.env.user.partner_id
        # sudo: the export is built for the person's own contact only, which
        # is all they can ask for here; internal notes are left out.
        content = (
            request.env["citizen.personal.data.export"]
            .sudo()
            ._collect_personal_data(partner, public_only=True)
        )
        request.env["citizen.audit.log"]._log(
            "export",
            partner,
            details=request.env._("Downloaded by the person from the portal."),
        )
        return request.make_response(
            json.dumps(content, ensure_ascii=False, indent=2),
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                (
                    "Content-Disposition",
                    content_disposition(f"personal-data-{partner.id}.json"),
                ),
                ("Cache-Control", "no-store"),
            ],
        )
