from odoo import api, models


def _clear_working_days_cache(env):
    """Deadlines in working days are kept per worker (see
    ``citizen.request._get_working_days_end``): forget them when what they
    are computed from changes."""
    env.registry.clear_cache()


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def write(self, vals):
        res = super().write(vals)
        _clear_working_days_cache(self.env)
        return res

    def unlink(self):
        res = super().unlink()
        _clear_working_days_cache(self.env)
        return res


class ResourceCalendarAttendance(models.Model):
    _inherit = "resource.calendar.attendance"

    @api.model_create_multi
    def create(self, vals_list):
        attendances = super().create(vals_list)
        _clear_working_days_cache(self.env)
        return attendances

    def write(self, vals):
        res = super().write(vals)
        _clear_working_days_cache(self.env)
        return res

    def unlink(self):
        res = super().unlink()
        _clear_working_days_cache(self.env)
        return res


class ResourceCalendarLeaves(models.Model):
    """Only the leaves of nobody in particular (public holidays, closures of
    the town hall) move deadlines; an employee's time off does not."""

    _inherit = "resource.calendar.leaves"

    def _is_public_holiday(self):
        return any(not leave.resource_id for leave in self)

    @api.model_create_multi
    def create(self, vals_list):
        leaves = super().create(vals_list)
        if leaves._is_public_holiday():
            _clear_working_days_cache(self.env)
        return leaves

    def write(self, vals):
        public = self._is_public_holiday()
        res = super().write(vals)
        if public or self._is_public_holiday():
            _clear_working_days_cache(self.env)
        return res

    def unlink(self):
        public = self._is_public_holiday()
        res = super().unlink()
        if public:
            _clear_working_days_cache(self.env)
        return res
