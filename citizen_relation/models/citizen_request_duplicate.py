"""Duplicates: requests reporting the same problem, found by category,
street, distance and words; the original's followers and stage."""

import math
import re
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

# Words too common in French or English requests to tell two reports apart.
STOP_WORDS = {
    "avec",
    "dans",
    "des",
    "depuis",
    "est",
    "les",
    "pour",
    "rue",
    "sur",
    "une",
    "the",
    "and",
    "with",
    "from",
    "there",
    "this",
    "that",
    "bonjour",
    "merci",
}


def _significant_words(text):
    """Lower-cased words of four letters or more, without stop words."""
    words = re.findall(r"\w{4,}", (text or "").lower())
    return {word for word in words if word not in STOP_WORDS}


def _normalize_street(street):
    return re.sub(r"[\W_\d]+", " ", (street or "").lower()).strip()


def _distance_meters(lat1, lon1, lat2, lon2):
    """Great-circle distance (haversine) in meters."""
    radius = 6371000.0
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2 - lat1)
    dlambda = math.radians(lon2 - lon1)
    a = (
        math.sin(dphi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    )
    return 2 * radius * math.asin(math.sqrt(a))


class CitizenRequest(models.Model):
    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Duplicates
    # ------------------------------------------------------------------

    @api.depends("duplicate_ids")
    def _compute_duplicate_count(self):
        for request in self:
            request.duplicate_count = len(request.duplicate_ids)

    @api.depends(
        "category_id", "street", "latitude", "longitude", "title", "description"
    )
    def _compute_duplicate_candidate_ids(self):
        for request in self:
            request.duplicate_candidate_ids = request._find_duplicate_candidates()

    def _get_duplicate_settings(self):
        get_param = self.env["ir.config_parameter"].sudo().get_param
        try:
            days = int(get_param("citizen_relation.duplicate_days", 30))
            distance = float(get_param("citizen_relation.duplicate_distance", 100))
        except ValueError:
            days, distance = 30, 100.0
        return days, distance

    def _find_duplicate_candidates(self, limit=10):
        """Open, recent requests of the same category that look like this one:
        same street, close by, or sharing words in their title and text."""
        self.ensure_one()
        if not self.category_id:
            return self.browse()
        days, max_distance = self._get_duplicate_settings()
        street = _normalize_street(self.street)
        words = _significant_words(
            f"{self.title} {tools.html2plaintext(self.description or '')}"
        )
        scored = []
        for other in self.search(self._get_duplicate_domain(days), limit=200):
            score = self._get_duplicate_score(other, street, words, max_distance)
            if score:
                scored.append((score, other))
        scored.sort(key=lambda pair: (-pair[0], pair[1].id))
        return self.browse([other.id for _score, other in scored[:limit]])

    def _get_duplicate_domain(self, days):
        """Requests a duplicate of this one may be: open originals of the same
        category and company, received within ``days`` of it."""
        self.ensure_one()
        received = self.date_received or fields.Datetime.now()
        domain = [
            ("category_id", "=", self.category_id.id),
            ("is_closed", "=", False),
            ("duplicate_of_id", "=", False),
            ("company_id", "=", self.company_id.id or self.env.company.id),
            ("date_received", ">=", received - timedelta(days=days)),
            ("date_received", "<=", received + timedelta(days=days)),
        ]
        if self._origin.id:
            domain.append(("id", "!=", self._origin.id))
        return domain

    def _get_duplicate_score(self, other, street, words, max_distance):
        """How much ``other`` looks like this request (0: not at all): the same
        street (``street``, normalised) and a place within ``max_distance``
        meters count 2 each, shared words (``words``) 1 and their share."""
        score = 0
        if street and street == _normalize_street(other.street):
            score += 2
        if (
            self.latitude
            and self.longitude
            and other.latitude
            and other.longitude
            and _distance_meters(
                self.latitude, self.longitude, other.latitude, other.longitude
            )
            <= max_distance
        ):
            score += 2
        other_words = _significant_words(
            f"{other.title} {tools.html2plaintext(other.description or '')}"
        )
        if words and other_words:
            similarity = len(words & other_words) / len(words | other_words)
            if similarity >= 0.2:
                score += 1 + similarity
        return score

    def action_mark_as_original(self):
        """Button on a candidate: the request in context is its duplicate."""
        self.ensure_one()
        duplicate = self.browse(self.env.context.get("duplicate_request_id"))
        if not duplicate or duplicate == self:
            raise UserError(self.env._("No request to mark as duplicate."))
        duplicate.duplicate_of_id = self
        return True

    def _follow_original(self):
        """Reporters of a duplicate follow the original request."""
        for request in self.filtered("duplicate_of_id"):
            original = request.duplicate_of_id
            if request.partner_id:
                # listed among the followers, but subscribed to the changes of
                # stage only (an internal subtype: no email to them): the
                # original's correspondence with its own requester is not
                # theirs to read. They are told through their own request,
                # which follows the original (_close_duplicates).
                original.message_subscribe(
                    partner_ids=request.partner_id.ids,
                    subtype_ids=self._ref("citizen_relation.mt_request_stage").ids,
                )
            original.message_post(
                body=self.env._(
                    "%(reference)s was reported again as %(duplicate)s.",
                    reference=original.name,
                    duplicate=request.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _close_duplicates(self):
        """When an original request is finished, its open duplicates follow it
        into the same stage, so each reporter gets the stage email."""
        for request in self.filtered(lambda r: r.is_closed and r.duplicate_count):
            duplicates = request.duplicate_ids.filtered(lambda r: not r.is_closed)
            if duplicates:
                duplicates.write({"stage_id": request.stage_id.id})

    def action_view_duplicates(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("duplicate_of_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
