from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    citizen_monavis_url = fields.Char(
        string="Services Publics+ Feedback Link",
        help='Address of the "Je donne mon avis" page that Services Publics+ '
        "gives the town for its online procedure (https://monavis.numerique.gouv.fr/"
        "…). Offered to citizens on the confirmation page of the online form and "
        "in the email telling them their request is resolved. Empty: not offered.",
    )
