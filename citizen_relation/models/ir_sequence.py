from odoo import api, models

REFERENCE_CODE = "citizen.request"


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    def _clear_citizen_reference_cache(self):
        """The numbering of requests is looked up once per worker and day
        (see ``citizen.request._get_reference_numbering``): forget it when
        it changes."""
        if any(sequence.code == REFERENCE_CODE for sequence in self):
            self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        sequences = super().create(vals_list)
        sequences._clear_citizen_reference_cache()
        return sequences

    def write(self, vals):
        self._clear_citizen_reference_cache()
        res = super().write(vals)
        self._clear_citizen_reference_cache()
        return res

    def unlink(self):
        self._clear_citizen_reference_cache()
        return super().unlink()


class IrSequenceDateRange(models.Model):
    _inherit = "ir.sequence.date_range"

    @api.model_create_multi
    def create(self, vals_list):
        date_ranges = super().create(vals_list)
        date_ranges.sequence_id._clear_citizen_reference_cache()
        return date_ranges

    def write(self, vals):
        self.sequence_id._clear_citizen_reference_cache()
        res = super().write(vals)
        self.sequence_id._clear_citizen_reference_cache()
        return res

    def unlink(self):
        self.sequence_id._clear_citizen_reference_cache()
        return super().unlink()
