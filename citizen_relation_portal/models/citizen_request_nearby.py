from odoo import api, models


class CitizenRequest(models.Model):
    """What a visitor about to report something learns of the open requests
    already reported nearby: only what the open data publishes."""

    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    def _is_followable(self):
        # offered to the public only where the category publishes its
        # requests (as Open311 does): some concern a person, not a place
        return super()._is_followable() and self.category_id.publish_requests

    def _get_public_title(self):
        """Title shown to the public: the first line of the public
        description an agent wrote, else the category."""
        self.ensure_one()
        lines = (self.public_description or "").strip().splitlines()
        return (lines[0][:120] if lines else "") or self.category_id.name

    def _get_nearby_public_values(self, category, latitude, longitude):
        """The open requests already reported near this position in this
        category, as the public may see them: reference, public title,
        status, distance rounded to 5 m, date received. Never the requester,
        their words, the address or the exact position."""
        values = []
        for other, metres in self._find_nearby_open_requests(
            category, latitude, longitude
        ):
            values.append(
                {
                    "id": other.id,
                    "reference": other.name,
                    "title": other._get_public_title(),
                    "stage": other._get_public_status(),
                    "distance": int(5 * round(metres / 5)),
                    "date": other.date_received.date().isoformat()
                    if other.date_received
                    else None,
                    "follow_url": f"/requests/{other.id}/follow",
                }
            )
        return values

    @api.model_create_multi
    def create(self, vals_list):
        requests = super().create(vals_list)
        # software filing through the open APIs cannot be shown the requests
        # already reported: a report that surely repeats an open one keeps
        # its reference and is linked to it (its requester follows it)
        requests.filtered("api_client_id")._link_confident_duplicates()
        return requests
