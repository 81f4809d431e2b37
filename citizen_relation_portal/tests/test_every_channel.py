"""Acceptance: one pothole reported through each channel's real entry point.

Whatever the way in — the public web form, an email to the town's alias, the
phone and the counter through the front desk's quick entry, a social-network
connector, a mobile app through Open311 — the request gets a reference, is
routed by the same rule to the same team, gets the same deadline and one
acknowledgement (an email, or the call-back task when no address is known).
"""

import json
import xmlrpc.client
from datetime import date, datetime

from freezegun import freeze_time

from odoo import http
from odoo.fields import Command
from odoo.tests import Form, HttpCase, new_test_user, tagged

from odoo.addons.citizen_relation.tests.common import (
    raw_email,
    run_acknowledgement_job,
)

# A Monday: ten working days later is Monday 16 March.
NOW = "2026-03-02 09:00:00"
EXPECTED_DEADLINE = date(2026, 3, 16)

RAW_EMAIL = raw_email(
    "Bonjour, un nid de poule profond devant le 12 rue Victor Hugo.\n",
    email_from="Gaston Leroy <gaston.leroy@example.com>",
    subject="Nid de poule rue Victor Hugo",
    msg_id="<pothole-victor-hugo-acceptance@example.com>",
    date="Mon, 02 Mar 2026 09:00:00 +0000",
)


