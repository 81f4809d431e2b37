"""What a public channel may file: one set of rules for every way in.

The web form, the connectors' JSON intake and Open311 each read their own
format, then hand the values to :meth:`CitizenRequest._prepare_public_values`,
which applies the same whitelist, limits and checks to all of them and
answers with the values to create, or with one error listing a reason per
field. Each channel turns those reasons into its own format.
"""

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import plaintext2html
from odoo.tools.mail import email_normalize

# Channels whose client is authenticated software: they also give the
# identifier and the address of the message in their own system.
SOFTWARE_CHANNELS = ("api", "social")
# A title made from the first line of the description keeps this many
# characters.
DERIVED_TITLE_SIZE = 80
# Over the limit, what the requester wrote about the request (title,
# description), an email address, an identifier or a link is refused: cut, it
# would lose or change what was said. A name, a phone number or an address is
# shortened, as every channel did before they shared these rules.
REFUSE = "refuse"
SHORTEN = "shorten"


class PublicValuesError(ValidationError):
    """Values refused on a public channel; ``reasons`` maps each field
    refused to the reason, in words the sender can act on."""

    def __init__(self, reasons):
        self.reasons = dict(reasons)
        super().__init__("\n".join(self.reasons.values()))


# One concern per file: what a public channel may file lives here, beside the
# fields (citizen_request.py) and the personal data (citizen_request_privacy.py).
class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # The rules: what a public channel may set, and within which limits
    # ------------------------------------------------------------------

    @api.model
    def _get_public_form_fields(self):
        """Fields a visitor may fill on the public form and the open APIs.

        Everything else posted (stage, assignee, requester, company...) is
        ignored. Integrators adding a field to the form extend this list.
        """
        return [
            "title",
            "description",
            "category_id",
            "street",
            "zip",
            "city",
            "district",
            "latitude",
            "longitude",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]

    @api.model
    def _get_public_fields(self, channel):
        """The whitelist of ``channel``: the form's fields, and for software
        the identifier of the message in its own system."""
        fields = list(self._get_public_form_fields())
        if channel in SOFTWARE_CHANNELS:
            fields.append("source_ref")
        return fields

    @api.model
    def _get_public_field_limits(self):
        """{field: (most characters, REFUSE or SHORTEN over it)}, the one
        table of limits of every public channel (docs/*/administration.md)."""
        return {
            "title": (200, REFUSE),
            "description": (4000, REFUSE),
            "contact_email": (200, REFUSE),
            "source_ref": (255, REFUSE),
            "contact_name": (200, SHORTEN),
            "contact_phone": (40, SHORTEN),
            "street": (200, SHORTEN),
            "zip": (16, SHORTEN),
            "city": (100, SHORTEN),
            "district": (100, SHORTEN),
            "latitude": (32, REFUSE),
            "longitude": (32, REFUSE),
        }

    @api.model
    def _get_public_url_fields(self):
        """Fields holding a link: only http and https are accepted."""
        return []

    @api.model
    def _get_public_category_domain(self, company=None):
        """Categories a public channel may file in: those offered to citizens,
        of ``company`` (by default the current one) or shared."""
        company = company or self.env.company
        return [
            ("is_public", "=", True),
            ("company_id", "in", [False, company.id]),
        ]

    def _get_public_missing_reason(self, name):
        messages = {
            "title": self.env._("Please give your request a short title."),
            "description": self.env._("Please describe your request."),
            "category_id": self.env._("Please choose what your request is about."),
            "contact_email": self.env._(
                "Please give an email address so that we can answer you."
            ),
            "contact_name": self.env._("Please give your name."),
        }
        return messages.get(name) or self.env._("This value is required.")

    # ------------------------------------------------------------------
    # The service
    # ------------------------------------------------------------------

    @api.model
    def _prepare_public_values(self, data, channel, required=()):
        """Values of a request sent on a public channel, checked.

        :param dict data: {field: value} as the channel read it: text or
            numbers; ``category_id`` may be an id, or the category record the
            channel already found; ``category_code`` a category's code;
            ``details``, lines the channel adds under the description (answers
            to a category's questions, a link), already checked by it. Keys
            outside the channel's whitelist are ignored.
        :param str channel: the request's channel (``web``, ``api``...)
        :param required: fields the channel's format makes mandatory
        :return: the values to create the request with
        :raise PublicValuesError: with a reason per field refused; then
            nothing is to be created
        """
        reasons = {}
        texts = self._read_public_texts(data, channel, reasons)
        self._check_public_required(texts, data, required, reasons)
        vals = {
            "channel": channel,
            **{
                name: value
                for name, value in texts.items()
                if name not in ("description", "latitude", "longitude")
            },
        }
        self._check_public_email(vals, reasons)
        self._check_public_urls(vals, reasons)
        self._check_public_coordinates(texts, vals, reasons)
        category = self._check_public_category(data, vals, reasons)
        self._set_public_title_and_description(
            texts, data.get("details"), category, vals
        )
        if not vals.get("title") and not reasons:
            reasons["title"] = self._get_public_missing_reason("title")
        if reasons:
            raise PublicValuesError(reasons)
        return vals

    def _read_public_texts(self, data, channel, reasons):
        """The whitelisted values given, as trimmed text within their limits."""
        limits = self._get_public_field_limits()
        texts = {}
        for name in self._get_public_fields(channel):
            value = data.get(name)
            if name == "category_id" or value is None or value is False:
                continue
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                reasons[name] = self.env._("This value must be text or a number.")
                continue
            # PostgreSQL cannot store NUL characters
            text = str(value).replace("\x00", "").strip()
            size, over = limits.get(name, (4000, SHORTEN))
            if len(text) > size and over == REFUSE:
                reasons[name] = self.env._(
                    "This text must not exceed %s characters.", size
                )
                continue
            if text:
                texts[name] = text[:size]
        return texts

    def _check_public_required(self, texts, data, required, reasons):
        for name in required:
            if not texts.get(name) and not data.get(name) and name not in reasons:
                reasons[name] = self._get_public_missing_reason(name)

    def _check_public_email(self, vals, reasons):
        if not vals.get("contact_email"):
            return
        email = email_normalize(vals["contact_email"])
        if email:
            vals["contact_email"] = email
            return
        del vals["contact_email"]
        reasons["contact_email"] = self.env._(
            "This email address is not valid. Example: marie.dupont@example.org"
        )

    def _check_public_urls(self, vals, reasons):
        for name in self._get_public_url_fields():
            if vals.get(name) and not vals[name].lower().startswith(
                ("http://", "https://")
            ):
                del vals[name]
                reasons[name] = self.env._(
                    "This link must start with http:// or https://."
                )

    def _check_public_coordinates(self, texts, vals, reasons):
        """Both numbers, a place on Earth; a decimal comma is accepted."""
        lat, lng = texts.get("latitude"), texts.get("longitude")
        if not lat and not lng or "latitude" in reasons or "longitude" in reasons:
            return
        try:
            lat_f, lng_f = self._parse_public_coordinates(lat, lng)
        except ValueError as error:
            reasons["latitude"] = str(error)
            return
        vals.update(latitude=lat_f, longitude=lng_f)

    def _check_public_category(self, data, vals, reasons):
        category = self._find_public_category(data)
        if category:
            vals["category_id"] = category.id
            return category
        if data.get("category_code"):
            reasons["category_id"] = self.env._(
                "Unknown category %s: give the code of a category offered to"
                " citizens, or none.",
                data["category_code"],
            )
        elif data.get("category_id"):
            reasons["category_id"] = self._get_public_missing_reason("category_id")
        return category

    def _find_public_category(self, data):
        """The category ``data`` designates, when it is offered to citizens."""
        Category = self.env["citizen.request.category"]
        value, code = data.get("category_id"), data.get("category_code")
        domain = self._get_public_category_domain()
        if isinstance(value, models.BaseModel):
            return value.filtered_domain(domain)[:1]
        if isinstance(value, int) or str(value or "").isdigit():
            return Category.search([("id", "=", int(value))] + domain, limit=1)
        if isinstance(code, str) and code.strip():
            return Category.search([("code", "=", code.strip())] + domain, limit=1)
        return Category

    def _set_public_title_and_description(self, texts, details, category, vals):
        """Without a title, the first line of the description, or the name of
        the category, stands for it."""
        description = texts.get("description") or ""
        if not vals.get("title"):
            first_line = description.splitlines()[0] if description else ""
            vals["title"] = first_line[:DERIVED_TITLE_SIZE] or category.name
        text = "\n\n".join(part for part in [description, *(details or [])] if part)
        if text:
            vals["description"] = plaintext2html(text)

    # ------------------------------------------------------------------
    # Coordinates, whatever the channel
    # ------------------------------------------------------------------

    @api.model
    def _parse_public_coordinates(self, latitude, longitude):
        """The latitude and longitude given as text (a decimal comma is
        accepted), as numbers of a place on Earth.

        :raise ValueError: with the reason, when either is not a number or
            they are outside -90..90 and -180..180
        """
        try:
            lat, lng = (
                float(str(value or "").replace(",", "."))
                for value in (latitude, longitude)
            )
        except ValueError:
            raise ValueError(
                self.env._(
                    "Latitude and longitude must both be numbers,"
                    " e.g. 48.8566 and 2.3522."
                )
            ) from None
        if not self._coordinates_on_earth(lat, lng):
            raise ValueError(self._get_coordinates_range_reason())
        return lat, lng

    @api.model
    def _coordinates_on_earth(self, latitude, longitude):
        # comparisons with NaN are false: NaN is refused too
        return -90 <= latitude <= 90 and -180 <= longitude <= 180

    def _get_coordinates_range_reason(self):
        return self.env._(
            "These coordinates are outside the map. Latitude goes from -90 to"
            " 90, longitude from -180 to 180."
        )

    @api.constrains("latitude", "longitude")
    def _check_coordinates(self):
        for request in self:
            if not self._coordinates_on_earth(request.latitude, request.longitude):
                raise ValidationError(self._get_coordinates_range_reason())
