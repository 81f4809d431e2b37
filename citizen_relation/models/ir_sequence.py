from odoo import models

REFERENCE_CODE = "citizen.request"

# The numbering of requests is looked up once per worker and day (see
# citizen.request._get_reference_numbering) and forgotten when it changes.


class IrSequence(models.Model):
    _name = "ir.sequence"
    _inherit = ["ir.sequence", "citizen.cached.source"]

    def _citizen_feeds_cache(self, vals=None):
        return any(sequence.code == REFERENCE_CODE for sequence in self)


class IrSequenceDateRange(models.Model):
    _name = "ir.sequence.date_range"
    _inherit = ["ir.sequence.date_range", "citizen.cached.source"]

    def _citizen_feeds_cache(self, vals=None):
        return self.sequence_id._citizen_feeds_cache()
