from odoo import models

# Avatar route of the portal chatter; it serves a placeholder for a hidden
# author (see the portal chatter controller).
AVATAR_URL = "/mail/avatar/mail.message/%s/author_avatar/50x50"


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _portal_message_format(self, properties_names, options=None):
        """The signed link of a citizen request shows its requester's messages
        under the name given with the request, without their contact, picture
        nor reactions, to a visitor who did not prove being them."""
        vals_list = super()._portal_message_format(properties_names, options=options)
        options = options or {}
        # sudo: the requests of messages the caller was allowed to format.
        requests = (
            self.env["citizen.request"]
            .sudo()
            .browse({m.res_id for m in self if m.model == "citizen.request"})
        )
        hidden = {
            request.id: request.partner_id.commercial_partner_id
            for request in requests
            if request._citizen_portal_hides_partner(
                request.partner_id, options.get("pid"), options.get("hash")
            )
        }
        if not hidden:
            return vals_list
        for message, values in zip(self.sudo(), vals_list, strict=True):
            requester = message.model == "citizen.request" and hidden.get(
                message.res_id
            )
            if not requester:
                continue
            if message.author_id.commercial_partner_id == requester:
                request = requests.browse(message.res_id)
                values.update(
                    author_id=False,
                    author=False,
                    email_from=request._get_portal_requester_label(),
                )
                if "author_avatar_url" in values:
                    values["author_avatar_url"] = AVATAR_URL % message.id
            self._citizen_hide_reactions_of(values, requester)
        return vals_list

    def _citizen_hide_reactions_of(self, values, requester):
        """Leave the hidden requester out of the people shown per reaction
        (the count stays)."""
        groups = values.get("reactions") or []
        partners = (
            self.env["res.partner"]
            .sudo()
            .browse(
                persona["id"]
                for group in groups
                for persona in group["personas"]
                if persona["type"] == "partner"
            )
        )
        hidden = set(
            partners.filtered(lambda p: p.commercial_partner_id == requester).ids
        )
        for group in groups:
            group["personas"] = [
                persona
                for persona in group["personas"]
                if not (persona["type"] == "partner" and persona["id"] in hidden)
            ]

    def _is_editable_in_portal(self, **kwargs):
        """The holder of a citizen request's signed link never edits nor
        removes what its requester wrote."""
        self.ensure_one()
        # sudo: the author and request of a message the caller reached already.
        message = self.sudo()
        if message.model == "citizen.request" and message.author_id:
            request = self.env["citizen.request"].sudo().browse(message.res_id)
            if request._citizen_portal_hides_partner(
                message.author_id, kwargs.get("pid"), kwargs.get("hash")
            ):
                return False
        return super()._is_editable_in_portal(**kwargs)
