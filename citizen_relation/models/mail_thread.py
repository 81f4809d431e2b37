import codecs
import logging
import re
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.osv import expression
from odoo.tools.mail import append_content_to_html

_logger = logging.getLogger(__name__)


def _decode_8bit_header(value):
    """Text of a header holding raw 8-bit bytes (kept by the email parser as
    surrogate escapes): UTF-8 when the bytes are valid UTF-8, else
    Windows-1252, the superset of Latin-1 that old mail programs send."""
    value = re.sub(r"\r?\n(?=[ \t])", "", value)
    data = value.encode("ascii", "surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("windows-1252", errors="replace")


def _has_8bit(value):
    return isinstance(value, str) and any(
        "\udc80" <= char <= "\udcff" for char in value
    )


# How old the Date: header of an email opening or answering a request may be.
# Mail servers retry a delivery for five days by default (Postfix
# maximal_queue_lifetime, Sendmail Timeout.queuereturn): a genuine email that
# took a long weekend to come in is older than a day or two, never much more
# than that. An older or future date is not believed: the reception time is
# used, so that nobody backdates a request (its reference, deadline and
# escalation follow the date) or pins a message to the top of the thread.
MAIL_DATE_MAX_AGE = timedelta(days=5)

# Headers set by out-of-office replies, vacation robots and mailing lists
# (RFC 3834 and the de-facto headers of common mail servers).
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response")
AUTO_PRECEDENCES = ("auto_reply", "bulk", "junk", "list")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_parse(self, message, save_original=False):
        self._citizen_fix_8bit_headers(message)
        self._citizen_fix_unknown_charsets(message)
        return super().message_parse(message, save_original=save_original)

    @api.model
    def _citizen_fix_8bit_headers(self, message):
        """Decode the headers sent as raw 8-bit bytes instead of encoded
        words, so that names and subjects stay readable."""
        for part in message.walk():
            items = list(part.raw_items())
            broken = {name.lower() for name, value in items if _has_8bit(value)}
            if not broken:
                continue
            for name in {name for name, _value in items if name.lower() in broken}:
                del part[name]
            for name, value in items:
                if name.lower() in broken:
                    part[name] = _decode_8bit_header(value)

    @api.model
    def _citizen_keep_forwarded(self, message, message_dict):
        """Body and attachments of an email to citizen requests: the text
        written by the sender is kept ahead of the emails they forward as
        attachments (message/rfc822 parts), where Odoo keeps only the body of
        the forwarded email. Other models get Odoo's parsing unchanged."""
        if message_dict.get("is_bounce") or not self._citizen_forwarded_parts(message):
            return
        attachments = message_dict.get("attachments") or []
        save_original = bool(attachments and attachments[0][0] == "original_email.eml")
        message_dict.update(
            self._citizen_extract_payload(message, message_dict, save_original)
        )

    @api.model
    def _citizen_extract_payload(self, message, message_dict, save_original=False):
        """Odoo's body and attachments of ``message``, with the emails it
        forwards added after the sender's text (see
        :meth:`_citizen_keep_forwarded`)."""
        forwarded = self._citizen_forwarded_parts(message)
        if not forwarded:
            return self._message_parse_extract_payload(
                message, message_dict, save_original=save_original
            )
        payloads = [
            (container, container.get_payload()) for container, _part in forwarded
        ]
        try:
            for container, parts in payloads:
                container.set_payload(
                    [
                        part
                        for part in parts
                        if part.get_content_type() != "message/rfc822"
                    ]
                )
            result = self._message_parse_extract_payload(
                message, message_dict, save_original=False
            )
        finally:
            for container, parts in payloads:
                container.set_payload(parts)
        body, attachments = self._citizen_add_forwarded(
            result["body"], list(result["attachments"]), forwarded
        )
        if save_original:
            attachments.insert(
                0, self._Attachment("original_email.eml", message.as_string(), {})
            )
        return {"body": body, "attachments": attachments}

    @api.model
    def _citizen_add_forwarded(self, body, attachments, forwarded):
        """``body`` and ``attachments`` followed by the text and attachments
        of the ``forwarded`` emails, each text quoted under a heading."""
        for _container, part in forwarded:
            inner_messages = part.get_payload()
            if not inner_messages:
                continue
            inner = inner_messages[0]
            inner_result = self._citizen_extract_payload(inner, {})
            town = self.with_context(lang=self.env.company.partner_id.lang)
            heading = Markup("<p>%s</p>") % town.env._(
                "Forwarded message from %(sender)s: %(subject)s",
                sender=inner.get("From") or "-",
                subject=inner.get("Subject") or "-",
            )
            body = append_content_to_html(
                body,
                Markup("<blockquote>%s%s</blockquote>")
                % (heading, Markup(inner_result["body"] or "")),
                plaintext=False,
            )
            attachments += inner_result["attachments"]
        return body, attachments

    @api.model
    def _citizen_forwarded_parts(self, message):
        """(container, part) of the emails attached to this one, without
        looking into the attached emails themselves."""
        found = []
        if not message.is_multipart():
            return found
        for part in message.get_payload():
            if part.get_content_type() == "message/rfc822":
                found.append((message, part))
            elif part.is_multipart():
                found += self._citizen_forwarded_parts(part)
        return found

    @api.model
    def _citizen_fix_unknown_charsets(self, message):
        """Replace charsets Python does not know, so that the text is kept
        instead of the whole email failing: UTF-8 when the bytes are valid
        UTF-8, else Windows-1252, which decodes any byte."""
        for part in message.walk():
            if part.is_multipart():
                continue
            charset = part.get_param("charset")
            if not charset or not isinstance(charset, str):
                continue
            try:
                codecs.lookup(charset)
            except LookupError:
                payload = part.get_payload(decode=True) or b""
                try:
                    payload.decode("utf-8")
                    fallback = "utf-8"
                except UnicodeDecodeError:
                    fallback = "windows-1252"
                _logger.info(
                    "Unknown charset %r in incoming email, read as %s",
                    charset,
                    fallback,
                )
                part.set_param("charset", fallback)

    # ------------------------------------------------------------------
    # Who an incoming email comes from
    # ------------------------------------------------------------------

    @api.model
    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        if route[0] != "citizen.request":
            return super()._routing_check_route(
                message, message_dict, route, raise_exception=raise_exception
            )
        # The account an email to citizen requests is processed as, and its
        # author, must have confirmed the sender's address: an account whose
        # owner typed someone else's address (on their portal page, or when
        # signing up) is not that person, and their emails are not its
        # requests. The author is looked up among the contacts that confirmed
        # the address only (see _mail_search_on_partner).
        route = self._citizen_route_user(route, message_dict.get("email_from"))
        return super(
            MailThread, self.with_context(citizen_confirmed_authors=True)
        )._routing_check_route(
            message, message_dict, route, raise_exception=raise_exception
        )

    @api.model
    def _citizen_route_user(self, route, email_from):
        """``route`` processed as the gateway's user when the account Odoo
        found for ``email_from`` did not confirm that address."""
        user = self.env["res.users"].browse(route[3])
        email = tools.email_normalize(email_from)
        # sudo: reads only the address the account confirmed, to compare it.
        if (
            user.id != self.env.uid
            and user.sudo().partner_id.citizen_confirmed_email != email
        ):
            return (route[0], route[1], route[2], self.env.uid, *route[4:])
        return route

    def _citizen_confirmed_author_domain(self, normalized_emails, extra_domain):
        if not self.env.context.get("citizen_confirmed_authors"):
            return extra_domain
        return expression.AND(
            [extra_domain or [], [("citizen_confirmed_email", "in", normalized_emails)]]
        )

    def _mail_search_on_user(self, normalized_emails, extra_domain=False):
        return super()._mail_search_on_user(
            normalized_emails,
            extra_domain=self._citizen_confirmed_author_domain(
                normalized_emails, extra_domain
            ),
        )

    def _mail_search_on_partner(self, normalized_emails, extra_domain=False):
        return super()._mail_search_on_partner(
            normalized_emails,
            extra_domain=self._citizen_confirmed_author_domain(
                normalized_emails, extra_domain
            ),
        )

    @api.model
    def _citizen_is_auto_submitted(self, message):
        """Whether an incoming email was sent by a robot, not by a person."""
        auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
        if auto_submitted and auto_submitted != "no":
            return True
        if any(message.get(header) for header in AUTO_REPLY_HEADERS):
            return True
        precedence = (message.get("Precedence") or "").strip().lower()
        return precedence in AUTO_PRECEDENCES

    @api.model
    def _citizen_check_date(self, message_dict):
        """Replace a Date: header that cannot be the sending date of an email
        arriving now (older than :data:`MAIL_DATE_MAX_AGE`, or in the future)
        by the reception time."""
        now = fields.Datetime.now()
        date = fields.Datetime.to_datetime(message_dict.get("date"))
        if not date or now - MAIL_DATE_MAX_AGE <= date <= now:
            return
        _logger.info(
            "Email %s from %s dated %s: reception time %s used instead",
            message_dict.get("message_id"),
            message_dict.get("email_from"),
            date,
            now,
        )
        message_dict["date"] = fields.Datetime.to_string(now)

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        if not any(route[0] == "citizen.request" for route in routes or []):
            return super()._message_route_process(message, message_dict, routes)
        self._citizen_check_date(message_dict)
        if all(route[0] == "citizen.request" for route in routes):
            self._citizen_keep_forwarded(message, message_dict)
        if self._citizen_is_auto_submitted(message):
            # Robots never open a citizen request: drop the routes that would
            # create one; replies to an existing request are still logged on
            # it, and the context tells message_update not to act on them.
            kept = [
                route
                for route in routes or []
                if not (route[0] == "citizen.request" and not route[1])
            ]
            if len(kept) != len(routes or []):
                _logger.info(
                    "Automatic email %s from %s creates no citizen request",
                    message_dict.get("message_id"),
                    message_dict.get("email_from"),
                )
            routes = kept
            self = self.with_context(citizen_auto_submitted=True)
        routes = self._citizen_drop_concurrent_duplicates(message_dict, routes)
        return super()._message_route_process(message, message_dict, routes)

    @api.model
    def _citizen_email_opened_request(self, message_id):
        """Whether the email ``message_id`` opened a request."""
        self.env.cr.execute(
            "SELECT 1 FROM citizen_request "
            "WHERE channel = 'email' AND source_ref = %s LIMIT 1",
            [message_id],
        )
        return bool(self.env.cr.fetchone())

    @api.model
    def _citizen_drop_concurrent_duplicates(self, message_dict, routes):
        """The same email fetched twice at the same moment (two mailboxes):
        only one delivery may open a request. A delivery waits for the other
        one to end, then is retried and ignored, or drops its route when the
        request was saved."""
        message_id = message_dict.get("message_id")
        creating = [
            route
            for route in routes or []
            if route[0] == "citizen.request" and not route[1]
        ]
        if not message_id or not creating:
            return routes
        # Before the request is created, where a conflict would bounce the
        # email: a conflict here makes the server retry the delivery.
        self.env["citizen.request"]._ensure_reference_date_range(
            min(
                fields.Datetime.to_datetime(message_dict.get("date"))
                or fields.Datetime.now(),
                fields.Datetime.now(),
            )
        )
        # The first delivery records the Message-Id; a concurrent one waits
        # for it to end, then PostgreSQL refuses its snapshot (serialization
        # failure) and the server retries it: the retry finds the email
        # processed and ignores it. No second connection is needed.
        self.env.cr.execute(
            "INSERT INTO citizen_request_email_delivery (message_id) "
            "VALUES (%s) ON CONFLICT DO NOTHING",
            [message_id],
        )
        if self.env.cr.rowcount:
            return routes
        # Recorded by a delivery this transaction sees: the request was made,
        # unless it was deleted since.
        if not self._citizen_email_opened_request(message_id):
            return routes
        _logger.info(
            "Email %s already opened a request: delivered twice, ignored",
            message_id,
        )
        return [route for route in routes if route not in creating]
