from odoo import api, models

# Headers set by out-of-office replies, vacation robots and mailing lists
# (RFC 3834 and the de-facto headers of common mail servers).
AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response")
AUTO_PRECEDENCES = ("auto_reply", "bulk", "junk", "list")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_parse(self, message, save_original=False):
        msg_dict = super().message_parse(message, save_original=save_original)
        msg_dict["is_auto_submitted"] = self._citizen_is_auto_submitted(message)
        return msg_dict

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
        # Robots never open a citizen request: drop the routes that would
        # create one; replies to an existing request are still logged on it.
        if message_dict.get("is_auto_submitted"):
            routes = [
                route
                for route in routes or []
                if not (route[0] == "citizen.request" and not route[1])
            ]
        return super()._message_route_process(message, message_dict, routes)
