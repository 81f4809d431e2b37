from datetime import datetime

from freezegun import freeze_time

from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.citizen_relation.models.citizen_request import CHANNELS
from odoo.addons.citizen_relation.tests.common import GATEWAY_HEADERS, raw_email

from .common import NOW, CitizenRoutingCommon

RAW_EMAIL = raw_email(
    "Bonjour,\nIl faudrait une copie de mon acte de naissance.\n", *GATEWAY_HEADERS
)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestRouting(CitizenRoutingCommon):
    def test_every_channel_same_routing(self):
        """Whatever the channel, a pothole goes to the roads team by the same
        rule, in the technical services department."""
        for channel, _label in CHANNELS:
            with self.subTest(channel=channel):
                request = self._new_request(channel=channel)
                self.assertEqual(request.team_id, self.team_roads)
                self.assertEqual(request.department_id, self.department_technical)
                self.assertEqual(request.routing_rule_id, self.rule_roads)
                self.assertIn(request.user_id, self.team_roads.member_ids)

    def test_counter_agent_entry_routed(self):
        """A request typed at the counter by a front-desk agent is routed like
        the others, and the agent still sees the request they entered."""
        request = self._new_request(user=self.user_front, channel="counter")
        self.assertEqual(request.team_id, self.team_roads)
        self.assertEqual(request.with_user(self.user_front).title, request.title)

    def test_email_to_team_alias(self):
        """A message to a team's alias creates a request for that team, even
        when a rule would send its text elsewhere."""
        request = self.format_and_process(
            RAW_EMAIL,
            "Jean Martin <jean.martin@example.org>",
            f"voirie-tests@{self.alias_domain}",
            subject="Trottoir abîmé",
            target_model="citizen.request",
            target_field="title",
        )
        self.assertEqual(len(request), 1)
        self.assertEqual(request.channel, "email")
        self.assertEqual(request.team_id, self.team_roads)
        self.assertFalse(request.routing_rule_id)
        self.assertIn(request.user_id, self.team_roads.member_ids)

    def test_email_to_town_alias_routed_by_rules(self):
        """A message to the town's general address is routed like any other
        request: its text asks for a birth certificate, so the keyword rule
        sends it to the civil registry."""
        self.env["mail.alias"].create(
            {
                "alias_name": "demandes-tests",
                "alias_model_id": self.env["ir.model"]._get_id("citizen.request"),
                "alias_domain_id": self.mail_alias_domain.id,
                "alias_contact": "everyone",
            }
        )
        request = self.format_and_process(
            RAW_EMAIL,
            "Jean Martin <jean.martin@example.org>",
            f"demandes-tests@{self.alias_domain}",
            subject="Demande de document",
            target_model="citizen.request",
            target_field="title",
        )
        self.assertEqual(len(request), 1)
        self.assertEqual(request.channel, "email")
        self.assertEqual(request.team_id, self.team_civil)
        self.assertEqual(request.routing_rule_id, self.rule_civil)
        self.assertIn(request.user_id, self.team_civil.member_ids)

    def test_keywords_ignore_case_and_accents(self):
        request = self._new_request(
            category_id=self.category_other.id,
            title="Demande d'ACTE DE NAISSANCE",
        )
        self.assertEqual(request.team_id, self.team_civil)
        self.assertEqual(request.routing_rule_id, self.rule_civil)
        self.rule_civil.keywords = "élagage"
        request = self._new_request(
            category_id=self.category_other.id,
            title="Arbre",
            description="<p>Un ELAGAGE est nécessaire</p>",
        )
        self.assertEqual(request.team_id, self.team_civil)

    def test_first_matching_rule_wins(self):
        """Two rules match: the first in sequence order routes, and
        reordering the rules changes the outcome."""
        tag = self.env["citizen.request.tag"].create({"name": "Urgent voirie"})
        rule_urgent = self.env["citizen.routing.rule"].create(
            {
                "name": "Trous signalés par téléphone",
                "sequence": 5,
                "category_ids": [Command.link(self.category_pothole.id)],
                "channel": "phone",
                "team_id": self.team_roads.id,
                "user_id": self.user_roads_3.id,
                "priority": "2",
                "tag_ids": [Command.link(tag.id)],
            }
        )
        phone = self._new_request(channel="phone")
        self.assertEqual(phone.routing_rule_id, rule_urgent)
        self.assertEqual(phone.user_id, self.user_roads_3)
        self.assertEqual(phone.priority, "2")
        self.assertEqual(phone.tag_ids, tag)
        web = self._new_request(channel="web")
        self.assertEqual(web.routing_rule_id, self.rule_roads)
        self.assertNotEqual(web.priority, "2")

        rule_urgent.sequence = 50
        phone = self._new_request(channel="phone")
        self.assertEqual(phone.routing_rule_id, self.rule_roads)

    def test_fallback_to_triage_team(self):
        request = self._new_request(
            category_id=self.category_other.id, title="Question diverse"
        )
        self.assertEqual(request.team_id, self.team_front)
        self.assertFalse(request.routing_rule_id)
        self.assertFalse(request.user_id, "The front desk assigns by hand.")

    def test_district_and_requester_kind(self):
        rule_school = self.env["citizen.routing.rule"].create(
            {
                "name": "Écoles du quartier des Tilleuls",
                "sequence": 1,
                "district": "Les Tilleuls, Centre",
                "requester_kind": "organisation",
                "team_id": self.team_civil.id,
            }
        )
        from_school = self._new_request(
            partner_id=self.school.id, district="les tilleuls"
        )
        self.assertEqual(from_school.routing_rule_id, rule_school)
        # every term of the list counts, not the first only
        from_centre = self._new_request(partner_id=self.school.id, district="Centre")
        self.assertEqual(from_centre.routing_rule_id, rule_school)
        from_citizen = self._new_request(district="Les Tilleuls")
        self.assertEqual(from_citizen.routing_rule_id, self.rule_roads)
        elsewhere = self._new_request(partner_id=self.school.id, district="Gare")
        self.assertEqual(elsewhere.routing_rule_id, self.rule_roads)

    def test_category_change_reroutes(self):
        """Changing the category routes the request again and keeps the
        change in the transfer history."""
        request = self._new_request(category_id=self.category_other.id)
        self.assertEqual(request.team_id, self.team_front)
        request.with_user(self.user_front).category_id = self.category_pothole
        self.assertEqual(request.team_id, self.team_roads)
        self.assertEqual(request.routing_rule_id, self.rule_roads)
        self.assertIn(request.user_id, self.team_roads.member_ids)
        self.assertEqual(len(request.transfer_ids), 1)
        self.assertEqual(request.transfer_ids.from_team_id, self.team_front)
        self.assertEqual(request.transfer_ids.to_team_id, self.team_roads)
        self.assertEqual(request.transfer_ids.user_id, self.user_front)

    def test_balanced_burst(self):
        """Nine requests arriving together are spread three by three, and the
        member who already had open work gets less of the burst."""
        self.team_roads.maintenance_team_id = False
        requests = self.Request.create(
            [
                {"title": f"Nid de poule {i}", "category_id": self.category_pothole.id}
                for i in range(9)
            ]
        )
        counts = {
            user: len(requests.filtered(lambda r, u=user: r.user_id == u))
            for user in self.team_roads.member_ids
        }
        self.assertEqual(sorted(counts.values()), [3, 3, 3])

        # Rémi closes nothing while the others' requests are resolved.
        (requests - requests.filtered(lambda r: r.user_id == self.user_roads_1)).write(
            {"stage_id": self.Request._get_resolved_stage().id}
        )
        burst = self.Request.create(
            [
                {"title": f"Trou {i}", "category_id": self.category_pothole.id}
                for i in range(4)
            ]
        )
        self.assertFalse(burst.filtered(lambda r: r.user_id == self.user_roads_1))
        self.assertEqual(
            len(burst.filtered(lambda r: r.user_id == self.user_roads_2)), 2
        )

    def test_round_robin(self):
        users = [
            self._new_request(
                category_id=self.category_other.id, title=f"Acte de naissance {i}"
            ).user_id
            for i in range(4)
        ]
        self.assertEqual(
            users,
            [self.user_civil, self.user_civil_2, self.user_civil, self.user_civil_2],
        )

    def test_routing_cost_does_not_grow_with_rules(self):
        """Rules are loaded once and matched in Python: thirty more rules do
        not cost a single query more."""
        self.team_roads.maintenance_team_id = False

        def count_queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._new_request(title="Nid de poule place du Marché")
            return self.env.cr.sql_log_count - before

        Rule = self.env["citizen.routing.rule"]

        def add_rules(count):
            Rule.create(
                [
                    {
                        "name": f"Règle {i}",
                        "sequence": 1,
                        "keywords": f"mot{i}",
                        "district": f"Quartier {i}",
                        "category_ids": [Command.link(self.category_civil.id)],
                        "team_id": self.team_civil.id,
                    }
                    for i in range(count)
                ]
            )

        add_rules(2)
        count_queries()  # warm up caches
        few = count_queries()
        add_rules(30)
        # the rules are kept per worker: adding some clears what the worker
        # kept, paid again once by the next request
        count_queries()
        many = count_queries()
        self.assertEqual(many, few)

    def test_rules_of_other_categories_and_channels_left_out(self):
        """The rules are narrowed in the query that loads them: those of
        other categories, channels or towns are not even read, while a rule
        on a parent category or without conditions stays a candidate."""
        Rule = self.env["citizen.routing.rule"]
        phone_only = Rule.create(
            {
                "name": "Trous signalés par téléphone",
                "sequence": 1,
                "category_ids": [Command.link(self.category_pothole.id)],
                "channel": "phone",
                "team_id": self.team_civil.id,
            }
        )
        civil_only = Rule.create(
            {
                "name": "Actes",
                "sequence": 1,
                "category_ids": [Command.link(self.category_civil.id)],
                "team_id": self.team_civil.id,
            }
        )
        other_town = self.env["res.company"].create({"name": "Autre commune"})
        elsewhere = Rule.with_company(other_town).create(
            {
                "name": "Voirie ailleurs",
                "sequence": 1,
                "company_id": other_town.id,
                "team_id": self.env["citizen.team"]
                .with_company(other_town)
                .create({"name": "Voirie ailleurs", "company_id": other_town.id})
                .id,
            }
        )
        request = self._new_request(channel="web")
        self.assertEqual(request.routing_rule_id, self.rule_roads)
        candidates = Rule._get_active_rules([request._get_routing_facts()])
        self.assertIn(self.rule_roads, candidates)
        self.assertIn(self.rule_civil, candidates)
        self.assertNotIn(phone_only, candidates)
        self.assertNotIn(civil_only, candidates)
        self.assertNotIn(elsewhere, candidates)
        phone = self._new_request(channel="phone")
        self.assertEqual(phone.routing_rule_id, phone_only)

    def test_acknowledgement_names_the_service(self):
        """The legal acknowledgement names the department now in charge."""
        with self.mock_mail_gateway():
            request = self._new_request()
        ack = self._new_mails.filtered(lambda m: self.citizen in m.recipient_ids)
        self.assertEqual(len(ack), 1)
        self.assertIn(request.name, ack.subject)
        self.assertIn("Services techniques", ack.body_html)

    def test_assignee_given_at_creation_is_kept(self):
        """An agent who records a request for a colleague keeps that choice;
        routing only picks the team."""
        request = self._new_request(user_id=self.user_civil.id)
        self.assertEqual(request.team_id, self.team_roads)
        self.assertEqual(request.user_id, self.user_civil)

    def test_members_on_leave_are_skipped(self):
        """A member away today gets none of the new requests."""
        self.team_roads.maintenance_team_id = False
        resource = self.env["resource.resource"].create(
            {"name": self.user_roads_2.name, "user_id": self.user_roads_2.id}
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Congés",
                "resource_id": resource.id,
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 3, 2, 0, 0),
                "date_to": datetime(2026, 3, 6, 23, 0),
            }
        )
        requests = self.Request.create(
            [
                {"title": f"Nid de poule {i}", "category_id": self.category_pothole.id}
                for i in range(6)
            ]
        )
        self.assertFalse(requests.filtered(lambda r: r.user_id == self.user_roads_2))
        self.assertEqual(
            sorted(requests.mapped("user_id").ids),
            sorted((self.user_roads_1 | self.user_roads_3).ids),
        )
