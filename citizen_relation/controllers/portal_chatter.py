"""The portal chatter of a citizen request, for the holder of its signed link.

Odoo's portal takes the holder of a document's access token for its
customer: it shows them the customer's name and picture and lets them
write, react and edit as the customer. A citizen request's token proves
nothing of the kind (see ``citizen_request.py``): these routes
keep the requester hidden from whoever did not prove being them.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request

from odoo.addons.mail.tools.discuss import Store
from odoo.addons.portal.controllers.mail import PortalChatter
from odoo.addons.portal.controllers.message_reaction import (
    PortalMessageReactionController,
)
from odoo.addons.portal.controllers.thread import ThreadController

REQUEST_MODEL = "citizen.request"


def _hides_requester(thread, **kwargs):
    """Whether the visitor of ``thread`` must not see (nor act as) its
    requester: a citizen request opened by a visitor who is neither staff nor
    proved being its requester."""
    return thread._name == REQUEST_MODEL and thread._citizen_portal_hides_partner(
        thread.partner_id, kwargs.get("pid"), kwargs.get("hash")
    )


class CitizenPortalChatter(PortalChatter):
    @http.route()
    def portal_chatter_init(self, thread_model, thread_id, **kwargs):
        if thread_model != REQUEST_MODEL or not request.env.user._is_public():
            return super().portal_chatter_init(thread_model, thread_id, **kwargs)
        thread = request.env[thread_model]._get_thread_with_access(thread_id, **kwargs)
        if not thread or not _hides_requester(thread, **kwargs):
            return super().portal_chatter_init(thread_model, thread_id, **kwargs)
        # The visitor is shown as what they are, an anonymous visitor, not as
        # the contact the request was linked to; reactions would name them.
        store = Store()
        store.add(thread, {"can_react": False}, as_thread=True)
        store.add(
            {
                "self": Store.one(
                    request.env.user.partner_id,
                    fields=["active", "avatar_128", "name", "user"],
                )
            }
        )
        return store.get_result()

    @http.route()
    def portal_avatar(
        self, res_id=None, height=50, width=50, access_token=None, _hash=None, pid=None
    ):
        # sudo: only to know whose picture is asked; access is checked below
        # (hidden requester) or by Odoo's route.
        message = request.env["mail.message"].sudo().browse(int(res_id)).exists()
        if message.model == REQUEST_MODEL and message.author_id:
            thread = request.env[REQUEST_MODEL].sudo().browse(message.res_id)
            if thread._citizen_portal_hides_partner(message.author_id, pid, _hash):
                # Odoo's placeholder, as for a visitor without access
                return super().portal_avatar(res_id=res_id, height=height, width=width)
        return super().portal_avatar(
            res_id=res_id,
            height=height,
            width=width,
            access_token=access_token,
            _hash=_hash,
            pid=pid,
        )


class CitizenThreadController(ThreadController):
    @http.route()
    def mail_thread_data(self, thread_model, thread_id, request_list, **kwargs):
        if thread_model == REQUEST_MODEL and not request.env.user._is_internal():
            # Followers (the requester among them), suggested recipients,
            # activities and every file of the request are the staff's view:
            # the portal page needs none of them.
            request_list = []
        return super().mail_thread_data(thread_model, thread_id, request_list, **kwargs)

    def _prepare_post_data(self, post_data, thread, **kwargs):
        post_data = super()._prepare_post_data(post_data, thread, **kwargs)
        if thread._name != REQUEST_MODEL or not request.env.user._is_public():
            return post_data
        # sudo: only compared with the requester of the thread reached above.
        author = request.env["res.partner"].sudo().browse(post_data.get("author_id"))
        if not author or thread._citizen_portal_hides_partner(
            author, kwargs.get("pid"), kwargs.get("hash")
        ):
            # as the name and address given with the request, never as the
            # contact it was linked to nor as a member of the staff
            post_data.update(thread._get_portal_guest_author_values())
        return post_data


class CitizenMessageReactionController(PortalMessageReactionController):
    def _get_reaction_author(self, message, **kwargs):
        partner, guest = super()._get_reaction_author(message, **kwargs)
        if message.model == REQUEST_MODEL and request.env.user._is_public():
            # sudo: the request of a message the visitor reached already.
            thread = request.env[REQUEST_MODEL].sudo().browse(message.res_id)
            if _hides_requester(thread, **kwargs):
                raise NotFound()
        return partner, guest
