import logging
import math
import re
import uuid
from datetime import datetime, time, timedelta

from werkzeug.urls import url_encode

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools.mail import email_split_tuples

from odoo.addons.base.models.ir_sequence import _select_nextval
from odoo.addons.portal.utils import validate_thread_with_hash_pid

from .citizen_request_category import PRIORITIES

_logger = logging.getLogger(__name__)

# Requests acknowledged by one run of the acknowledgement job before it
# commits and reports its progress.
ACKNOWLEDGEMENT_BATCH_SIZE = 100

CHANNELS = [
    ("web", "Website"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("counter", "Counter"),
    ("social", "Social Network"),
    ("api", "API"),
]

# Words too common in French or English requests to tell two reports apart.
STOP_WORDS = {
    "avec",
    "dans",
    "des",
    "depuis",
    "est",
    "les",
    "pour",
    "rue",
    "sur",
    "une",
    "the",
    "and",
    "with",
    "from",
    "there",
    "this",
    "that",
    "bonjour",
    "merci",
}


def _significant_words(text):
    """Lower-cased words of four letters or more, without stop words."""
    words = re.findall(r"\w{4,}", (text or "").lower())
    return {word for word in words if word not in STOP_WORDS}


def _normalize_street(street):
    return re.sub(r"[\W_\d]+", " ", (street or "").lower()).strip()


def _distance_meters(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine) in meters."""
    radius = 6371000.0
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2 - lat1)
    dlambda = math.radians(lon2 - lon1)
    a = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    )
    return 2 * radius * math.asin(math.sqrt(a))


class CitizenRequest(models.Model):
    _name = "citizen.request"
    _description = "Citizen Request"
    _inherit = [
        "mail.thread.cc",
        "mail.activity.mixin",
        "portal.mixin",
        "rating.mixin",
    ]
    _order = "priority desc, date_received desc, id desc"
    _rec_names_search = ["name", "title", "contact_name"]
    _primary_email = "contact_email"
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    title = fields.Char(required=True, tracking=True, index="trigram")
    description = fields.Html(sanitize=True)
    channel = fields.Selection(
        CHANNELS, required=True, default="web", tracking=True, index=True
    )
    source_ref = fields.Char(
        string="Source Reference",
        copy=False,
        index="btree_not_null",
        help="Message-Id of the email, URL of the post or identifier in the "
        "sending software.",
    )
    category_id = fields.Many2one(
        "citizen.request.category",
        tracking=True,
        index=True,
        check_company=True,
    )
    stage_id = fields.Many2one(
        "citizen.request.stage",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        default=lambda self: self._default_stage_id(),
        group_expand="_read_group_stage_ids",
    )
    # Stored fields computed from the values of a new request are computed
    # before it is inserted (precompute): no UPDATE follows the INSERT for them.
    is_closed = fields.Boolean(
        related="stage_id.is_closed", store=True, index=True, precompute=True
    )
    priority = fields.Selection(
        PRIORITIES,
        compute="_compute_priority",
        store=True,
        precompute=True,
        readonly=False,
        tracking=True,
    )
    color = fields.Integer()
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    # Requester
    partner_id = fields.Many2one(
        "res.partner", string="Requester", tracking=True, index=True
    )
    requester_kind = fields.Selection(
        [("citizen", "Citizen"), ("organisation", "Organisation")],
        compute="_compute_requester_kind",
        store=True,
        precompute=True,
        index=True,
    )
    contact_name = fields.Char(string="Name Given", index="trigram")
    contact_email = fields.Char(string="Email Given")
    contact_phone = fields.Char(string="Phone Given")
    # Location
    street = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    district = fields.Char(help="District (quartier) of the town.")
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    # Handling
    user_id = fields.Many2one(
        "res.users",
        string="Assigned Agent",
        tracking=True,
        index=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    date_received = fields.Datetime(
        required=True, default=fields.Datetime.now, copy=False, tracking=True
    )
    date_acknowledged = fields.Datetime(copy=False, readonly=True)
    acknowledgement_method = fields.Selection(
        [
            ("email", "Email"),
            ("callback", "Call back or letter"),
            ("receipt", "Printed receipt"),
            ("none", "Not needed: recorded closed"),
        ],
        copy=False,
        readonly=True,
        help="How the requester was (or is to be) told that the request was "
        "received. Empty while no acknowledgement was made.",
    )
    date_deadline = fields.Date(
        string="Deadline",
        compute="_compute_date_deadline",
        store=True,
        readonly=False,
        tracking=True,
        copy=False,
        help="Computed once at intake from the category delay, in working days "
        "of the company calendar; later changes of category keep it.",
    )
    date_closed = fields.Datetime(copy=False, readonly=True)
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    # Duplicates
    duplicate_of_id = fields.Many2one(
        "citizen.request",
        string="Duplicate of",
        tracking=True,
        index="btree_not_null",
        copy=False,
        check_company=True,
        domain="[('id', '!=', id), ('duplicate_of_id', '=', False)]",
    )
    duplicate_ids = fields.One2many(
        "citizen.request", "duplicate_of_id", string="Duplicates"
    )
    duplicate_count = fields.Integer(
        compute="_compute_duplicate_count", store=True, precompute=True
    )
    # A new request has no rating: known without looking ratings up.
    rating_last_value = fields.Float(
        compute="_compute_rating_last_value", store=True, precompute=True
    )
    duplicate_candidate_ids = fields.Many2many(
        "citizen.request",
        string="Possible Duplicates",
        compute="_compute_duplicate_candidate_ids",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "The request reference must be unique per company.",
        ),
    ]

    def init(self):
        res = super().init()
        # The same email (Message-Id) delivered twice at the same moment, from
        # two mailboxes, must not open two requests.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS citizen_request_email_source_ref_uniq
                ON citizen_request (company_id, source_ref)
             WHERE channel = 'email' AND source_ref IS NOT NULL
            """
        )
        # Message-Ids of the emails being turned into requests, so that two
        # deliveries of one email at the same moment conflict (see
        # mail.thread._citizen_drop_concurrent_duplicates); kept a day.
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS citizen_request_email_delivery (
                message_id VARCHAR PRIMARY KEY,
                create_date TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
            )
            """
        )
        # Kanban, list and portal pages read the first requests in the model's
        # order; without this index a large town sorts its whole history.
        tools.create_index(
            self.env.cr,
            "citizen_request_default_order_index",
            self._table,
            ["priority DESC", "date_received DESC", "id DESC"],
        )
        # The acknowledgement job looks for the few requests not acknowledged
        # yet among all of them.
        tools.create_index(
            self.env.cr,
            "citizen_request_acknowledgement_pending_index",
            self._table,
            ["date_received", "id"],
            where="acknowledgement_method IS NULL",
        )
        return res

    @api.autovacuum
    def _gc_email_deliveries(self):
        """Forget the Message-Ids of the emails delivered more than a day ago:
        they only guard against deliveries at the same moment."""
        self.env.cr.execute(
            "DELETE FROM citizen_request_email_delivery "
            "WHERE create_date < (now() AT TIME ZONE 'UTC') - interval '1 day'"
        )

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------

    def _default_stage_id(self):
        return self.env["citizen.request.stage"]._get_first_stage()

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([("active", "=", True)], order=stages._order)

    @api.depends("category_id")
    def _compute_priority(self):
        for request in self:
            if request.category_id and request.priority in (False, "0"):
                request.priority = request.category_id.default_priority
            elif not request.priority:
                request.priority = "0"

    @api.depends("partner_id.is_company", "partner_id.commercial_partner_id")
    def _compute_requester_kind(self):
        for request in self:
            # anonymised, the request has no requester left: the statistics
            # keep the kind it had
            if request.is_anonymized and request.requester_kind:
                continue
            is_organisation = request.partner_id.commercial_partner_id.is_company
            request.requester_kind = "organisation" if is_organisation else "citizen"

    @api.depends("category_id", "date_received", "company_id")
    def _compute_date_deadline(self):
        for request in self:
            # Frozen at intake: a saved request keeps its announced deadline.
            if request._origin.id and request.date_deadline:
                continue
            request.date_deadline = request._get_deadline_from_category()

    def _get_deadline_from_category(self):
        """Deadline announced for this request: the category delay in working
        days of the company calendar, counted from the day after receipt (the
        day of receipt never counts, whatever the hour or the channel)."""
        self.ensure_one()
        delay = self.category_id.delay_days
        if not self.category_id or delay <= 0:
            return False
        received = self.date_received or fields.Datetime.now()
        deadline = self._add_working_days(
            received, delay, self.company_id.resource_calendar_id
        )
        return deadline.date() if deadline else False

    @api.model
    def _add_working_days(self, received, days, calendar):
        """End of the ``days``-th working day of ``calendar`` (its leaves and
        public holidays left out) after the day of ``received``: that day
        never counts, whatever the hour. Calendar days without calendar."""
        if not calendar:
            return received + timedelta(days=days)
        return self._get_working_days_end(calendar.id, received.date(), days)

    @api.model
    @tools.ormcache("calendar_id", "day", "days")
    def _get_working_days_end(self, calendar_id, day, days):
        """End of the ``days``-th working day of the calendar after ``day``.

        Kept per worker: the requests of a day share their deadlines, which
        would otherwise cost four queries each; changing a calendar, its
        working hours or its public holidays clears it (see
        ``resource_calendar.py``).
        """
        # sudo: the same public holidays for whoever files the request.
        calendar = self.env["resource.calendar"].sudo().browse(calendar_id)
        next_day = datetime.combine(day + timedelta(days=1), time.min)
        return calendar.plan_days(days, next_day, compute_leaves=True)

    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.is_late = bool(
                not request.is_closed
                and request.date_deadline
                and request.date_deadline < today
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the late flag."))
        today = fields.Date.context_today(self)
        domain = [
            ("is_closed", "=", False),
            ("date_deadline", "!=", False),
            ("date_deadline", "<", today),
        ]
        if (operator == "=") != value:
            return ["!", *expression.normalize_domain(domain)]
        return domain

    @api.depends("duplicate_ids")
    def _compute_duplicate_count(self):
        for request in self:
            request.duplicate_count = len(request.duplicate_ids)

    @api.depends(
        "category_id", "street", "latitude", "longitude", "title", "description"
    )
    def _compute_duplicate_candidate_ids(self):
        for request in self:
            request.duplicate_candidate_ids = request._find_duplicate_candidates()

    def _compute_access_url(self):
        for request in self:
            request.access_url = f"/my/requests/{request.id}"

    # ------------------------------------------------------------------
    # Creation: every channel goes through here
    # ------------------------------------------------------------------

    @api.model
    def _prepare_request_values(self, vals):
        """Normalise the values of a new request, whatever its channel.

        Extend it to set more defaults from what the channel gave (routing,
        priorities). It receives and returns one dict of values.
        """
        vals = dict(vals)
        # The link of every email and receipt carries it: given now, it is
        # part of the INSERT instead of an UPDATE at the first email.
        vals.setdefault("access_token", str(uuid.uuid4()))
        for field_name in ("contact_name", "contact_email", "contact_phone"):
            if vals.get(field_name):
                vals[field_name] = vals[field_name].strip()
        if vals.get("contact_email"):
            vals["contact_email"] = (
                tools.email_normalize(vals["contact_email"]) or vals["contact_email"]
            )
        company = self.env["res.company"].browse(
            vals.get("company_id") or self.env.company.id
        )
        if vals.get("name") in (None, False, "", "/", self.env._("New")):
            received = vals.get("date_received") or fields.Datetime.now()
            vals["name"] = self.with_company(company)._next_reference(
                fields.Datetime.to_datetime(received)
            ) or self.env._("New")
        if vals.get("partner_id") and not (
            vals.get("contact_email") or vals.get("contact_phone")
        ):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals.setdefault("contact_name", partner.name)
            vals.setdefault("contact_email", partner.email or False)
            vals.setdefault("contact_phone", partner.phone or partner.mobile or False)
        if not vals.get("partner_id"):
            partner = self._get_requester_from_contact(
                vals.get("contact_name"),
                vals.get("contact_email"),
                vals.get("contact_phone"),
            )
            vals["partner_id"] = partner.id
        if vals.get("category_id") and "date_deadline" not in vals:
            # Announced at intake, in the values: a change made later in the
            # same transaction (a category corrected) does not move it.
            vals["date_deadline"] = self.new(
                {
                    "category_id": vals["category_id"],
                    "company_id": company.id,
                    "date_received": vals.get("date_received") or fields.Datetime.now(),
                }
            )._get_deadline_from_category()
        elif "date_deadline" not in vals and not self.env.context.get(
            "default_category_id"
        ):
            # no category, no deadline: said now rather than computed after
            vals["date_deadline"] = False
        if vals.get("stage_id"):
            stage = self.env["citizen.request.stage"].browse(vals["stage_id"])
            if stage.is_closed:
                if not vals.get("date_closed"):
                    vals["date_closed"] = fields.Datetime.now()
                # Recorded already closed (history imported, a question
                # answered on the spot): the answer was given, no
                # acknowledgement is due, and none is sent.
                vals.setdefault("acknowledgement_method", "none")
        return vals

    @api.model
    @tools.ormcache("company_id", "day")
    def _get_reference_numbering(self, company_id, day):
        """How the company numbers its requests on ``day``, as plain values:
        ``sequence_id``, ``use_date_range``, ``date_range_id`` (False when
        the period does not exist yet), ``date_from`` of the period, and the
        ``implementation``, ``prefix``, ``suffix`` and ``padding`` of the
        numbering (empty dict without numbering).

        Kept per worker: every request would otherwise read the numbering
        and its period again; changing them clears it (see
        ``ir_sequence.py``).
        """
        # sudo: the numbering is read to draw a reference, not shown.
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "citizen.request"),
                    ("company_id", "in", [company_id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if not sequence:
            return {}
        numbering = {
            "sequence_id": sequence.id,
            "use_date_range": sequence.use_date_range,
            "date_range_id": False,
            "date_from": False,
            "implementation": sequence.implementation,
            "prefix": sequence.prefix,
            "suffix": sequence.suffix,
            "padding": sequence.padding,
        }
        if sequence.use_date_range:
            date_range = (
                self.env["ir.sequence.date_range"]
                .sudo()
                .search(
                    [
                        ("sequence_id", "=", sequence.id),
                        ("date_from", "<=", day),
                        ("date_to", ">=", day),
                    ],
                    limit=1,
                )
            )
            numbering["date_range_id"] = date_range.id
            numbering["date_from"] = date_range.date_from
        return numbering

    @api.model
    def _next_reference(self, received):
        """Next reference of the current company for a request received at
        ``received`` (DEM-<year>-<number> with the shipped numbering)."""
        numbering = self._get_reference_numbering(self.env.company.id, received.date())
        if not numbering:
            return False
        use_date_range = numbering["use_date_range"]
        if numbering["implementation"] == "standard" and (
            numbering["date_range_id"] or not use_date_range
        ):
            # What ir.sequence does, from the values kept above: one query
            # (the PostgreSQL sequence) instead of three.
            pg_sequence = f"ir_sequence_{numbering['sequence_id']:03d}"
            if use_date_range:
                pg_sequence += f"_{numbering['date_range_id']:03d}"
            number = _select_nextval(self.env.cr, pg_sequence)
            numbering_format = self.env["ir.sequence"].new(
                {
                    "prefix": numbering["prefix"],
                    "suffix": numbering["suffix"],
                    "padding": numbering["padding"],
                }
            )
            if use_date_range:
                numbering_format = numbering_format.with_context(
                    ir_sequence_date_range=numbering["date_from"]
                )
            return numbering_format.get_next_char(number)
        if use_date_range and not numbering["date_range_id"]:
            # First request of a new period: the period is created, which
            # forgets the values kept above.
            self._ensure_reference_date_range(received)
            self.env.registry.clear_cache()
        # Numbering without gaps (ir.sequence locks its counter), or a new
        # period. sudo: as above; the reference is drawn for every channel.
        sequence = self.env["ir.sequence"].sudo().browse(numbering["sequence_id"])
        return sequence._next(sequence_date=received)

    @api.model
    def _ensure_reference_date_range(self, received):
        """Make the first two requests of a year received at the same moment
        conflict, instead of each creating the year's numbering and both
        getting the same reference: the later transaction fails with a
        serialization error, which the server retries."""
        numbering = self._get_reference_numbering(
            self.env.company.id, fields.Datetime.to_datetime(received).date()
        )
        if numbering.get("use_date_range") and not numbering["date_range_id"]:
            self.env.cr.execute(
                "UPDATE ir_sequence SET write_date = write_date WHERE id = %s",
                [numbering["sequence_id"]],
            )

    @api.model
    def _prepare_requests_values(self, vals_list):
        """Values of a batch of new requests: each normalised by
        :meth:`_prepare_request_values`. Extend it for what is decided for
        the batch as a whole (routing spreads a burst among the agents)."""
        return [self._prepare_request_values(vals) for vals in vals_list]

    @api.model_create_multi
    def create(self, vals_list):
        # Everything is decided on the values (reference, requester,
        # deadline, team): the request is inserted complete. The
        # acknowledgement job, run every minute, acknowledges it.
        requests = super().create(self._prepare_requests_values(vals_list))
        requests._subscribe_new_requester()
        requests.filtered("duplicate_of_id")._follow_original()
        return requests

    def write(self, vals):
        if "stage_id" in vals:
            stage = self.env["citizen.request.stage"].browse(vals["stage_id"])
            if stage.is_closed:
                vals.setdefault("date_closed", fields.Datetime.now())
            else:
                vals["date_closed"] = False
        res = super().write(vals)
        if vals.get("partner_id"):
            self._subscribe_requester()
        if "duplicate_of_id" in vals:
            self._follow_original()
        if (
            "stage_id" in vals
            and self.env["citizen.request.stage"].browse(vals["stage_id"]).is_closed
        ):
            self._close_duplicates()
        return res

    @api.model
    def _get_requester_from_contact(self, name, email, phone):
        """Partner matching the contact details given, created when none
        matches and a name or an email was given."""
        partner = self._match_partner(email, phone)
        if partner or not (email or name):
            return partner
        return self._create_requester(name, email, phone)

    @api.model
    def _create_requester(self, name, email, phone):
        """New partner for a requester unknown so far."""
        name = name or email or phone
        values = {
            "name": name,
            "email": email or False,
            "phone": phone or False,
            # What res.partner computes for a person without company or
            # account, given with the rest: inserted at once rather than
            # written after the INSERT (recomputed all the same).
            "complete_name": name,
            "commercial_company_name": False,
            "partner_share": True,
            "email_normalized": tools.email_normalize(email, strict=False) or False,
        }
        # The address the request came with: the contact made for it is the
        # town's record of whoever uses this address (no account can be
        # reached through it without an invitation sent to the address).
        values["citizen_confirmed_email"] = values["email_normalized"]
        if not phone:
            values["phone_sanitized"] = False
        # sudo: the requester is created from the details they gave
        # themselves; counter agents and website visitors may not manage
        # contacts.
        return self.env["res.partner"].sudo().create(values)

    @api.model
    def _match_partner(self, email, phone):
        """Existing contact that the details given with a request designate,
        or an empty recordset (a contact is then created for the request).

        Details typed by a requester (or in their name) prove no identity:

        - an email designates the contact that confirmed it
          (``citizen_confirmed_email``), never one whose owner typed it
          alone, and preferably a portal account;
        - a phone is used only when no email was given, written in full
          (never a part of a number), and designates only a contact that
          has no user account: a number proves nobody's access to one;
        - neither ever designates a member of the staff.
        """
        # sudo: only used to link a request to an existing partner.
        Partner = self.env["res.partner"].sudo().with_context(active_test=True)
        not_staff = [("user_ids", "not any", [("share", "=", False)])]
        email = tools.email_normalize(email) if email else False
        if email:
            partners = Partner.search(
                [("citizen_confirmed_email", "=", email), *not_staff],
                order="id",
                limit=10,
            )
            return partners.filtered("user_ids")[:1] or partners[:1]
        # the whole number, stored and indexed on the partner
        phone_domain = Partner._get_citizen_phone_domain(phone)
        if phone_domain:
            return Partner.search(
                [*phone_domain, ("user_ids", "=", False)], order="id", limit=1
            )
        return Partner

    def _subscribe_requester(self):
        # one subscription per requester, not per request (imports)
        for partner, requests in (
            self.filtered("partner_id").grouped("partner_id").items()
        ):
            requests.message_subscribe(partner_ids=partner.ids)

    def _subscribe_new_requester(self):
        """Subscribe their requester to requests just created.

        As mail.thread does for the creator: the subscription is inserted
        without looking for an existing one, which a new request only has
        for its creator (subscribed by mail.thread) and its assignee.
        """
        user = self.env.user
        context = self.env.context
        creator = (
            user.partner_id
            if user.active
            and not context.get("mail_create_nosubscribe")
            and not context.get("tracking_disable")
            else None
        )
        for partner, requests in (
            self.filtered("partner_id").grouped("partner_id").items()
        ):
            if partner == creator or not partner.active:
                continue
            if partner in requests.user_id.partner_id:
                requests.message_subscribe(partner_ids=partner.ids)
                continue
            self.env["mail.followers"]._insert_followers(
                self._name,
                requests.ids,
                partner.ids,
                subtypes=None,
                customer_ids=partner.filtered("partner_share").ids,
                check_existing=False,
            )

    # ------------------------------------------------------------------
    # Identity: whose request it is, and what its signed link shows
    # ------------------------------------------------------------------
    # The access token of a request (in the link of its emails, of the page
    # shown after the web form, of a connector's answer) proves that its
    # holder received the link, not who they are: the form's visitor may have
    # typed anybody's address. Its holder reads and answers the request, but
    # is never shown the contact the request was linked to (name, picture,
    # account), and writes under the name and address given with the
    # request, never as that contact nor as a member of the staff. The
    # requester proves who they are by logging in, or through the link
    # signed for them (``pid`` and ``hash``) that Odoo's notification emails
    # carry.

    @api.model
    def _get_requests_of_account(self, partner):
        """Requests the person of ``partner`` may take as theirs: their own and
        their organisation's, and those given with the address they confirmed
        (never with an address they only typed on their account)."""
        domain = [("partner_id", "child_of", partner.commercial_partner_id.id)]
        if partner.citizen_confirmed_email:
            domain = expression.OR(
                [
                    domain,
                    [("contact_email_search", "=", partner.citizen_confirmed_email)],
                ]
            )
        # sudo: the callers checked who ``partner`` is (their own account).
        return self.sudo().search(domain, order="date_received, id")

    def _citizen_portal_viewer_is_requester(self, pid=None, _hash=None):
        """Whether the current visitor of the request's portal page proved
        being its requester: logged in as the requester (or as a member of
        their organisation), or following the link signed for them."""
        self.ensure_one()
        requester = self.partner_id.commercial_partner_id
        if not requester:
            return False
        user = self.env.user
        if not user._is_public():
            return user.partner_id.commercial_partner_id == requester
        try:
            signed = validate_thread_with_hash_pid(self.sudo(), _hash, pid)
        except (TypeError, ValueError):
            signed = False
        return bool(
            signed
            and self.env["res.partner"].sudo().browse(int(pid)).commercial_partner_id
            == requester
        )

    def _citizen_portal_hides_partner(self, partner, pid=None, _hash=None):
        """Whether ``partner`` must not be shown to the current visitor of the
        request's portal page: the requester (or their organisation) is
        hidden from anyone outside the staff who did not prove being them."""
        self.ensure_one()
        return bool(
            partner
            and self.partner_id
            and partner.commercial_partner_id == self.partner_id.commercial_partner_id
            and not self.env.user._is_internal()
            and not self._citizen_portal_viewer_is_requester(pid, _hash)
        )

    def _get_portal_requester_label(self):
        """Name under which the holder of the signed link sees the requester's
        messages, and writes: the name given with the request."""
        self.ensure_one()
        return self.contact_name or self.env._("Requester")

    def _get_portal_guest_author_values(self):
        """Author of a message written through the signed link by a visitor
        who did not prove being the requester: the name and address given
        with the request, linked to no contact."""
        self.ensure_one()
        name = self._get_portal_requester_label()
        email = self.contact_email or self.company_id.email
        return {
            "author_id": False,
            "email_from": tools.formataddr((name, email)) if email else name,
        }

    # ------------------------------------------------------------------
    # Acknowledgement
    # ------------------------------------------------------------------

    @api.model
    def _ref(self, xmlid, raise_if_not_found=False):
        """The record of ``xmlid`` (None when there is none), as ``env.ref``
        but without its query checking that the record exists, for the paths
        every request takes: an xmlid goes with its record when the record is
        deleted, and the ids of xmlids are kept per worker."""
        model, res_id = self.env["ir.model.data"]._xmlid_to_res_model_res_id(
            xmlid, raise_if_not_found=raise_if_not_found
        )
        return self.env[model].browse(res_id) if model else None

    def _get_acknowledgement_template(self):
        """Mail template of the acknowledgement of receipt (editable data)."""
        return self._ref("citizen_relation.mail_template_request_acknowledgement")

    def _get_requester_email(self):
        self.ensure_one()
        return self.partner_id.email or self.contact_email or False

    @api.model
    def _cron_send_acknowledgements(self, batch_size=ACKNOWLEDGEMENT_BATCH_SIZE):
        """Acknowledge the requests received and not acknowledged yet, oldest
        first, a batch at a time.

        The acknowledgement is written and queued by this job, run every
        minute, not inside the transaction that creates the request: a
        citizen's form, email or API call is answered without waiting for an
        email to be rendered, a template that cannot be rendered never
        refuses a request, and creating a request costs nothing more for it.
        Looking for pending requests costs one query on a partial index.

        Run by the scheduled action, it acknowledges one batch and reports
        its progress: the scheduler commits and calls it again while requests
        remain. Called directly, it goes through every pending request in the
        current transaction. A request whose email cannot be prepared gets a
        call-back activity instead, so that nobody is left unacknowledged.
        """
        # sudo: the job acknowledges the requests of every company. The
        # emails wait in the mail queue, sent once the batch is committed.
        Request = self.sudo().with_context(mail_notify_force_send=False)
        return self._process_in_batches(
            Request,
            [("acknowledgement_method", "=", False)],
            "date_received, id",
            batch_size,
            Request._acknowledge_batch,
        )

    def _acknowledge_batch(self, batch):
        for request in batch:
            request.with_company(request.company_id)._send_acknowledgement_safely()
        if "email" in batch.mapped("acknowledgement_method"):
            # the emails leave as soon as the batch is committed, not at the
            # mail queue's next round
            mail_queue = self._ref("mail.ir_cron_mail_scheduler_action")
            if mail_queue:
                mail_queue._trigger()

    @api.model
    def _process_in_batches(self, records, domain, order, batch_size, process):
        """Call ``process(batch)`` on the records of ``records``' model that
        match ``domain``, ``batch_size`` at a time in ``order``; return how
        many were processed. ``process`` must take them out of ``domain``.

        In a scheduled action, one batch, then its progress is reported: the
        scheduler commits and calls again while records remain. Called
        directly, every batch in the current transaction, the cache emptied
        between batches (memory stays bounded).
        """
        in_cron = bool(self.env.context.get("ir_cron_progress_id"))
        done = 0
        previous_ids = None
        while True:
            batch = records.search(domain, order=order, limit=batch_size)
            if not batch or batch.ids == previous_ids:
                # the second test guards against looping on records that an
                # extension would leave in the domain
                break
            previous_ids = batch.ids
            process(batch)
            done += len(batch)
            self.env.flush_all()
            self.env.invalidate_all()
            if in_cron:
                remaining = records.search_count(domain)
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
                break
        return done

    def _send_acknowledgement_safely(self):
        """Acknowledge one request; when its email fails to be prepared, fall
        back on a call-back activity for an agent."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._send_acknowledgement()
        except Exception:
            _logger.exception(
                "Acknowledgement email of %s could not be prepared", self.name
            )
            self.with_context(
                citizen_acknowledge_by_callback=True
            )._send_acknowledgement()

    def _send_acknowledgement(self):
        """Acknowledge the requests not acknowledged yet: an email when an
        address is known, else an activity for the agent to call back or
        write. Calling it again does nothing: each request is acknowledged
        once."""
        template = self._get_acknowledgement_template()
        for request in self.filtered(lambda r: not r.acknowledgement_method):
            if (
                request._get_requester_email()
                and template
                and not self.env.context.get("citizen_acknowledge_by_callback")
            ):
                # The town writes the acknowledgement, never the requester;
                # Odoo emails nobody what the current user posts, and the
                # requester is the current user on the portal or when their
                # email is routed to their account: they are told anyway.
                is_requester = self.env.user.partner_id == request.partner_id
                request.with_context(
                    mail_notify_author=is_requester
                ).message_post_with_source(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    email_layout_xmlid="mail.mail_notification_light",
                    **request._get_acknowledgement_author(),
                )
                request.write(
                    {
                        "acknowledgement_method": "email",
                        "date_acknowledged": fields.Datetime.now(),
                    }
                )
            else:
                user = request._get_callback_user()
                request_lang = request.with_context(lang=request._get_user_lang(user))
                request_lang.activity_schedule(
                    "citizen_relation.mail_activity_type_acknowledge",
                    date_deadline=fields.Date.context_today(request),
                    user_id=user.id,
                    note=request_lang._get_callback_note(),
                )
                request.acknowledgement_method = "callback"
        return True

    def _get_acknowledgement_author(self):
        """Author and sender of the acknowledgement: the company's contact."""
        self.ensure_one()
        company = self.company_id or self.env.company
        values = {"author_id": company.partner_id.id}
        email = company.partner_id.email or company.default_from_email
        if email:
            values["email_from"] = tools.formataddr((company.name or "", email))
        return values

    def _get_company_lang(self):
        """Language of the texts the town writes by itself (scheduled
        actions): that of the company's contact."""
        company = self[:1].company_id or self.env.company
        return company.partner_id.lang or self.env.lang

    def _get_user_lang(self, user):
        """Language of the texts written for an agent: theirs, else the
        company's."""
        return user.lang or self._get_company_lang()

    def _get_callback_user(self):
        """Agent who calls back: the assignee, else the agent who recorded
        the request; requests from the website or robots fall to the
        administrator until they are assigned."""
        self.ensure_one()
        for user in (self.user_id, self.create_uid, self.env.user):
            if user and user.active and not user.share:
                return user
        return (
            self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user
        )

    def _get_callback_note(self):
        self.ensure_one()
        return self.env._(
            "No email address is known for this requester: call them back or "
            "write to them with the reference %(reference)s and the announced "
            "deadline %(deadline)s.",
            reference=self.name,
            deadline=self.date_deadline or "-",
        )

    def _get_service_in_charge(self):
        """Service in charge of the request and how to reach it, as told to
        the requester in the acknowledgement (CRPA R.112-11-1)."""
        self.ensure_one()
        company = self.company_id
        address = ", ".join(
            part
            for part in (company.street, company.street2, company.zip, company.city)
            if part
        )
        return {
            "name": self.category_id.name or company.name,
            "organisation": company.name,
            "email": company.email or "",
            "phone": company.phone or "",
            "address": address,
        }

    def _get_tracking_url(self):
        self.ensure_one()
        return self.get_base_url() + self.get_portal_url()

    def _get_rating_url(self, score):
        """Link of the resolution email giving ``score`` (1, 3 or 5): the
        rating itself is prepared when the requester follows it. Signed for
        the requester (``pid`` and ``hash``, as Odoo's notification links):
        the request's link alone does not rate as its requester."""
        self.ensure_one()
        self._portal_ensure_token()
        params = {"access_token": self.access_token}
        if self.partner_id:
            params.update(
                pid=self.partner_id.id, hash=self._sign_token(self.partner_id.id)
            )
        return (
            f"{self.get_base_url()}/my/requests/{self.id}/rate/{score}"
            f"?{url_encode(params)}"
        )

    def action_print_receipt(self):
        """Print the receipt (récépissé); it acknowledges a request that had
        no acknowledgement yet."""
        activity_type = self._ref("citizen_relation.mail_activity_type_acknowledge")
        for request in self.filtered(lambda r: not r.date_acknowledged):
            request.write(
                {
                    "acknowledgement_method": "receipt",
                    "date_acknowledged": fields.Datetime.now(),
                }
            )
            # The receipt handed over or posted replaces the call back.
            request.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ).action_feedback(feedback=self.env._("Receipt printed."))
        report = self.env.ref("citizen_relation.action_report_request_receipt")
        return report.report_action(self)

    # ------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------

    def _get_stage(self, xmlid, domain=None):
        """The shipped stage ``xmlid`` while active, else the first stage of
        ``domain`` (none without a domain)."""
        stage = self._ref(f"citizen_relation.{xmlid}")
        if stage and stage.active:
            return stage
        if domain is None:
            return self.env["citizen.request.stage"]
        return self.env["citizen.request.stage"].search(domain, limit=1)

    def _get_new_stage(self):
        return self._get_stage("stage_new", [("is_closed", "=", False)])

    def _get_taken_stage(self):
        return self._get_stage("stage_taken", [("is_closed", "=", False)])

    def _get_waiting_stage(self):
        # no other stage stands in for it: a request is only waiting for its
        # requester in the stage made for that
        return self._get_stage("stage_waiting")

    def _get_in_progress_stage(self):
        return self._get_stage("stage_in_progress", [("is_closed", "=", False)])

    def _get_resolved_stage(self):
        return self._get_stage(
            "stage_resolved", [("is_closed", "=", True), ("is_rejected", "=", False)]
        )

    def _get_closed_stage(self):
        return self._get_stage(
            "stage_closed", [("is_closed", "=", True), ("is_rejected", "=", False)]
        )

    def _get_rejected_stage(self):
        return self._get_stage("stage_rejected", [("is_rejected", "=", True)])

    def action_resolve(self):
        self.write({"stage_id": self._get_resolved_stage().id})
        return True

    def action_close(self):
        self.write({"stage_id": self._get_closed_stage().id})
        return True

    def action_reject(self):
        self.write({"stage_id": self._get_rejected_stage().id})
        return True

    def action_reopen(self):
        self.write({"stage_id": self._get_in_progress_stage().id})
        return True

    def action_assign_to_me(self):
        self.write({"user_id": self.env.uid})
        return True

    # ------------------------------------------------------------------
    # Duplicates
    # ------------------------------------------------------------------

    def _get_duplicate_settings(self):
        get_param = self.env["ir.config_parameter"].sudo().get_param
        try:
            days = int(get_param("citizen_relation.duplicate_days", 30))
            distance = float(get_param("citizen_relation.duplicate_distance", 100))
        except ValueError:
            days, distance = 30, 100.0
        return days, distance

    def _find_duplicate_candidates(self, limit=10):
        """Open, recent requests of the same category that look like this one:
        same street, close by, or sharing words in their title and text."""
        self.ensure_one()
        if not self.category_id:
            return self.browse()
        days, max_distance = self._get_duplicate_settings()
        received = self.date_received or fields.Datetime.now()
        domain = [
            ("category_id", "=", self.category_id.id),
            ("is_closed", "=", False),
            ("duplicate_of_id", "=", False),
            ("company_id", "=", self.company_id.id or self.env.company.id),
            ("date_received", ">=", received - timedelta(days=days)),
            ("date_received", "<=", received + timedelta(days=days)),
        ]
        if self._origin.id:
            domain.append(("id", "!=", self._origin.id))
        street = _normalize_street(self.street)
        words = _significant_words(
            f"{self.title} {tools.html2plaintext(self.description or '')}"
        )
        scored = []
        for other in self.search(domain, limit=200):
            score = 0
            if street and street == _normalize_street(other.street):
                score += 2
            if (
                self.latitude
                and self.longitude
                and other.latitude
                and other.longitude
                and _distance_meters(
                    self.latitude, self.longitude, other.latitude, other.longitude
                )
                <= max_distance
            ):
                score += 2
            other_words = _significant_words(
                f"{other.title} {tools.html2plaintext(other.description or '')}"
            )
            if words and other_words:
                similarity = len(words & other_words) / len(words | other_words)
                if similarity >= 0.2:
                    score += 1 + similarity
            if score:
                scored.append((score, other))
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        return self.browse([other.id for _score, other in scored[:limit]])

    def action_mark_as_original(self):
        """Button on a candidate: the request in context is its duplicate."""
        self.ensure_one()
        duplicate = self.browse(self.env.context.get("duplicate_request_id"))
        if not duplicate or duplicate == self:
            raise UserError(self.env._("No request to mark as duplicate."))
        duplicate.duplicate_of_id = self
        return True

    def _follow_original(self):
        """Reporters of a duplicate follow the original request."""
        for request in self.filtered("duplicate_of_id"):
            original = request.duplicate_of_id
            if request.partner_id:
                original.message_subscribe(partner_ids=request.partner_id.ids)
            original.message_post(
                body=self.env._(
                    "%(reference)s was reported again as %(duplicate)s.",
                    reference=original.name,
                    duplicate=request.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _close_duplicates(self):
        """When an original request is finished, its open duplicates follow it
        into the same stage, so each reporter gets the stage email."""
        for request in self.filtered(lambda r: r.is_closed and r.duplicate_count):
            duplicates = request.duplicate_ids.filtered(lambda r: not r.is_closed)
            if duplicates:
                duplicates.write({"stage_id": request.stage_id.id})

    def action_view_duplicates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("duplicate_of_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------------
    # Mail
    # ------------------------------------------------------------------

    def _track_template(self, changes):
        res = super()._track_template(changes)
        request = self[0]
        if "stage_id" in changes and request.stage_id.mail_template_id:
            # An email to the requester alone, as the town (not the agent who
            # moved the request, whose followers are told by the tracking):
            # kept on the request and shown on the citizen's page; it waits in
            # the mail queue, so it leaves once the change is committed, never
            # for a change rolled back.
            res["stage_id"] = (
                request.stage_id.mail_template_id,
                {
                    "composition_mode": "mass_mail",
                    "auto_delete_keep_log": True,
                    "force_send": False,
                    "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id(
                        "mail.mt_comment"
                    ),
                    "email_layout_xmlid": "mail.mail_notification_light",
                    **request._get_acknowledgement_author(),
                },
            )
        return res

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self._ref("citizen_relation.mt_request_stage", True)
        return super()._track_subtype(init_values)

    def _creation_subtype(self):
        return self._ref("citizen_relation.mt_request_new", True)

    def _rating_get_parent_field_name(self):
        return False

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new email to the alias creates a request on the email channel."""
        values = dict(custom_values or {})
        email_from = msg_dict.get("email_from") or ""
        names = email_split_tuples(email_from)
        name, email = names[0] if names else ("", email_from)
        values.setdefault(
            "title", msg_dict.get("subject") or self.env._("(no subject)")
        )
        # Without a name, mail.thread would use the subject as reference.
        values.setdefault("name", "/")
        values.setdefault("channel", "email")
        values.setdefault("source_ref", msg_dict.get("message_id"))
        values.setdefault("description", msg_dict.get("body"))
        values.setdefault("contact_email", email)
        values.setdefault("contact_name", name or email)
        if "partner_id" not in values and (normalized := tools.email_normalize(email)):
            # The sender is found as on every channel (the contact that
            # confirmed the address), not as the gateway finds authors (any
            # account holding the address, confirmed or not).
            requester = self._match_partner(
                normalized, False
            ) or self._create_requester(
                (name or "").strip() or normalized, normalized, False
            )
            values["partner_id"] = requester.id
            # the email opening the request is posted as its requester
            msg_dict["author_id"] = requester.id
        if msg_dict.get("date"):
            values.setdefault("date_received", msg_dict["date"])
        values["date_received"] = min(
            fields.Datetime.to_datetime(values.get("date_received"))
            or fields.Datetime.now(),
            fields.Datetime.now(),
        )
        return super().message_new(msg_dict, custom_values=values)

    def message_post(self, **kwargs):
        if self.env.context.get("from_alias"):
            # The author of an incoming email is not subscribed: anybody can
            # claim to answer a request; its requester is subscribed when it
            # is created.
            thread = self.with_context(mail_create_nosubscribe=True)
            if self.env.context.get("citizen_auto_submitted"):
                # An automatic answer (out of office...) is kept as a note
                # that notifies nobody.
                kwargs.pop("subtype_xmlid", None)
                kwargs["subtype_id"] = self.env["ir.model.data"]._xmlid_to_res_id(
                    "mail.mt_note"
                )
                kwargs["partner_ids"] = []
            return super(CitizenRequest, thread).message_post(**kwargs)
        return super().message_post(**kwargs)

    def _message_receive_bounce(self, email, partner):
        """An email sent about the request bounced: tell the agents on the
        request and ask them to reach the requester another way, once."""
        res = super()._message_receive_bounce(email, partner)
        activity_type = self._ref("citizen_relation.mail_activity_type_acknowledge")
        for request in self:
            user = request._get_callback_user()
            request_lang = request.with_context(lang=request._get_user_lang(user))
            note = request_lang.env._(
                "The email to %(email)s could not be delivered: call the "
                "requester back or write to them.",
                email=email or "-",
            )
            request.message_post(
                body=note,
                subtype_xmlid="mail.mt_note",
                message_type="notification",
            )
            if activity_type and request.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ):
                continue
            request_lang.activity_schedule(
                "citizen_relation.mail_activity_type_acknowledge",
                date_deadline=fields.Date.context_today(request),
                user_id=user.id,
                note=note,
            )
        return res

    def message_update(self, msg_dict, update_vals=None):
        """A reply lands on its request. Mail content never changes the request
        itself; only a genuine message of the requester reopens a resolved
        request. Its copies (Cc) join the request's only when the requester or
        a follower sent it (see :meth:`_citizen_may_add_cc`)."""
        if msg_dict.get("cc") and not self._citizen_may_add_cc(msg_dict):
            _logger.info(
                "Copies of email %s from %s not added to %s: the sender is "
                "neither the requester nor a follower",
                msg_dict.get("message_id"),
                msg_dict.get("email_from"),
                ", ".join(self.mapped("name")),
            )
            msg_dict = dict(msg_dict, cc=False)
        res = super().message_update(msg_dict, update_vals=None)
        if not self.env.context.get("citizen_auto_submitted"):
            author = msg_dict.get("author_id")
            to_reopen = self.filtered(
                lambda r: r.is_closed
                and not r.stage_id.is_rejected
                and r.stage_id == r._get_resolved_stage()
                and author
                and r.partner_id.id == author
            )
            if to_reopen:
                to_reopen.action_reopen()
        return res

    def _citizen_may_add_cc(self, msg_dict):
        """Whether the copies (Cc) of a reply may join the requests' copies,
        which agents are then offered to write to.

        Anybody who knows a Message-Id of the thread can reply to it: only
        the requester and the followers (the agents, the people the town
        added) choose who else hears about a request; a robot (out of office)
        chooses nobody. The sender is the contact found for the From address,
        which is only as trustworthy as the checks of the mail server
        (SPF, DKIM, DMARC).
        """
        if self.env.context.get("citizen_auto_submitted"):
            return False
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not author:
            return False
        return all(
            author == request.partner_id or author in request.message_partner_ids
            for request in self
        )

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        for request in self:
            if request.partner_id:
                request._message_add_suggested_recipient(
                    recipients,
                    partner=request.partner_id,
                    reason=self.env._("Requester"),
                )
            elif request.contact_email:
                request._message_add_suggested_recipient(
                    recipients,
                    email=request.contact_email,
                    reason=self.env._("Requester Email"),
                )
        return recipients

    # ------------------------------------------------------------------
    # Reminders
    # ------------------------------------------------------------------

    @api.model
    def _cron_remind_deadline(self):
        """Remind the assigned agents of open requests due tomorrow or late."""
        tomorrow = fields.Date.context_today(self) + timedelta(days=1)
        requests = self.search(
            [
                ("is_closed", "=", False),
                ("user_id", "!=", False),
                ("date_deadline", "<=", tomorrow),
            ]
        )
        activity_type = self._ref("citizen_relation.mail_activity_type_deadline")
        for request in requests:
            if activity_type and request.activity_ids.filtered(
                lambda a, t=activity_type: a.activity_type_id == t
            ):
                continue
            request.with_context(
                lang=request._get_user_lang(request.user_id)
            ).activity_schedule(
                "citizen_relation.mail_activity_type_deadline",
                date_deadline=request.date_deadline,
                user_id=request.user_id.id,
            )
        return True
