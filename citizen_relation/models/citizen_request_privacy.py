import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import process_in_batches

_logger = logging.getLogger(__name__)

# Requests anonymised per transaction by the scheduled action.
ANONYMISATION_BATCH_SIZE = 500
# Coordinates are kept to two decimals (about one kilometre): the area stays
# on the map, the house does not.
COORDINATE_DIGITS = 2


class CitizenRequest(models.Model):
    _inherit = "citizen.request"

    # Stored normalised at creation (_prepare_request_values): an address is
    # looked up on this index with "=", whatever the size of the town.
    contact_email = fields.Char(index=True)
    contact_email_search = fields.Char(
        string="Search by Email Given",
        compute="_compute_contact_email_search",
        search="_search_contact_email_search",
    )
    consent_text = fields.Text(
        readonly=True,
        copy=False,
        help="Text of the consent the requester accepted on the web form.",
    )
    consent_date = fields.Datetime(readonly=True, copy=False)
    is_anonymized = fields.Boolean(
        string="Anonymised", readonly=True, copy=False, index=True
    )
    anonymized_date = fields.Datetime(string="Anonymised on", readonly=True, copy=False)
    date_retention_end = fields.Date(
        string="Kept Until",
        compute="_compute_date_retention_end",
        help="Date after which the closed request is anonymised, from the "
        "retention period of its category. Empty: kept.",
    )

    @api.depends("date_closed", "category_id.retention_months", "is_closed")
    def _compute_date_retention_end(self):
        for request in self:
            months = request.category_id.retention_months
            if request.is_closed and request.date_closed and months > 0:
                request.date_retention_end = (
                    request.date_closed + relativedelta(months=months)
                ).date()
            else:
                request.date_retention_end = False

    # ------------------------------------------------------------------
    # The requests of an email address
    # ------------------------------------------------------------------

    def _compute_contact_email_search(self):
        for request in self:
            request.contact_email_search = request.contact_email

    def _search_contact_email_search(self, operator, value):
        """An address is searched as a whole, on the index: as the citizen
        wrote it or normalised (lowercase, without name). Anything else (part
        of an address) is searched as typed, without index."""
        positive = operator in ("=", "ilike", "=ilike", "like", "=like")
        normalized = (
            tools.email_normalize(value)
            if positive and isinstance(value, str) and "@" in value
            else False
        )
        if not normalized:
            return [("contact_email", operator, value)]
        addresses = list(dict.fromkeys((normalized, value.strip())))
        return [("contact_email", "in", addresses)]

    # ------------------------------------------------------------------
    # Consent
    # ------------------------------------------------------------------

    @api.model
    def _get_web_consent_parts(self):
        """The consent the web form asks for: what the visitor agrees to, then
        what is done with their data. The form shows these very words, and
        they are stored with each web request as given."""
        return (
            self.env._(
                "I agree that the town hall processes the data of this form to "
                "handle my request."
            ),
            self.env._(
                "Your data is used only to handle your request and to answer "
                "you. It is kept for the period set for this kind of request, "
                "then anonymised. You may access, correct or delete it by "
                "writing to the town hall."
            ),
        )

    @api.model
    def _get_web_consent_text(self):
        """Consent the web form asks for, as stored with each web request."""
        return " ".join(self._get_web_consent_parts())

    @api.model
    def _get_web_consent_values(self):
        """Values recording that the requester accepted the consent now."""
        return {
            "consent_text": self._get_web_consent_text(),
            "consent_date": fields.Datetime.now(),
        }

    # ------------------------------------------------------------------
    # Anonymisation
    # ------------------------------------------------------------------

    @api.model
    def _get_expired_domain(self):
        """Closed requests whose category retention period is over."""
        now = fields.Datetime.now()
        categories = (
            self.env["citizen.request.category"]
            .with_context(active_test=False)
            .sudo()
            .search([("retention_months", ">", 0)])
        )
        by_months = {}
        for category in categories:
            by_months.setdefault(category.retention_months, []).append(category.id)
        expired = [
            [
                ("category_id", "in", category_ids),
                ("date_closed", "<", now - relativedelta(months=months)),
            ]
            for months, category_ids in by_months.items()
        ]
        if not expired:
            return expression.FALSE_DOMAIN
        return expression.AND(
            [
                [("is_closed", "=", True), ("is_anonymized", "=", False)],
                expression.OR(expired),
            ]
        )

    @api.model
    def _cron_anonymize_expired_requests(self, batch_size=ANONYMISATION_BATCH_SIZE):
        """Anonymise the closed requests whose retention period is over, and
        those of accepted erasure requests as soon as they are closed.

        Run by the scheduled action, it anonymises one batch and reports its
        progress: the scheduler commits and calls it again while requests
        remain. Called directly, it goes through every batch in the current
        transaction, emptying the cache between batches.
        """
        # sudo: the job runs for every company and must see every request
        # and every accepted erasure.
        Request = self.sudo().with_context(active_test=False)
        self.env["citizen.erasure.request"].sudo()._complete_accepted_erasures()
        reason = self.env._("Retention period of the category is over.")
        done = process_in_batches(
            Request,
            self._get_expired_domain(),
            "date_closed, id",
            batch_size,
            lambda batch: batch._anonymize(reason),
        )
        _logger.info("Anonymised %s citizen requests after retention", done)
        return done

    def _get_anonymization_values(self):
        """Values written on the requests to erase personal data.

        What is kept: reference, category, stage, channel, dates, district,
        city, assignment and figures. Extend it to erase more fields.
        """
        return {
            "partner_id": False,
            "contact_name": False,
            "contact_email": False,
            "contact_phone": False,
            "street": False,
            "zip": False,
            "title": self.env._("Anonymised request"),
            "description": False,
            "source_ref": False,
            "email_cc": False,
            "access_token": False,
        }

    def _anonymize(self, reason):
        """Erase the personal data of the requests and of every copy made of
        it (thread, work orders...: :meth:`_anonymize_copies`), and log it.
        Requests already anonymised are left as they are."""
        requests = self.sudo().filtered(lambda r: not r.is_anonymized)
        if not requests:
            return requests
        values = requests._get_anonymization_values()
        now = fields.Datetime.now()
        # untracked: no message, and nothing kept until the commit for it
        requests.with_context(tracking_disable=True).write(
            {**values, "is_anonymized": True, "anonymized_date": now}
        )
        requests._round_coordinates()
        requests._anonymize_thread(list(values))
        requests._anonymize_copies()
        self.env["citizen.audit.log"]._log("anonymisation", requests, details=reason)
        return requests

    def _anonymize_copies(self):
        """Erase the copies of the requests' personal data that other records
        hold. Called by :meth:`_anonymize` as superuser, once per batch, after
        the requests and their own thread were erased.

        Extension hook: a module whose records copy data of a request (title,
        description, address, photos, messages, free-text reasons...) extends
        it, calls ``super()`` and erases its copies, usually with
        :meth:`_anonymize_records_thread` for their chatter. What the request
        keeps (reference, category, dates, district, city, rounded
        coordinates, figures) may stay on the copies too. The core makes no
        copy outside the request's thread.
        """
        return

    def _round_coordinates(self):
        """Keep the area of the requests on the map, not the exact place."""
        self.flush_recordset(["latitude", "longitude"])
        self.env.cr.execute(
            SQL(
                "UPDATE citizen_request"
                " SET latitude = round(latitude::numeric, %s),"
                " longitude = round(longitude::numeric, %s)"
                " WHERE id IN %s",
                COORDINATE_DIGITS,
                COORDINATE_DIGITS,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["latitude", "longitude"])

    def _anonymize_thread(self, field_names):
        """Erase the chatter of the requests (see
        :meth:`_anonymize_records_thread`), their activities and their
        ratings' comments."""
        self.activity_ids.unlink()
        self._anonymize_records_thread(self, field_names)
        self.env["rating.rating"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        ).write({"feedback": False, "partner_id": False})

    @api.model
    def _anonymize_records_thread(self, records, field_names):
        """Erase the chatter of ``records`` (any model with a thread: the
        requests, or records copied from them): message contents and
        recipients, attachments (photos), emails, followers who are not
        staff, the notes of activities, and the tracked values of the erased
        fields ``field_names`` and of the contacts.

        The messages stay, with their date, subtype and staff author: the
        history of the handling survives, not its content.
        """
        records = records.sudo()
        domain = [("model", "=", records._name), ("res_id", "in", records.ids)]
        messages = self.env["mail.message"].sudo().search(domain)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", records._name), ("res_id", "in", records.ids)])
        ) | messages.attachment_ids
        attachments.unlink()
        self._erase_emails(messages)
        self._erase_messages(records, messages)
        contact_fields = [
            name
            for name, field in records._fields.items()
            if field.type in ("many2one", "many2many")
            and field.comodel_name == "res.partner"
        ]
        self._erase_tracking_values(records, [*field_names, *contact_fields])
        followers = (
            self.env["mail.followers"]
            .sudo()
            .search([("res_model", "=", records._name), ("res_id", "in", records.ids)])
        )
        followers.filtered(
            lambda f: not f.partner_id.user_ids.filtered(lambda u: not u.share)
        ).unlink()
        if "activity_ids" in records._fields:
            records.activity_ids.write({"summary": False, "note": False})

    @api.model
    def _erase_emails(self, messages):
        """Emails of ``messages``: those not sent yet never leave, those sent
        are kept, empty."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids)])
        )
        mails.write(
            {
                "body_html": False,
                "email_to": False,
                "email_cc": False,
                "headers": False,
                "failure_reason": False,
                "recipient_ids": [Command.clear()],
            }
        )
        mails.filtered(lambda m: m.state in ("outgoing", "exception")).write(
            {"state": "cancel"}
        )

    @api.model
    def _erase_messages(self, records, messages):
        """Contents, senders who are not staff, recipients, reactions and
        link previews of ``messages`` posted on ``records``."""
        staff = messages.author_id.filtered(
            lambda p: p.user_ids.filtered(lambda u: not u.share)
        )
        messages.filtered(lambda m: m.author_id not in staff).write(
            {"author_id": False}
        )
        messages.write(
            {
                "body": "",
                "subject": False,
                "email_from": False,
                "reply_to": False,
                "author_guest_id": False,
                "partner_ids": [Command.clear()],
            }
        )
        self._rename_messages(records, messages)
        messages.notification_ids.unlink()
        messages.reaction_ids.unlink()
        messages.link_preview_ids.unlink()

    @api.model
    def _rename_messages(self, records, messages):
        """Messages keep the name of their record as it was when they were
        posted (a work order's name carries the request's title): give them
        the record's current name."""
        names = {record.id: record.display_name for record in records}
        for name, renamed in (
            messages.filtered(lambda m: m.record_name != names.get(m.res_id))
            .grouped(lambda m: names.get(m.res_id))
            .items()
        ):
            renamed.write({"record_name": name or False})

    @api.model
    def _erase_tracking_values(self, records, field_names):
        """Delete the tracked old and new values of the fields ``field_names``
        of ``records``: the history of a change must not keep what the change
        erased."""
        self.env["mail.tracking.value"].sudo().search(
            [
                ("mail_message_id.model", "=", records._name),
                ("mail_message_id.res_id", "in", records.ids),
                ("field_id.model", "=", records._name),
                ("field_id.name", "in", list(field_names)),
            ]
        ).unlink()

    def action_anonymize(self):
        """Anonymise closed requests now (managers, e.g. after an accepted
        erasure request)."""
        self.check_access("write")
        self._check_personal_data_access()
        # who did it is the entry's user: the log names nobody in its text
        return self.filtered("is_closed")._anonymize(
            self.env._("Anonymised on request of a manager.")
        )

    # ------------------------------------------------------------------
    # Rights of the requester: access and erasure
    # ------------------------------------------------------------------

    @api.model
    def _check_personal_data_access(self):
        """Only managers export or erase the personal data of a person."""
        if not self.env.user.has_group("citizen_relation.group_citizen_manager"):
            raise AccessError(
                self.env._(
                    "Only citizen relation managers may export or erase the "
                    "personal data of a person."
                )
            )

    @api.model
    def _get_requests_held_on(self, partner):
        """Requests held on a person: theirs (or their organisation's
        contacts'), or sent with the email address they confirmed (an address
        only typed on their account may be someone else's)."""
        domain = [("partner_id", "child_of", partner.id)]
        if partner.citizen_confirmed_email:
            domain = [
                "|",
                *domain,
                # the address given is stored normalised: found on its index
                ("contact_email_search", "=", partner.citizen_confirmed_email),
            ]
        # sudo: callers checked the access to personal data first.
        return self.sudo().search(domain, order="date_received, id")

    @api.model
    def _get_export_message_values(self, message):
        return {
            "date": fields.Datetime.to_string(message.date),
            "model": message.model or "",
            "record": message.record_name or "",
            "author": message.author_id.name or message.email_from or "",
            "subject": message.subject or "",
            "internal": bool(message.is_internal or message.subtype_id.internal),
            "body": tools.html2plaintext(message.body or ""),
            "attachments": message.attachment_ids.mapped("name"),
        }

    def _get_export_values(self, own_messages, own_attachments):
        """The request as given in a personal data export, with its own
        messages and the files attached to it."""
        self.ensure_one()
        own_attachments |= own_messages.attachment_ids
        return {
            "reference": self.name,
            "title": self.title,
            "description": tools.html2plaintext(self.description or ""),
            "category": self.category_id.complete_name or "",
            "stage": self.stage_id.name or "",
            "channel": self.channel,
            "received_on": fields.Datetime.to_string(self.date_received),
            "closed_on": fields.Datetime.to_string(self.date_closed) or "",
            "name_given": self.contact_name or "",
            "email_given": self.contact_email or "",
            "phone_given": self.contact_phone or "",
            "address": self._get_export_address_values(),
            "consent": {
                "text": self.consent_text or "",
                "date": fields.Datetime.to_string(self.consent_date) or "",
            },
            "anonymised_on": fields.Datetime.to_string(self.anonymized_date) or "",
            "messages": [
                self._get_export_message_values(message) for message in own_messages
            ],
            "attachments": [
                self._get_export_attachment_values(attachment)
                for attachment in own_attachments.sorted("id")
            ],
        }

    def _get_export_address_values(self):
        self.ensure_one()
        return {
            "street": self.street or "",
            "zip": self.zip or "",
            "city": self.city or "",
            "district": self.district or "",
            "latitude": self.latitude,
            "longitude": self.longitude,
        }

    @api.model
    def _get_export_attachment_values(self, attachment):
        """What an export tells of a file: its metadata, not its content."""
        return {
            "name": attachment.name,
            "mimetype": attachment.mimetype or "",
            "size": attachment.file_size,
            "created_on": fields.Datetime.to_string(attachment.create_date),
        }
