import hashlib
import hmac
import secrets

from odoo import api, fields, models, tools
from odoo.exceptions import AccessDenied

from odoo.addons.base.models import res_users

res_users.USER_PRIVATE_FIELDS.append("franceconnect_login_token")


class FranceConnectAccountError(Exception):
    """The person FranceConnect signed in may not use an account here; the
    message says why, to them."""


class ResUsers(models.Model):
    _inherit = "res.users"

    franceconnect_sub = fields.Char(
        string="FranceConnect Identifier",
        copy=False,
        readonly=True,
        index="btree_not_null",
        groups="base.group_system",
        help="Identifier (sub) FranceConnect gives this person for this "
        "service: the account they sign into with FranceConnect.",
    )
    # Digest of the one-time token that signs the person in right after
    # FranceConnect vouched for them (see _check_credentials).
    franceconnect_login_token = fields.Char(
        copy=False, readonly=True, prefetch=False, groups="base.group_system"
    )

    _sql_constraints = [
        (
            "franceconnect_sub_unique",
            "unique(franceconnect_sub)",
            "A FranceConnect identity signs into one account only.",
        )
    ]

    # ------------------------------------------------------------------
    # Which account
    # ------------------------------------------------------------------

    @api.model
    def _franceconnect_signin(self, identity):
        """The portal account of the person FranceConnect vouched for, found
        or created, with the identity it certified recorded on it.

        :param identity: the verified claims of the userinfo answer
        :raise FranceConnectAccountError: the person may not use an account
        """
        email = tools.email_normalize(identity.get("email") or "")
        if not email or not identity.get("sub"):
            raise FranceConnectAccountError(
                self.env._("FranceConnect did not give your email address.")
            )
        user = self._franceconnect_find_account(identity["sub"], email)
        if not user:
            user = self._franceconnect_create_account(identity, email)
        user._franceconnect_record_identity(identity, email)
        return user

    @api.model
    def _franceconnect_find_account(self, sub, email):
        """The account the person signs into: the one already bound to their
        FranceConnect identity, else the portal account of the contact that
        confirmed ``email`` (a FranceConnect address is a verified one), as
        the requests of that address are linked to it. A member of the
        staff is never signed in through FranceConnect: their account is
        neither found nor taken over."""
        Users = self.with_context(active_test=False)
        user = Users.search([("franceconnect_sub", "=", sub)], limit=1)
        if user:
            if not (user.active and user.share):
                raise FranceConnectAccountError(self._franceconnect_refusal())
            return user
        partner = self.env["citizen.request"]._match_partner(email, False)
        user = partner.user_ids.filtered("share")[:1]
        owners = Users.search([("login", "=", email)])
        if owners - user or (user and user.franceconnect_sub):
            # the address is the login of another account (of the staff, or
            # archived): it is not taken over
            raise FranceConnectAccountError(self._franceconnect_refusal())
        return user

    @api.model
    def _franceconnect_refusal(self):
        return self.env._(
            "An account of this site already uses your email address and "
            "cannot be opened with FranceConnect. Please sign in with your "
            "password, or contact the town hall."
        )

    @api.model
    def _franceconnect_create_account(self, identity, email):
        """A portal account for the person, made as auth_signup makes one
        (from the portal template user), on the contact that confirmed
        ``email`` if there is one, so that its requests are theirs."""
        partner = self.env["citizen.request"]._match_partner(email, False)
        values = {"login": email, "email": email}
        if partner:
            values["partner_id"] = partner.id
        else:
            values["name"] = (
                " ".join(
                    filter(
                        None, [identity.get("given_name"), identity.get("family_name")]
                    )
                )
                or email
            )
        return self._create_user_from_template(values)

    def _franceconnect_record_identity(self, identity, email):
        """Bind the account to the FranceConnect identity and keep the
        identity pivot it certified on the person's contact."""
        self.ensure_one()
        if not self.franceconnect_sub:
            self.franceconnect_sub = identity["sub"]
        partner = self.partner_id
        values = {
            "franceconnect_given_name": identity.get("given_name") or False,
            "franceconnect_family_name": identity.get("family_name") or False,
            "franceconnect_date": fields.Datetime.now(),
            "franceconnect_verified": True,
        }
        if not partner.citizen_confirmed_email:
            values.update(email=email, citizen_confirmed_email=email)
        partner.write(values)

    # ------------------------------------------------------------------
    # Signing in
    # ------------------------------------------------------------------

    def _franceconnect_issue_login_token(self):
        """A one-time token signing this account in (its digest is kept)."""
        self.ensure_one()
        token = secrets.token_urlsafe(32)
        self.franceconnect_login_token = hashlib.sha256(token.encode()).hexdigest()
        return token

    def _check_credentials(self, credential, env):
        try:
            return super()._check_credentials(credential, env)
        except AccessDenied:
            if credential.get("type") != "franceconnect" or not credential.get("token"):
                raise
            user = self.env.user
            if not (env.get("interactive") and user.active and user.share):
                raise
            # sudo: the token's digest is kept out of reach of the users
            stored = user.sudo().franceconnect_login_token
            digest = hashlib.sha256(credential["token"].encode()).hexdigest()
            if not stored or not hmac.compare_digest(stored, digest):
                raise
            user.sudo().franceconnect_login_token = False
            return {"uid": user.id, "auth_method": "franceconnect", "mfa": "default"}
