"""Reference numbering of the requests (DEM-<year>-<number>)."""

from odoo import api, fields, models, tools

from odoo.addons.base.models.ir_sequence import _select_nextval


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Reference
    # ------------------------------------------------------------------

    @api.model
    @tools.ormcache("company_id", "day")
    def _get_reference_numbering(self, company_id, day):
        """How the company numbers its requests on ``day``, as plain values:
        ``sequence_id``, ``use_date_range``, ``date_range_id`` (False when
        the period does not exist yet), ``date_from`` of the period, and the
        ``implementation``, ``prefix``, ``suffix`` and ``padding`` of the
        numbering (empty dict without numbering).

        Kept per worker: every request would otherwise read the numbering
        and its period again; changing them clears it (see
        ``ir_sequence.py``).
        """
        # sudo: the numbering is read to draw a reference, not shown.
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [
                    ("code", "=", "citizen.request"),
                    ("company_id", "in", [company_id, False]),
                ],
                order="company_id",
                limit=1,
            )
        )
        if not sequence:
            return {}
        numbering = {
            "sequence_id": sequence.id,
            "use_date_range": sequence.use_date_range,
            "date_range_id": False,
            "date_from": False,
            "implementation": sequence.implementation,
            "prefix": sequence.prefix,
            "suffix": sequence.suffix,
            "padding": sequence.padding,
        }
        if sequence.use_date_range:
            date_range = self._get_reference_period(sequence, day)
            numbering["date_range_id"] = date_range.id
            numbering["date_from"] = date_range.date_from
        return numbering

    @api.model
    def _get_reference_period(self, sequence, day):
        """Period of ``sequence`` (numbered by date range) holding ``day``;
        empty when it does not exist yet."""
        # sudo: as the numbering, read to draw a reference.
        return (
            self.env["ir.sequence.date_range"]
            .sudo()
            .search(
                [
                    ("sequence_id", "=", sequence.id),
                    ("date_from", "<=", day),
                    ("date_to", ">=", day),
                ],
                limit=1,
            )
        )

    @api.model
    def _next_reference(self, received):
        """Next reference of the current company for a request received at
        ``received`` (DEM-<year>-<number> with the shipped numbering)."""
        numbering = self._get_reference_numbering(self.env.company.id, received.date())
        if not numbering:
            return False
        use_date_range = numbering["use_date_range"]
        if numbering["implementation"] == "standard" and (
            numbering["date_range_id"] or not use_date_range
        ):
            # What ir.sequence does, from the values kept above: one query
            # (the PostgreSQL sequence) instead of three.
            pg_sequence = f"ir_sequence_{numbering['sequence_id']:03d}"
            if use_date_range:
                pg_sequence += f"_{numbering['date_range_id']:03d}"
            number = _select_nextval(self.env.cr, pg_sequence)
            numbering_format = self.env["ir.sequence"].new(
                {
                    "prefix": numbering["prefix"],
                    "suffix": numbering["suffix"],
                    "padding": numbering["padding"],
                }
            )
            if use_date_range:
                numbering_format = numbering_format.with_context(
                    ir_sequence_date_range=numbering["date_from"]
                )
            return numbering_format.get_next_char(number)
        if use_date_range and not numbering["date_range_id"]:
            # First request of a new period: the period is created, which
            # forgets the values kept above.
            self._ensure_reference_date_range(received)
            self.env.registry.clear_cache()
        # Numbering without gaps (ir.sequence locks its counter), or a new
        # period. sudo: as above; the reference is drawn for every channel.
        sequence = self.env["ir.sequence"].sudo().browse(numbering["sequence_id"])
        return sequence._next(sequence_date=received)

    @api.model
    def _ensure_reference_date_range(self, received):
        """Make the first two requests of a year received at the same moment
        conflict, instead of each creating the year's numbering and both
        getting the same reference: the later transaction fails with a
        serialization error, which the server retries."""
        numbering = self._get_reference_numbering(
            self.env.company.id, fields.Datetime.to_datetime(received).date()
        )
        if numbering.get("use_date_range") and not numbering["date_range_id"]:
            self.env.cr.execute(
                "UPDATE ir_sequence SET write_date = write_date WHERE id = %s",
                [numbering["sequence_id"]],
            )
