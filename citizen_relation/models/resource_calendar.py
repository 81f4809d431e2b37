from datetime import datetime, time, timedelta

from odoo import models, tools

# Deadlines in working days are kept per worker (see
# _citizen_get_working_days_end) and forgotten when a calendar, its working
# hours or its public holidays change.


class ResourceCalendar(models.Model):
    _name = "resource.calendar"
    _inherit = ["resource.calendar", "citizen.cached.source"]

    def _citizen_add_working_days(self, received, days):
        """End of the ``days``-th working day of this calendar (its leaves and
        public holidays left out) after the day of ``received``: that day
        never counts, whatever the hour. Calendar days without calendar.

        The deadline of a request (its category's delay) and the delay of
        acknowledgement of a team (routing) are both counted so."""
        if not self:
            return received + timedelta(days=days)
        self.ensure_one()
        return self._citizen_get_working_days_end(received.date(), days)

    @tools.ormcache("self.id", "day", "days")
    def _citizen_get_working_days_end(self, day, days):
        """End of the ``days``-th working day of the calendar after ``day``.

        Kept per worker: the requests of a day share their deadlines, which
        would otherwise cost four queries each; changing a calendar, its
        working hours or its public holidays clears it (citizen.cached.source).
        """
        # sudo: the same public holidays for whoever files the request.
        calendar = self.sudo()
        next_day = datetime.combine(day + timedelta(days=1), time.min)
        return calendar.plan_days(days, next_day, compute_leaves=True)


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
