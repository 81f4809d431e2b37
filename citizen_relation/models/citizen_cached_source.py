from odoo import api, models


class CitizenCachedSource(models.AbstractModel):
    """Records that values kept per worker (``tools.ormcache``) are computed
    from: creating, changing or deleting one of them forgets those values in
    every worker.

    A model tells which of its records and changes matter in
    :meth:`_citizen_feeds_cache`; by default, all of them.
    """

    _name = "citizen.cached.source"
    _description = "Source of Values Kept per Worker"

    def _citizen_feeds_cache(self, vals=None):
        """Whether these records feed a value kept per worker; ``vals`` are
        the values of a write. Asked after a creation, before and after a
        write, and before a deletion."""
        return True

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if records._citizen_feeds_cache():
            self.env.registry.clear_cache()
        return records

    def write(self, vals):
        feeds = self._citizen_feeds_cache(vals)
        res = super().write(vals)
        if feeds or self._citizen_feeds_cache(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        feeds = self._citizen_feeds_cache()
        res = super().unlink()
        if feeds:
            self.env.registry.clear_cache()
        return res
