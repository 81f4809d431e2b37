import codecs
import logging

from odoo import api, models

_logger = logging.getLogger(__name__)

# Headers set by out-of-office replies, vacation robots and mailing lists
# (RFC 3834 and the de-facto headers of common mail servers).
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response")
AUTO_PRECEDENCES = ("auto_reply", "bulk", "junk", "list")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_parse(self, message, save_original=False):
        self._citizen_fix_unknown_charsets(message)
        return super().message_parse(message, save_original=save_original)

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
    def _message_route_process(self, message, message_dict, routes):
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
        return super()._message_route_process(message, message_dict, routes)
