import logging

from odoo import http
from odoo.http import request
from odoo.tools.mail import email_normalize

from odoo.addons.citizen_relation.models.citizen_address_service import (
    CitizenAddressOutsideTown,
)
from odoo.addons.citizen_relation.models.citizen_request_public import (
    PublicValuesError,
)

from .photos import get_photo_limits, post_photos, read_photos
from .text_input import clean_text

_logger = logging.getLogger(__name__)

# what the form marks as mandatory; the limits and checks are the model's
# (citizen.request._prepare_public_values), the same for every channel
REQUIRED_FIELDS = (
    "title",
    "description",
    "category_id",
    "contact_name",
    "contact_email",
)
# what is typed is shown back with the errors, up to this many characters
ECHO_LIMIT = 8000
# the honeypot: hidden from people, filled in by robots that fill everything
HONEYPOT_FIELD = "homepage"


class CitizenRequestForm(http.Controller):
    # ------------------------------------------------------------------
    # Settings and anti-abuse
    # ------------------------------------------------------------------

    def _get_client_ip(self):
        return request.httprequest.remote_addr or "unknown"

    def _check_submission_limits(self, scope_values):
        """Record the submission; return an error message when over a limit.

        :param dict scope_values: {scope: value} to check, e.g. {"ip": "1.2.3.4"}
        """
        Throttle = request.env["citizen.submission.throttle"]
        if Throttle._check_and_record(scope_values):
            return False
        return request.env._(
            "Too many requests were sent from this connection or with this"
            " email address. Please try again later, or contact the town"
            " hall by phone or at the front desk."
        )

    def _verify_captcha(self, post):
        """Check the reCAPTCHA token when the town set reCAPTCHA keys.

        Only Google reCAPTCHA (``google_recaptcha``, installed with the website)
        is checked: the form has no widget for other providers, which must not
        block it.
        """
        result = request.env["ir.http"]._verify_recaptcha_token(
            self._get_client_ip(),
            post.get("recaptcha_token_response"),
            "citizen_request_form",
        )
        if result in ("is_human", "no_secret"):
            return False
        _logger.info("Public request form: reCAPTCHA verdict %s", result)
        return request.env._("The anti-robot check failed. Please try again.")

    # ------------------------------------------------------------------
    # Public form
    # ------------------------------------------------------------------

    def _get_public_categories(self):
        domain = request.env["citizen.request"]._get_public_category_domain(
            request.website.company_id
        )
        return request.env["citizen.request.category"].search(
            domain, order="complete_name"
        )

    def _get_form_defaults(self):
        user = request.env.user
        if user._is_public():
            return {}
        partner = user.partner_id
        return {
            "contact_name": partner.name or "",
            "contact_email": partner.email or "",
            "contact_phone": partner.phone or partner.mobile or "",
            "street": partner.street or "",
            "zip": partner.zip or "",
            "city": partner.city or "",
        }

    def _render_form(self, form=None, errors=None, general_error=None, status=200):
        max_photo_count, max_photo_size_mb = get_photo_limits()
        consent_label, consent_help = request.env[
            "citizen.request"
        ]._get_web_consent_parts()
        values = {
            "consent_label": consent_label,
            "consent_help": consent_help,
            "categories": self._get_public_categories(),
            "form": form if form is not None else self._get_form_defaults(),
            "errors": errors or {},
            "general_error": general_error,
            "honeypot_field": HONEYPOT_FIELD,
            "max_photo_count": max_photo_count,
            "max_photo_size_mb": max_photo_size_mb,
        }
        return request.render(
            "citizen_relation_portal.request_form_page", values, status=status
        )

    @http.route(
        "/requests/new",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        sitemap=True,
    )
    def citizen_request_form(self, **kw):
        return self._render_form()

    def _read_form(self, post):
        """Keep only the whitelisted fields, as text, trimmed."""
        allowed = request.env["citizen.request"]._get_public_fields("web")
        form = {}
        for name in allowed:
            value = post.get(name)
            if isinstance(value, str):
                form[name] = clean_text(value)[:ECHO_LIMIT]
        form["consent"] = bool(post.get("consent"))
        return form

    def _get_request_model(self):
        # visitors cannot create requests themselves; the values checked and
        # created are those _prepare_public_values accepts: the public
        # whitelist, a category offered to citizens of the website's company
        return (
            request.env["citizen.request"]
            .sudo()
            .with_company(request.website.company_id)
        )

    def _validate_form(self, form):
        """Return ({field: message}, values for create)."""
        errors = {}
        vals = {}
        try:
            vals = self._get_request_model()._prepare_public_values(
                form, "web", required=REQUIRED_FIELDS
            )
        except PublicValuesError as error:
            errors.update(error.reasons)
        if not form.get("consent"):
            errors["consent"] = request.env._(
                "Please accept that the town processes your data to handle your"
                " request."
            )
        else:
            vals.update(request.env["citizen.request"]._get_web_consent_values())
        return errors, vals

    def _create_citizen_request(self, vals, photos):
        user = request.env.user
        vals = dict(vals)
        if not user._is_public():
            vals["partner_id"] = user.partner_id.id
        citizen_request = self._get_request_model().create(vals)
        if photos:
            post_photos(
                citizen_request,
                photos,
                request.env._("Photos sent with the request."),
                # a visitor writes as the details they typed, never as the
                # contact these details designate
                {"author_id": user.partner_id.id}
                if not user._is_public()
                else citizen_request._get_portal_guest_author_values(),
            )
        return citizen_request

    @http.route(
        "/requests/new",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def citizen_request_form_submit(self, **post):
        form = self._read_form(post)
        limits = {"ip": self._get_client_ip()}
        email = email_normalize(form.get("contact_email") or "")
        if email:
            limits["email"] = email
        limit_error = self._check_submission_limits(limits)
        if limit_error:
            return self._render_form(form, general_error=limit_error, status=429)
        if post.get(HONEYPOT_FIELD):
            _logger.info("Public request form: honeypot filled, nothing created")
            return request.render(
                "citizen_relation_portal.request_form_success",
                {"citizen_request": False},
            )
        captcha_error = self._verify_captcha(post)
        if captcha_error:
            return self._render_form(form, general_error=captcha_error, status=400)
        errors, vals = self._validate_form(form)
        photos = read_photos("photos", errors)
        if errors:
            return self._render_form(form, errors=errors, status=400)
        if form.get("ban_id") and vals.get("street"):
            # the suggestion picked: checked against the BAN when created
            vals["ban_id"] = form["ban_id"][:40]
        if post.get("nearby_offered") != "1":
            # the script did not offer the requests reported nearby
            try:
                offer = self._offer_nearby(form, vals, photos)
            except CitizenAddressOutsideTown as error:
                return self._render_form(
                    form, errors={"street": error.args[0]}, status=400
                )
            if offer:
                return offer
        return self._file(form, vals, photos)

    def _file(self, form, vals, photos):
        try:
            citizen_request = self._create_citizen_request(vals, photos)
        except CitizenAddressOutsideTown as error:
            return self._render_form(form, errors={"street": error.args[0]}, status=400)
        return request.render(
            "citizen_relation_portal.request_form_success",
            {"citizen_request": citizen_request},
        )

    # ------------------------------------------------------------------
    # Already reported nearby, without the script
    # ------------------------------------------------------------------

    def _get_pending_model(self):
        # sudo: visitors hold their own form under a random token that only
        # they received; citizen.request.pending.submission is read by token
        return request.env["citizen.request.pending.submission"].sudo()

    def _offer_nearby(self, form, vals, photos):
        """The page offering the open requests of the category reported near
        the position given (or found for the address typed), with the form
        and its photos held on the server; None when there is none."""
        Request = self._get_request_model()
        category = Request.env["citizen.request.category"].browse(
            vals.get("category_id") or []
        )
        if vals.get("latitude") and vals.get("longitude"):
            latitude, longitude = vals["latitude"], vals["longitude"]
        else:
            # cached: filing the request finds the same location again
            located = Request._citizen_locate_values(vals)
            latitude, longitude = located.get("latitude"), located.get("longitude")
        if not (category and latitude and longitude):
            return None
        nearby = Request._get_nearby_public_values(category, latitude, longitude)
        if not nearby:
            return None
        pending = self._get_pending_model()._hold(form, photos)
        return request.render(
            "citizen_relation_portal.request_nearby_page",
            {
                "nearby": nearby,
                "pending_token": pending.token,
                "form": form,
                "photo_count": len(photos),
            },
        )

    @http.route(
        "/requests/new/file",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        sitemap=False,
    )
    def citizen_request_form_file_held(self, pending_token=None, **post):
        """File the form held while the requests nearby were offered. A second
        click shows the request the first one filed."""
        pending = self._get_pending_model()._find(pending_token)
        if not pending:
            return self._render_form(
                general_error=request.env._(
                    "This form is no longer kept (after a day, or once you chose"
                    " to follow a request already reported). Please fill it in"
                    " again."
                ),
                status=404,
            )
        if pending.request_id:
            return request.render(
                "citizen_relation_portal.request_form_success",
                {"citizen_request": pending.request_id},
            )
        form = dict(pending.form_values or {})
        errors, vals = self._validate_form(form)
        if errors:
            return self._render_form(form, errors=errors, status=400)
        if form.get("ban_id") and vals.get("street"):
            vals["ban_id"] = form["ban_id"][:40]
        response = self._file(form, vals, pending._get_photos())
        citizen_request = (response.qcontext or {}).get("citizen_request")
        if citizen_request:
            pending._set_filed(citizen_request)
        return response
