from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CitizenRequestMissingPieces(models.TransientModel):
    """What an agent asks a requester for when their request is incomplete,
    and by when (CRPA L.114-5)."""

    _name = "citizen.request.missing.pieces"
    _description = "Ask for Missing Pieces"

    request_id = fields.Many2one("citizen.request", required=True, ondelete="cascade")
    missing_pieces = fields.Text(
        required=True,
        help="The pieces or information the texts require and the request "
        "lacks, one a line: the requester reads them in the email.",
    )
    date_pieces_deadline = fields.Date(
        string="Expected by",
        required=True,
        default=lambda self: fields.Date.context_today(self) + relativedelta(months=1),
        help="Deadline given to the requester to send the pieces.",
    )

    @api.constrains("date_pieces_deadline")
    def _check_date_pieces_deadline(self):
        today = fields.Date.context_today(self)
        if any(wizard.date_pieces_deadline <= today for wizard in self):
            raise ValidationError(
                self.env._("The deadline to send the pieces must be in the future.")
            )

    def action_confirm(self):
        self.ensure_one()
        self.request_id._ask_missing_pieces(
            self.missing_pieces, self.date_pieces_deadline
        )
        return {"type": "ir.actions.act_window_close"}
