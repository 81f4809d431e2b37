from odoo import models

# Deadlines in working days are kept per worker (see
# citizen.request._get_working_days_end) and forgotten when a calendar, its
# working hours or its public holidays change.


class ResourceCalendar(models.Model):
    _name = "resource.calendar"
    _inherit = ["resource.calendar", "citizen.cached.source"]


class ResourceCalendarAttendance(models.Model):
    _name = "resource.calendar.attendance"
    _inherit = ["resource.calendar.attendance", "citizen.cached.source"]


class ResourceCalendarLeaves(models.Model):
    _name = "resource.calendar.leaves"
    _inherit = ["resource.calendar.leaves", "citizen.cached.source"]

    def _citizen_feeds_cache(self, vals=None):
        # Only the leaves of nobody in particular (public holidays, closures
        # of the town hall) move deadlines; an employee's time off does not.
        return any(not leave.resource_id for leave in self)
