from odoo import api, exceptions, fields, models

# What only FranceConnect's answer writes (through _franceconnect_signin).
FRANCECONNECT_FIELDS = {
    "franceconnect_given_name",
    "franceconnect_family_name",
    "franceconnect_date",
    "franceconnect_verified",
}


class ResPartner(models.Model):
    """The identity pivot FranceConnect certified for the person of a
    contact: kept apart from the name and address they may edit."""

    _inherit = "res.partner"

    franceconnect_given_name = fields.Char(
        string="Given Names (FranceConnect)",
        copy=False,
        readonly=True,
        help="Given names as FranceConnect certified them at the last sign-in.",
    )
    franceconnect_family_name = fields.Char(
        string="Family Name (FranceConnect)",
        copy=False,
        readonly=True,
        help="Birth name as FranceConnect certified it at the last sign-in.",
    )
    franceconnect_date = fields.Datetime(
        string="Identity Verified On",
        copy=False,
        readonly=True,
        help="Last sign-in of this person with FranceConnect.",
    )
    franceconnect_verified = fields.Boolean(
        string="Identity Verified by FranceConnect",
        copy=False,
        readonly=True,
        help="This person signed in with FranceConnect: their given names and "
        "family name were certified by it.",
    )

    def _check_franceconnect_values(self, vals):
        """Refuse anybody but the sign-in the writing of the certified
        identity: an employee who may edit contacts could otherwise mark
        anyone's identity as verified."""
        if not self.env.su and FRANCECONNECT_FIELDS.intersection(vals):
            raise exceptions.AccessError(
                self.env._(
                    "Only a sign-in with FranceConnect sets the verified identity."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_franceconnect_values(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_franceconnect_values(vals)
        return super().write(vals)
