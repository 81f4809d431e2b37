"""Identity: whose request it is, and what its signed link shows."""

from odoo import api, models, tools
from odoo.osv import expression

from odoo.addons.portal.utils import validate_thread_with_hash_pid


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

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