@tagged("post_install", "-at_install", "citizen_acceptance")
class TestEveryChannelOneTreatment(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.category = env["citizen.request.category"].create(
            {
                "name": "Nid de poule (recette)",
                "code": "ACC-POTHOLE",
                "is_public": True,
                "delay_days": 10,
            }
        )
        cls.agent = new_test_user(
            env,
            login="agent_voirie_recette",
            name="Agent Voirie",
            email="agent.voirie@example.com",
            groups="citizen_relation.group_citizen_agent",
        )
        cls.front_desk = new_test_user(
            env,
            login="accueil_recette",
            name="Agent Accueil",
            groups="citizen_relation.group_citizen_agent",
        )
        cls.admin = new_test_user(
            env, login="admin_recette", groups="base.group_system"
        )
        cls.team = env["citizen.team"].create(
            {
                "name": "Voirie (recette)",
                "department_id": env["hr.department"]
                .create({"name": "Services techniques (recette)"})
                .id,
                "leader_id": cls.agent.id,
                "member_ids": [Command.set(cls.agent.ids)],
                "assignment_method": "manual",
            }
        )
        cls.front_desk_team = env["citizen.team"].create(
            {
                "name": "Accueil (recette)",
                "member_ids": [Command.set(cls.front_desk.ids)],
            }
        )
        # The rule every channel must go through, placed before any other.
        cls.rule = env["citizen.routing.rule"].create(
            {
                "name": "Potholes to the roads team",
                "sequence": -100,
                "category_ids": [Command.set(cls.category.ids)],
                "team_id": cls.team.id,
            }
        )
        domain = env["mail.alias.domain"].search([], limit=1) or env[
            "mail.alias.domain"
        ].create({"name": "recette.example.com"})
        cls.alias = env["mail.alias"].create(
            {
                "alias_name": "nids-de-poule-recette",
                "alias_model_id": env["ir.model"]._get_id("citizen.request"),
                "alias_domain_id": domain.id,
                "alias_contact": "everyone",
                "alias_defaults": repr({"category_id": cls.category.id}),
            }
        )
        cls.api_client = env["citizen.api.client"].create(
            {"name": "Application mobile (recette)", "channel": "api"}
        )
        cls.api_key = cls.api_client._set_new_key()
        cls.connector = env["citizen.api.client"].create(
            {"name": "Réseaux sociaux (recette)", "channel": "social"}
        )
        cls.connector_key = cls.connector._set_new_key()

    def _find(self, **domain):
        return self.env["citizen.request"].search(
            [(field, "=", value) for field, value in domain.items()]
        )

    def _file_by_web_form(self):
        self.authenticate(None, None)
        response = self.url_open(
            "/requests/new",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "category_id": str(self.category.id),
                "title": "Nid de poule rue Victor Hugo",
                "description": "Devant le 12, très profond.",
                "street": "12 rue Victor Hugo",
                "contact_name": "Denise Martin",
                "contact_email": "denise.martin@example.net",
                "consent": "1",
            },
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        return self._find(channel="web", contact_email="denise.martin@example.net")

    def _file_by_email(self):
        """Through XML-RPC, as a mail server's pipe (make mail-in) delivers it."""
        raw = RAW_EMAIL.format(to=self.alias.display_name)
        self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.admin.id,
            "admin_recette",
            "mail.thread",
            "message_process",
            [False, xmlrpc.client.Binary(raw.encode())],
            {},
        )
        return self._find(
            channel="email", source_ref="<pothole-victor-hugo-acceptance@example.com>"
        )

    def _file_at_front_desk(self, channel, **contact):
        entry = Form(self.env["citizen.request.quick.entry"].with_user(self.front_desk))
        entry.channel = channel
        entry.category_id = self.category
        entry.title = f"Nid de poule rue Victor Hugo ({channel})"
        for field, value in contact.items():
            setattr(entry, field, value)
        return entry.save()._create_request()

    def _file_by_connector(self):
        response = self.url_open(
            "/citizen/api/v1/requests",
            data=json.dumps(
                {
                    "source_id": "post-4242",
                    "source_url": "https://social.example/mairie/posts/4242",
                    "description": "Nid de poule rue Victor Hugo, attention vélos",
                    "category_code": "ACC-POTHOLE",
                    "contact_name": "@cycliste",
                }
            ),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.connector_key}",
            },
        )
        self.assertEqual(response.status_code, 201, response.text)
        return self._find(name=response.json()["reference"])

    def _file_by_open311(self):
        response = self.url_open(
            "/open311/v2/requests.json",
            data={
                "api_key": self.api_key,
                "service_code": "ACC-POTHOLE",
                "address_string": "12 rue Victor Hugo",
                "description": "Nid de poule rue Victor Hugo",
                "email": "oscar.app@example.org",
                "first_name": "Oscar",
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        reference = response.json()[0]["service_request_id"]
        return self._find(name=reference)

    @freeze_time(NOW)
    def test_every_channel_one_treatment(self):
        requests = {
            "web": self._file_by_web_form(),
            "email": self._file_by_email(),
            "phone": self._file_at_front_desk(
                "phone", contact_name="Henri Dubois", contact_phone="06 11 22 33 44"
            ),
            "counter": self._file_at_front_desk(
                "counter",
                contact_name="Irène Moreau",
                contact_email="irene.moreau@example.net",
            ),
            "social": self._file_by_connector(),
            "api": self._file_by_open311(),
        }
        references = set()
        for channel, citizen_request in requests.items():
            with self.subTest(channel=channel):
                self.assertEqual(len(citizen_request), 1)
                self.assertEqual(citizen_request.channel, channel)
                self.assertRegex(citizen_request.name, r"^DEM-2026-\d+$")
                references.add(citizen_request.name)
                self.assertEqual(citizen_request.category_id, self.category)
                self.assertEqual(citizen_request.routing_rule_id, self.rule)
                self.assertEqual(citizen_request.team_id, self.team)
                self.assertEqual(citizen_request.date_deadline, EXPECTED_DEADLINE)
        self.assertEqual(len(references), 6, "every request has its own reference")

        # A moment later the scheduler acknowledges them, all in the same way.
        acknowledged = run_acknowledgement_job(self.env)
        for citizen_request in requests.values():
            self.assertIn(citizen_request, acknowledged)

        acknowledgement = self.env.ref(
            "citizen_relation.mail_template_request_acknowledgement"
        )
        callback = self.env.ref("citizen_relation.mail_activity_type_acknowledge")
        for channel, citizen_request in requests.items():
            with self.subTest(channel=channel):
                subject = acknowledgement._render_field(
                    "subject", citizen_request.ids, compute_lang=True
                )[citizen_request.id]
                sent = citizen_request.message_ids.filtered(
                    lambda message, subject=subject: message.subject == subject
                )
                tasks = citizen_request.activity_ids.filtered(
                    lambda activity: activity.activity_type_id == callback
                )
                if channel in ("phone", "social"):
                    # No email address given: the agent calls back or writes.
                    self.assertFalse(sent)
                    self.assertEqual(len(tasks), 1)
                    self.assertEqual(citizen_request.acknowledgement_method, "callback")
                    self.assertFalse(citizen_request.date_acknowledged)
                else:
                    self.assertEqual(len(sent), 1, "one acknowledgement, not two")
                    self.assertFalse(tasks)
                    self.assertEqual(citizen_request.acknowledgement_method, "email")
                    self.assertEqual(
                        citizen_request.date_acknowledged, datetime(2026, 3, 2, 9)
                    )
                    self.assertIn(citizen_request.name, sent.body)
