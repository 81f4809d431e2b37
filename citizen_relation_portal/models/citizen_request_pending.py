"""A public form held while its sender chooses between following a request
already reported nearby and filing their own.

Without the script, the public form learns of the requests reported nearby
only once it is sent. What was typed and the photos are kept here, on the
server, under a random token given to the sender alone, until they choose:
filing creates the request once (a second click finds it), following drops
what was kept. Forms held for more than a day are removed by the daily
vacuum, with their photos.
"""

import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import consteq

KEPT_HOURS = 24


class CitizenRequestPendingSubmission(models.Model):
    _name = "citizen.request.pending.submission"
    _description = "Public Form Held While Its Sender Chooses"

    token = fields.Char(required=True, index=True, copy=False)
    form_values = fields.Json(copy=False)
    request_id = fields.Many2one(
        "citizen.request",
        string="Request Filed",
        ondelete="cascade",
        help="The request created when the sender chose to file it.",
    )

    def _hold(self, form, photos):
        """Keep ``form`` (what was typed) and ``photos`` [(name, data,
        mimetype)], already checked; return the record (its token is the
        sender's only key)."""
        pending = self.create({"token": secrets.token_urlsafe(32), "form_values": form})
        if photos:
            self.env["ir.attachment"].create(
                [
                    {
                        "name": name,
                        "raw": data,
                        "mimetype": mimetype,
                        "res_model": self._name,
                        "res_id": pending.id,
                    }
                    for name, data, mimetype in photos
                ]
            )
        return pending

    def _find(self, token):
        """The held form of this token, locked (a second click waits for the
        first one), or an empty recordset."""
        token = token if isinstance(token, str) else ""
        if len(token) < 32:
            return self.browse()
        self.env.cr.execute(
            "SELECT id FROM citizen_request_pending_submission"
            " WHERE token = %s FOR UPDATE",
            [token],
        )
        row = self.env.cr.fetchone()
        pending = self.browse(row[0] if row else [])
        if pending and consteq(pending.token, token):
            return pending
        return self.browse()

    def _get_photo_attachments(self):
        return self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)], order="id"
        )

    def _get_photos(self):
        """The photos kept, as [(name, data, mimetype)]."""
        self.ensure_one()
        return [(a.name, a.raw, a.mimetype) for a in self._get_photo_attachments()]

    def _set_filed(self, citizen_request):
        """The form was filed as ``citizen_request``: a second click finds
        it; the photos kept are now the request's, copied with it."""
        self.ensure_one()
        self.write({"request_id": citizen_request.id})
        self._get_photo_attachments().unlink()

    @api.autovacuum
    def _gc_expired(self):
        """Forms held for more than a day, filed or not, and their photos."""
        self.search(
            [("create_date", "<", fields.Datetime.now() - timedelta(hours=KEPT_HOURS))]
        ).unlink()
