import unicodedata

from odoo import api, fields, models, tools
from odoo.tools import html2plaintext

from odoo.addons.citizen_relation.models.citizen_request_category import PRIORITIES


def normalize_text(text):
    """Lower-case text without accents, so that "Élagage" matches "elagage"."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def normalize_term(text):
    """A district or keyword as it is compared: see ``normalize_text``,
    without the spaces around it."""
    return normalize_text(text).strip()


def split_terms(text):
    """The terms of a comma-separated list, each as ``normalize_term``."""
    return [term for term in map(normalize_term, (text or "").split(",")) if term]


class CitizenRoutingRule(models.Model):
    _name = "citizen.routing.rule"
    # the rules that may route a request are kept per worker
    # (_get_active_rule_ids): a rule created, changed or deleted clears them
    _inherit = ["citizen.cached.source"]
    _description = "Citizen Request Routing Rule"
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    # Conditions: an empty condition matches every request.
    category_ids = fields.Many2many(
        "citizen.request.category",
        string="Categories",
        check_company=True,
        help="Matches requests of these categories or of their subcategories.",
    )
    channel = fields.Selection(
        selection=lambda self: self.env["citizen.request"]
        ._fields["channel"]
        ._description_selection(self.env),
        help="Matches requests received through this channel only.",
    )
    keywords = fields.Char(
        help="Comma-separated words; matches when one of them appears in the "
        "title or the description (case and accents ignored).",
    )
    district_ids = fields.Many2many(
        "citizen.district",
        string="Districts",
        check_company=True,
        help="Matches requests located in one of these districts of the map "
        "(found from their position, or chosen by hand).",
    )
    district = fields.Char(
        string="Districts (typed)",
        help="Comma-separated district names; matches requests whose district "
        "(found on the map or typed) is one of them.",
    )
    requester_kind = fields.Selection(
        [("citizen", "Citizen"), ("organisation", "Partner organisation")],
        help="Matches requests from citizens only, or from partner organisations "
        "(associations, schools) only.",
    )
    # Actions
    team_id = fields.Many2one(
        "citizen.team", required=True, ondelete="cascade", check_company=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assignee",
        domain="[('share', '=', False)]",
        help="When empty, the team's assignment method picks the agent.",
    )
    priority = fields.Selection(
        PRIORITIES, help="When set, raises the request to this priority."
    )
    tag_ids = fields.Many2many(
        "citizen.request.tag", string="Tags", help="Added to the routed requests."
    )
    request_count = fields.Integer(compute="_compute_request_count")

    def _compute_request_count(self):
        groups = self.env["citizen.request"]._read_group(
            [("routing_rule_id", "in", self.ids)], ["routing_rule_id"], ["__count"]
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.request_count = counts.get(rule.id, 0)

    @api.model
    def _get_active_rules(self, facts_list=None):
        """The active rules, their conditions loaded in one go.

        Routing a batch of requests reads the rules once and matches them in
        Python (:meth:`_matches`), so the cost does not grow with the number
        of rules. Given the facts of the batch's requests, only the rules
        that may apply are read (those of their companies, categories and
        channels, kept per worker: :meth:`_get_active_rule_ids`); a town
        without such rules reads none.
        """
        if facts_list is None:
            domain = [("active", "=", True)]
        else:
            ids = self._get_active_rule_ids(
                tuple(sorted({f["company_id"] for f in facts_list})),
                tuple(sorted({f["channel"] or "" for f in facts_list})),
                tuple(sorted(set().union(*(f["category_ids"] for f in facts_list)))),
            )
            if not ids:
                return self.browse()
            # read again by their ids: a rule the kept ids name but that no
            # longer exists (created by a transaction rolled back) is left out
            domain = [("id", "in", ids), ("active", "=", True)]
        return self.search_fetch(
            domain,
            [
                "company_id",
                "category_ids",
                "channel",
                "keywords",
                "district",
                "district_ids",
                "requester_kind",
                "team_id",
                "user_id",
                "priority",
                "tag_ids",
            ],
        )

    @api.model
    @tools.ormcache("company_ids", "channels", "category_ids")
    def _get_active_rule_ids(self, company_ids, channels, category_ids):
        """Ids of the active rules of these companies that may apply to
        requests of these channels and categories (or their parents).

        Kept per worker: every new request needs them, and a town changes
        its rules seldom. Creating, changing or deleting a rule clears them
        (``citizen.cached.source``), as does deleting a category a rule
        names (the rule may then apply to every category).
        """
        domain = [
            ("active", "=", True),
            ("company_id", "in", list(company_ids)),
            "|",
            ("channel", "=", False),
            ("channel", "in", [channel for channel in channels if channel]),
            "|",
            ("category_ids", "=", False),
            ("category_ids", "in", list(category_ids)),
        ]
        # sudo: the same rules whoever files the request
        return tuple(self.sudo().search(domain).ids)

    def _matches(self, facts):
        """Whether this rule applies to a request described by ``facts``.

        ``facts`` is the dictionary built by
        ``citizen.request._get_routing_facts()``.
        """
        self.ensure_one()
        if self.company_id.id != facts["company_id"]:
            return False
        if self.category_ids and not (
            set(self.category_ids.ids) & facts["category_ids"]
        ):
            return False
        if self.channel and self.channel != facts["channel"]:
            return False
        if self.requester_kind and self.requester_kind != facts["requester_kind"]:
            return False
        if self.district_ids and facts.get("district_id") not in self.district_ids.ids:
            return False
        if self.district and facts["district"] not in split_terms(self.district):
            return False
        if self.keywords and not any(
            term in facts["text"] for term in split_terms(self.keywords)
        ):
            return False
        return True

    @api.model
    def _facts_text(self, title, description):
        return normalize_text(f"{title or ''} {html2plaintext(description or '')}")

    def action_view_requests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "citizen_relation.citizen_request_action"
        )
        action["domain"] = [("routing_rule_id", "=", self.id)]
        return action
