import logging

from odoo import http
from odoo.http import request
from odoo.tools import plaintext2html
from odoo.tools.mail import email_normalize

from odoo.addons.citizen_relation.models.citizen_address_service import (
    CitizenAddressOutsideTown,
)

from .photos import get_photo_limits, post_photos, read_photos
from .text_input import CoordinatesOutOfRange, clean_text, parse_coordinates

_logger = logging.getLogger(__name__)

TEXT_LIMITS = {
    "title": 200,
    "description": 4000,
    "street": 200,
    "zip": 16,
    "city": 100,
    "district": 100,
    "contact_name": 200,
    "contact_email": 200,
    "contact_phone": 40,
}
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
        return request.env["citizen.request.category"].search(
            [("is_public", "=", True)], order="complete_name"
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
        """Keep only the whitelisted fields, as text, trimmed and bounded."""
        allowed = request.env["citizen.request"]._get_public_form_fields()
        form = {}
        for name in allowed:
            value = post.get(name)
            if isinstance(value, str):
                form[name] = clean_text(value)[: TEXT_LIMITS.get(name, 4000)]
        form["consent"] = bool(post.get("consent"))
        return form

    def _validate_form(self, form):
        """Return ({field: message}, values for create)."""
        errors = {}
        vals = {}
        if not form.get("title"):
            errors["title"] = request.env._("Please give your request a short title.")
        else:
            vals["title"] = form["title"]
        if not form.get("description"):
            errors["description"] = request.env._("Please describe your request.")
        else:
            vals["description"] = plaintext2html(form["description"])
        category = False
        if (form.get("category_id") or "").isdigit():
            category = self._get_public_categories().filtered(
                lambda c: c.id == int(form["category_id"])
            )
        if not category:
            errors["category_id"] = request.env._(
                "Please choose what your request is about."
            )
        else:
            vals["category_id"] = category.id
        email = email_normalize(form.get("contact_email") or "")
        if not form.get("contact_email"):
            errors["contact_email"] = request.env._(
                "Please give an email address so that we can answer you."
            )
        elif not email:
            errors["contact_email"] = request.env._(
                "This email address is not valid. Example: marie.dupont@example.org"
            )
        else:
            vals["contact_email"] = email
        if not form.get("contact_name"):
            errors["contact_name"] = request.env._("Please give your name.")
        for name in ("contact_name", "contact_phone", "street", "zip", "city"):
            if form.get(name):
                vals[name] = form[name]
        if form.get("district"):
            vals["district"] = form["district"]
        self._validate_coordinates(form, vals, errors)
        if not form.get("consent"):
            errors["consent"] = request.env._(
                "Please accept that the town processes your data to handle your"
                " request."
            )
        else:
            vals.update(request.env["citizen.request"]._get_web_consent_values())
        return errors, vals

    def _validate_coordinates(self, form, vals, errors):
        lat, lng = form.get("latitude"), form.get("longitude")
        if not lat and not lng:
            return
        try:
            lat_f, lng_f = parse_coordinates(lat, lng, decimal_comma=True)
        except CoordinatesOutOfRange:
            errors["latitude"] = request.env._(
                "These coordinates are outside the map. Latitude goes from -90 to"
                " 90, longitude from -180 to 180."
            )
            return
        except ValueError:
            errors["latitude"] = request.env._(
                "Latitude and longitude must both be numbers, e.g. 48.8566 and 2.3522."
            )
            return
        vals.update(latitude=lat_f, longitude=lng_f)

    def _create_citizen_request(self, vals, photos):
        user = request.env.user
        vals = dict(vals, channel="web")
        if not user._is_public():
            vals["partner_id"] = user.partner_id.id
        # visitors cannot create requests themselves; vals only holds the
        # whitelisted, validated fields read above
        Request = (
            request.env["citizen.request"]
            .sudo()
            .with_company(request.website.company_id)
        )
        citizen_request = Request.create(vals)
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
        try:
            citizen_request = self._create_citizen_request(vals, photos)
        except CitizenAddressOutsideTown as error:
            return self._render_form(form, errors={"street": error.args[0]}, status=400)
        return request.render(
            "citizen_relation_portal.request_form_success",
            {"citizen_request": citizen_request},
        )
