"""Intake: the values of a new request, whatever its channel, and its
requester (found among the contacts, or created)."""

import uuid

from odoo import api, fields, models, tools


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Creation: every channel goes through here
    # ------------------------------------------------------------------

    @api.model
    def _prepare_request_values(self, vals):
        """Normalise the values of a new request, whatever its channel.

        Extend it to set more defaults from what the channel gave (routing,
        priorities). It receives and returns one dict of values. The values
        computed from the others (deadline, closing date, priority...) are
        the fields' computes, run before the INSERT (``precompute``); the
        closing date is set by :meth:`_set_closing_date`, as on each change
        of stage.
        """
        vals = dict(vals)
        # The link of every email and receipt carries it: given now, it is
        # part of the INSERT instead of an UPDATE at the first email.
        vals.setdefault("access_token", str(uuid.uuid4()))
        self._normalize_contact_values(vals)
        if vals.get("name") in (None, False, "", "/", self.env._("New")):
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            received = vals.get("date_received") or fields.Datetime.now()
            vals["name"] = self.with_company(company)._next_reference(
                fields.Datetime.to_datetime(received)
            ) or self.env._("New")
        self._set_requester_values(vals)
        if vals.get("stage_id"):
            self._set_closing_date(vals)
            if self.env["citizen.request.stage"].browse(vals["stage_id"]).is_closed:
                # Recorded already closed (history imported, a question
                # answered on the spot): the answer was given, no
                # acknowledgement is due, and none is sent.
                vals.setdefault("acknowledgement_method", "none")
        return vals

    @api.model
    def _normalize_contact_values(self, vals):
        """Contact details given with a request, in ``vals``: trimmed, and
        the email normalised (the form in which it is looked up)."""
        for field_name in ("contact_name", "contact_email", "contact_phone"):
            if vals.get(field_name):
                vals[field_name] = vals[field_name].strip()
        if vals.get("contact_email"):
            vals["contact_email"] = (
                tools.email_normalize(vals["contact_email"]) or vals["contact_email"]
            )

    @api.model
    def _set_requester_values(self, vals):
        """The requester of a new request and its contact details, in
        ``vals``: the details of the requester given, else the contact the
        details given designate (created when none does)."""
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

    @api.model
    def _prepare_requests_values(self, vals_list):
        """Values of a batch of new requests: each normalised by
        :meth:`_prepare_request_values`. Extend it for what is decided for
        the batch as a whole (routing spreads a burst among the agents)."""
        return [self._prepare_request_values(vals) for vals in vals_list]

    # ------------------------------------------------------------------
    # Requester
    # ------------------------------------------------------------------

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
            # The address the request came with: the contact made for it is
            # the town's record of whoever uses this address (no account can
            # be reached through it without an invitation sent to the
            # address).
            "citizen_confirmed_email": tools.email_normalize(email, strict=False)
            or False,
        }
        # sudo: the requester is created from the details they gave
        # themselves; counter agents and website visitors may not manage
        # contacts.
        partner = self.env["res.partner"].sudo().create(values)
        # Odoo computes the new contact's stored fields (complete name, share
        # flag, normalised email...) after the INSERT: written now, in one
        # UPDATE, rather than in two (part of them is flushed when the
        # creation message looks for its recipients).
        partner.flush_recordset()
        return partner

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
            if len(partners) < 2:
                # one contact confirmed it, as a rule: no account to prefer
                return partners
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
