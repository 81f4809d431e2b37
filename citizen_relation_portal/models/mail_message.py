from odoo import fields, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    # Updates posted by Open311 clients (mySociety's servicerequestupdates):
    # who sent them and under which id, so that a repeated post is found
    # instead of being recorded twice.
    open311_api_client_id = fields.Many2one(
        "citizen.api.client",
        string="Open311 Client",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        groups="base.group_user",
    )
    open311_update_id = fields.Char(
        string="Open311 Update ID",
        readonly=True,
        groups="base.group_user",
        help="The id the Open311 client gave this update.",
    )
    open311_media_url = fields.Char(
        string="Open311 Media URL",
        readonly=True,
        groups="base.group_user",
    )

    _sql_constraints = [
        (
            "open311_update_unique",
            "unique(open311_api_client_id, open311_update_id)",
            "This update was already received from this client.",
        ),
    ]
