from werkzeug.urls import url_encode

from odoo import fields, models, tools
from odoo.tools.misc import hash_sign, verify_hash_signed

# Signature scope and lifetime of the links confirming a new address.
CONFIRMATION_SCOPE = "citizen_relation_portal.confirm_email"
CONFIRMATION_HOURS = 48


class ResPartner(models.Model):
    """A citizen changes the address of their portal account: the change
    waits for them to follow a link sent to the new address, so that nobody
    takes someone else's address (and with it their requests and emails)
    by typing it on their account."""

    _inherit = "res.partner"

    citizen_pending_email = fields.Char(
        string="Email Awaiting Confirmation",
        copy=False,
        readonly=True,
        help="Address the owner of the portal account asked to use; it "
        "replaces their email once they follow the link sent to it.",
    )

    def _citizen_email_change_needs_confirmation(self, email):
        """Whether the owner of this contact may only use ``email`` after
        confirming it: any address but the one the contact confirmed."""
        self.ensure_one()
        normalized = tools.email_normalize(email or "", strict=False)
        return bool(normalized) and normalized != self.citizen_confirmed_email

    def _citizen_request_email_confirmation(self, email):
        """Keep ``email`` as the address the owner of this contact asked for,
        and send it a link that makes it their address once followed.

        :return: False when too many links were sent for the account in the
            last day (nothing is sent then)
        """
        self.ensure_one()
        email = tools.email_normalize(email or "")
        if not email:
            return False
        Throttle = self.env["citizen.submission.throttle"]
        if not Throttle._check_and_record({"confirm": str(self.id)}):
            return False
        # sudo: the owner writes on their own contact (the portal gives no
        # write access) what only waits for confirmation, and the town's
        # template is sent to the address given.
        partner = self.sudo()
        partner.citizen_pending_email = email
        template = self.env.ref("citizen_relation_portal.mail_template_confirm_email")
        template.sudo().send_mail(partner.id, force_send=False)
        return True

    def _citizen_get_email_confirmation_url(self):
        """Link of the confirmation email: signed for this contact and the
        address it waits for, valid for two days."""
        self.ensure_one()
        token = hash_sign(
            self.sudo().env,
            CONFIRMATION_SCOPE,
            {"partner_id": self.id, "email": self.citizen_pending_email},
            expiration_hours=CONFIRMATION_HOURS,
        )
        return (
            f"{self.get_base_url()}/my/account/confirm-email?"
            f"{url_encode({'token': token})}"
        )

    def _citizen_confirm_email(self, token):
        """Make the address awaiting confirmation this contact's address, if
        ``token`` is the link sent to it for this contact.

        :return: whether the address of the link is (now) confirmed
        """
        self.ensure_one()
        try:
            values = verify_hash_signed(self.sudo().env, CONFIRMATION_SCOPE, token)
        except (AttributeError, TypeError, ValueError):
            values = None
        if not isinstance(values, dict) or values.get("partner_id") != self.id:
            return False
        email = values.get("email")
        if email and email == self.citizen_confirmed_email == self.email_normalized:
            return True  # followed twice
        if not email or email != self.citizen_pending_email:
            return False  # replaced by a newer change
        # sudo: the owner proved receiving the link sent to the address.
        self.sudo().write(
            {
                "email": email,
                "citizen_confirmed_email": email,
                "citizen_pending_email": False,
            }
        )
        return True
