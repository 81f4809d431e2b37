from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, html2plaintext

from .citizen_request_duplicate import (
    _distance_meters,
    _normalize_street,
    _significant_words,
)


class CitizenRequest(models.Model):
    """Residents who report again what is already reported: instead of a new
    request, they follow the existing one, get its acknowledgement and its
    status emails, and agents see how many people reported it."""

    _inherit = "citizen.request"  # pylint: disable=consider-merging-classes-inherited

    reporter_partner_ids = fields.Many2many(
        "res.partner",
        "citizen_request_reporter_rel",
        "request_id",
        "partner_id",
        string="Also Reported By",
        copy=False,
        help="Residents who reported this again and chose to follow it rather "
        "than file a new request; they get its status emails.",
    )
    reporter_count = fields.Integer(
        string="Reported By",
        compute="_compute_reporter_count",
        store=True,
        precompute=True,
        help="People who reported it: the requester, the residents who "
        "followed it instead of reporting it again, and the requesters of "
        "its duplicates.",
    )

    @api.depends("reporter_partner_ids", "duplicate_count")
    def _compute_reporter_count(self):
        for request in self:
            request.reporter_count = (
                1 + len(request.reporter_partner_ids) + request.duplicate_count
            )

    # ------------------------------------------------------------------
    # Already reported nearby
    # ------------------------------------------------------------------

    def _get_nearby_distance(self):
        """Distance (metres) within which an open request of the same
        category is offered to a citizen about to report it again."""
        get_param = self.env["ir.config_parameter"].sudo().get_param
        try:
            return max(1.0, float(get_param("citizen_relation.nearby_distance", 50)))
        except ValueError:
            return 50.0

    @api.model
    def _find_nearby_open_requests(self, category, latitude, longitude, limit=5):
        """Open requests that a citizen at this position, reporting in this
        public category, most likely reports again: those the duplicate
        engine would find (same category, open, not a duplicate, recent),
        within the nearby distance, nearest first, as (request, metres)."""
        if not (category and category.is_public and latitude and longitude):
            return []
        probe = self.new(
            {
                "category_id": category.id,
                "latitude": latitude,
                "longitude": longitude,
                "company_id": category.company_id.id or self.env.company.id,
            }
        )
        distance = self._get_nearby_distance()
        found = []
        for other in probe._find_duplicate_candidates(limit=50):
            if not (other.latitude and other.longitude):
                continue
            metres = _distance_meters(
                latitude, longitude, other.latitude, other.longitude
            )
            if metres <= distance and other._is_followable():
                found.append((other, metres))
        found.sort(key=lambda pair: (pair[1], pair[0].id))
        return found[:limit]

    def _find_confident_duplicate(self):
        """The open request this one surely reports again, if any: among the
        duplicate engine's candidates, the first within the nearby distance
        when both have a position (a long avenue has many problems of one
        kind: the street and the words do not make two far places one), or,
        when one of them has none, the first in the same street with words in
        common."""
        self.ensure_one()
        distance = self._get_nearby_distance()
        street = _normalize_street(self.street)
        words = _significant_words(
            f"{self.title} {html2plaintext(self.description or '')}"
        )
        for other in self._find_duplicate_candidates():
            if self.latitude and self.longitude and other.latitude and other.longitude:
                metres = _distance_meters(
                    self.latitude, self.longitude, other.latitude, other.longitude
                )
                if metres <= distance:
                    return other
                continue
            other_words = _significant_words(
                f"{other.title} {html2plaintext(other.description or '')}"
            )
            if (
                street
                and street == _normalize_street(other.street)
                and (words & other_words)
            ):
                return other
        return self.browse()

    def _link_confident_duplicates(self):
        """Link each request to the open request it surely reports again: it
        keeps its own reference, and its requester follows the original."""
        for request in self.filtered(lambda r: not r.duplicate_of_id):
            original = request._find_confident_duplicate()
            if original:
                request.duplicate_of_id = original

    def _is_followable(self):
        """Whether residents may follow this request instead of reporting it
        again: it is open, not a duplicate, and of a public category."""
        self.ensure_one()
        return bool(
            not self.is_closed
            and not self.duplicate_of_id
            and self.category_id.is_public
            and not self.is_anonymized
        )

    def _add_reporter(self, name, email):
        """A resident follows this request instead of reporting it again.

        They are found as on every channel (``_match_partner``: the contact
        that confirmed this address, never an account by an address typed
        alone), else a contact is created for them. Following twice changes
        nothing and sends nothing. Returns the contact.
        """
        self.ensure_one()
        email = email_normalize(email or "")
        if not email:
            raise UserError(self.env._("Please give a valid email address."))
        if not self._is_followable():
            raise UserError(self.env._("This request can no longer be followed."))
        # one follow at a time per request: a double submit waits for the
        # first, then finds the contact it made and the link it wrote
        self.env.cr.execute(
            "SELECT id FROM citizen_request WHERE id = %s FOR UPDATE", [self.id]
        )
        partner = self._match_partner(email, False) or self._create_requester(
            (name or "").strip() or email, email, False
        )
        if partner == self.partner_id or partner in self.reporter_partner_ids:
            return partner
        # not a follower of the thread: that would send them the requester's
        # correspondence with the town (replies naming the requester, the
        # requester's own emails). They get the town's status emails to them
        # (_notify_reporters_of_stage) and nothing else.
        self.write({"reporter_partner_ids": [Command.link(partner.id)]})
        self.message_post(
            body=self.env._(
                "%(name)s reported this again and follows it.", name=partner.name
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._send_reporter_acknowledgement(partner)
        return partner

    def _send_reporter_mail(self, template, partner):
        """Send ``template`` to a resident who follows this request, as the
        town. Their templates are not the requester's: those name the
        requester, quote their own title and carry the signed link of their
        page."""
        self.ensure_one()
        if not template or not partner.email:
            return
        author = self._get_acknowledgement_author()
        template.with_context(
            citizen_reporter_name=partner.name, lang=partner.lang or self.env.lang
        ).send_mail(
            self.id,
            email_values={
                "recipient_ids": [Command.set(partner.ids)],
                "email_to": False,
                "email_cc": False,
                "author_id": author["author_id"],
                **(
                    {"email_from": author["email_from"]}
                    if "email_from" in author
                    else {}
                ),
            },
            email_layout_xmlid="mail.mail_notification_light",
        )

    def _send_reporter_acknowledgement(self, partner):
        """The acknowledgement of receipt, telling the resident which
        reference they now follow."""
        self._send_reporter_mail(
            self._ref(
                "citizen_relation.mail_template_request_reporter_acknowledgement"
            ),
            partner,
        )

    def _notify_reporters_of_stage(self):
        """On a change of stage that emails the requester, the residents who
        follow the request get the status email too."""
        template = self._ref("citizen_relation.mail_template_request_reporter_status")
        # the stored count tells, without reading the followers, whether
        # anybody followed the request that way
        followed = self.filtered(lambda r: r.reporter_count > 1 + r.duplicate_count)
        for request in followed:
            if not request.stage_id.mail_template_id:
                continue
            for partner in request.reporter_partner_ids:
                request._send_reporter_mail(template, partner)

    def write(self, vals):
        res = super().write(vals)
        if "stage_id" in vals:
            self._notify_reporters_of_stage()
        return res

    def action_view_reporters(self):
        """The people who reported it: requester, residents who followed it
        instead, requesters of its duplicates."""
        self.ensure_one()
        partners = (
            self.partner_id | self.reporter_partner_ids | self.duplicate_ids.partner_id
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reported by"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("id", "in", partners.ids)],
            "context": {"create": False},
        }
