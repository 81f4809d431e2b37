from odoo import api, models


class CitizenWorkingDaysSource(models.AbstractModel):
    """What deadlines in working days are computed from: a calendar and its
    working hours. Deadlines are kept per worker (see
    ``citizen.request._get_working_days_end``) and forgotten when one of
    these changes."""

    _name = "citizen.working.days.source"
    _description = "Source of Deadlines in Working Days"

    def _clear_working_days_cache(self):
        self.env.registry.clear_cache()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._clear_working_days_cache()
        return records

    def write(self, vals):
        res = super().write(vals)
        self._clear_working_days_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self._clear_working_days_cache()
        return res


class ResourceCalendar(models.Model):
    _name = "resource.calendar"
    _inherit = ["resource.calendar", "citizen.working.days.source"]


class ResourceCalendarAttendance(models.Model):
    _name = "resource.calendar.attendance"
    _inherit = ["resource.calendar.attendance", "citizen.working.days.source"]


class ResourceCalendarLeaves(models.Model):
    """Only the leaves of nobody in particular (public holidays, closures of
    the town hall) move deadlines; an employee's time off does not."""

    _name = "resource.calendar.leaves"
    _inherit = ["resource.calendar.leaves", "citizen.working.days.source"]

    def _clear_working_days_cache(self):
        # before a write or an unlink, and after a creation or a write
        if any(not leave.resource_id for leave in self.exists()):
            return super()._clear_working_days_cache()
        return None

    def write(self, vals):
        # a leave that was a public holiday and no longer is
        self._clear_working_days_cache()
        return super().write(vals)

    def unlink(self):
        self._clear_working_days_cache()
        return super().unlink()
