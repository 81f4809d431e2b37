from odoo import models


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    def _get_open311_update_status(self):
        """What Open311 updates say about the request's status: the mapping
        of its stage (see citizen.request.stage._get_open311_status), and
        DUPLICATE for the duplicate of another request, whatever its stage."""
        self.ensure_one()
        values = (
            self.stage_id._get_open311_status()
            if self.stage_id
            else {
                "status": "closed" if self.is_closed else "open",
                "extended_status": "CLOSED" if self.is_closed else "OPEN",
                "external_status_code": "",
            }
        )
        if self.duplicate_of_id:
            values = dict(values, extended_status="DUPLICATE")
        return values

    def _apply_open311_status(self, status, external_status_code=None):
        """Move the request to the stage an incoming Open311 update names
        (see citizen.request.stage._from_open311_status); return the new
        stage, or an empty recordset when the stage does not change.

        "open" or "reopen" reopen a closed request and leave an open one
        where it is; the stage's email template, if any, tells the requester.
        """
        self.ensure_one()
        Stage = self.env["citizen.request.stage"]
        stage = Stage._from_open311_status(status, external_status_code)
        extended = Stage._normalize_open311_status(status)
        by_code = bool(
            external_status_code
            and stage.open311_external_status_code == external_status_code.strip()
        )
        if not by_code and extended in ("OPEN", "REOPEN"):
            if not self.is_closed:
                return Stage
            stage = (
                stage.filtered(lambda s: not s.is_closed)
                or Stage.search(
                    [
                        ("is_closed", "=", False),
                        ("id", "!=", Stage._get_first_stage_id()),
                    ],
                    limit=1,
                )
                or Stage._get_first_stage()
            )
        if not stage or stage == self.stage_id:
            return Stage
        self.stage_id = stage
        return stage
