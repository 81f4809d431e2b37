import re

from freezegun import freeze_time

from odoo.tests import Form, tagged
from odoo.tools import format_date, mute_logger

from .common import NOW, RAW_EMAIL, CitizenRequestCommon, load_french


@tagged("post_install", "-at_install")
class TestCitizenRequestChannels(CitizenRequestCommon):
    @freeze_time(NOW)
    def test_six_channels_one_treatment(self):
        """The same category through each of the six channels: six references,
        the same deadline, the same acknowledgement (or, without email, the
        call-back activity), each made exactly once."""
        Request = self.Request.with_user(self.user_agent)
        web = Request.create(
            {
                "title": "Nid de poule rue Victor Hugo",
                "channel": "web",
                "category_id": self.category.id,
                "contact_name": "Denise Martin",
                "contact_email": "denise.martin@example.net",
            }
        )
        with self.mock_mail_gateway():
            self.format_and_process(
                RAW_EMAIL,
                "Gaston Leroy <gaston.leroy@example.com>",
                self.alias_roads_email,
                subject="Nid de poule rue Victor Hugo (email)",
                target_model="citizen.request",
                target_field="title",
            )
        email = self.Request.search(
            [("title", "=", "Nid de poule rue Victor Hugo (email)")]
        )
        phone = Request.create(
            {
                "title": "Nid de poule rue Victor Hugo (téléphone)",
                "channel": "phone",
                "category_id": self.category.id,
                "contact_name": "Henri Dubois",
                "contact_phone": "06 11 22 33 44",
            }
        )
        wizard = Form(
            self.env["citizen.request.quick.entry"].with_user(self.user_agent)
        )
        wizard.channel = "counter"
        wizard.contact_name = "Irène Moreau"
        wizard.category_id = self.category
        wizard.title = "Nid de poule rue Victor Hugo (accueil)"
        counter = wizard.save()._create_request()
        social = Request.create(
            {
                "title": "Nid de poule rue Victor Hugo (réseau social)",
                "channel": "social",
                "source_ref": "https://social.example/@jules/1234",
                "category_id": self.category.id,
                "contact_name": "Jules Bernard",
                "contact_email": "jules.bernard@example.com",
            }
        )
        api = Request.create(
            {
                "title": "Nid de poule rue Victor Hugo (application)",
                "channel": "api",
                "category_id": self.category.id,
                "contact_name": "Karine Roux",
                "contact_email": "karine.roux@example.com",
            }
        )
        requests = web | email | phone | counter | social | api
        self.assertEqual(len(requests), 6)
        # Acknowledged by the job their creation woke up, not while created.
        self.assertFalse(any(requests.mapped("acknowledgement_method")))
        self.assertEqual(self._run_acknowledgement_job() & requests, requests)
        self.assertEqual(
            sorted(requests.mapped("channel")),
            sorted(["web", "email", "phone", "counter", "social", "api"]),
        )
        # References: DEM-<year>-<number>, all different.
        for request in requests:
            self.assertRegex(request.name, r"^DEM-2026-\d{5}$")
        self.assertEqual(len(set(requests.mapped("name"))), 6)
        # Same deadline: 5 working days after Wednesday 4 March 2026.
        self.assertEqual(
            set(requests.mapped("date_deadline")), {NOW.date().replace(day=11)}
        )
        # Same acknowledgement for every request that gave an email.
        with_email = web | email | social | api
        bodies = set()
        for request in with_email:
            acks = self._acknowledgements(request)
            self.assertEqual(len(acks), 1, request.channel)
            self.assertEqual(request.acknowledgement_method, "email")
            self.assertEqual(request.date_acknowledged, NOW)
            self.assertIn(request.partner_id, acks.recipient_ids)
            self.assertFalse(self._callback_activities(request))
            body = acks.body_html
            self.assertIn(request.name, body)
            self.assertIn(format_date(self.env, NOW.date()), body)  # received
            self.assertIn("Nid de poule", body)  # service in charge
            self.assertIn("01 23 45 67 89", body)  # how to reach it
            self.assertIn("5 working days", body)  # announced delay
            self.assertIn(f"/my/requests/{request.id}", body)  # link to follow
            # Apart from the reference, names and links, all the same text.
            # Compare the message itself, without the layout's preview line.
            normalised = str(acks.mail_message_id.body).replace(request.name, "REF")
            normalised = re.sub(r'href="[^"]*"', "", normalised)
            normalised = normalised.replace(request.partner_id.name, "NAME")
            normalised = normalised.replace(request.title, "TITLE")
            bodies.add(normalised)
        self.assertEqual(len(bodies), 1, bodies)
        # Without email: one call-back activity for the agent, no email.
        for request in phone | counter:
            self.assertFalse(self._acknowledgements(request))
            self.assertEqual(len(self._callback_activities(request)), 1)
            self.assertEqual(request.acknowledgement_method, "callback")
            self.assertEqual(
                self._callback_activities(request).user_id, self.user_agent
            )
        # Re-saving or re-triggering never acknowledges twice.
        requests.write({"description": "<p>Complément</p>"})
        requests._send_acknowledgement()
        self.assertEqual(self.Request._cron_send_acknowledgements(), 0)
        for request in with_email:
            self.assertEqual(len(self._acknowledgements(request)), 1)
        for request in phone | counter:
            self.assertEqual(len(self._callback_activities(request)), 1)

    @freeze_time(NOW)
    def test_requester_matched_or_created(self):
        """The email given is matched to the partner that confirmed it, the
        whole phone to a contact without account; an unknown requester gets a
        new partner."""
        by_email = self._create_request(contact_email="Denise.Martin@Example.NET ")
        self.assertEqual(by_email.partner_id, self.partner_citizen)
        caller = self.env["res.partner"].create(
            {"name": "Mme Morel", "phone": "+33 6 91 82 73 64"}
        )
        by_phone = self._create_request(
            channel="phone", contact_name="Mme Morel", contact_phone="0691827364"
        )
        self.assertEqual(by_phone.partner_id, caller)
        # a number proves nobody's access to a portal account
        self.partner_citizen.phone = "+33 6 91 82 73 65"
        by_phone = self._create_request(
            channel="phone", contact_name="Mme Martin", contact_phone="0691827365"
        )
        self.assertNotEqual(by_phone.partner_id, self.partner_citizen)
        new = self._create_request(
            contact_name="Louis Nouveau", contact_email="louis@example.org"
        )
        self.assertEqual(new.partner_id.name, "Louis Nouveau")
        self.assertEqual(new.partner_id.email, "louis@example.org")
        self.assertEqual(new.requester_kind, "citizen")
        self.assertIn(new.partner_id, new.message_partner_ids)

    @freeze_time(NOW)
    def test_requester_kind_organisation(self):
        school = self.env["res.partner"].create(
            {"name": "École Jules Ferry", "is_company": True}
        )
        director = self.env["res.partner"].create(
            {
                "name": "Mme la directrice",
                "parent_id": school.id,
                "email": "dir@ecole.example.org",
            }
        )
        request = self._create_request(partner_id=director.id)
        self.assertEqual(request.requester_kind, "organisation")
        self.assertEqual(request.contact_email, "dir@ecole.example.org")

    @freeze_time(NOW)
    def test_stage_emails_and_resolution_rating(self):
        """Entering a stage with a template tells the requester; resolving
        sends the resolution email with rating links."""
        request = self._create_request(partner_id=self.partner_citizen.id)
        self.flush_tracking()
        with self.mock_mail_gateway():
            request.stage_id = self.env.ref("citizen_relation.stage_taken")
            self.flush_tracking()
            request.action_resolve()
            self.flush_tracking()
        subjects = self._request_mails(request).mapped("subject")
        self.assertIn(
            f'{request.name}: your request is now "Taken in charge"', subjects
        )
        resolved = self._request_mails(request).filtered(
            lambda m: m.subject == f"{request.name}: your request has been resolved"
        )
        self.assertEqual(len(resolved), 1)
        # the rating is prepared when the link is followed, not per email
        self.assertFalse(request.rating_ids)
        self.assertIn(
            f"/my/requests/{request.id}/rate/5?access_token={request.access_token}",
            resolved.body_html,
        )
        self.assertTrue(request.date_closed)
        request.action_reopen()
        self.assertFalse(request.date_closed)

    @freeze_time(NOW)
    def test_stage_email_from_the_town_to_the_requester_only(self):
        """The status email is written by the town, to the requester alone
        (the agent following the request gets no copy), waits in the mail
        queue until the change is committed, and stays on the request where
        the citizen sees it."""
        request = self._create_request(partner_id=self.partner_citizen.id)
        request.message_subscribe(partner_ids=self.user_agent.partner_id.ids)
        self.flush_tracking()
        request.with_user(self.user_agent).stage_id = self.env.ref(
            "citizen_relation.stage_taken"
        )
        self.flush_tracking()
        mail = self._request_mails(request).filtered(
            lambda m: "Taken in charge" in (m.subject or "")
        )
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.partner_citizen)
        self.assertEqual(mail.author_id, self.company.partner_id)
        self.assertIn(self.company.name, mail.email_from)
        message = mail.mail_message_id
        self.assertFalse(message.subtype_id.internal)
        self.assertIn(message, request.website_message_ids)

    @freeze_time(NOW)
    def test_callback_for_web_request_without_email(self):
        """A request without email that came from the website (no agent
        recorded it) gives the call back to an internal user."""
        public = self.env.ref("base.public_user")
        request = (
            self.Request.with_user(public)
            .sudo()
            .create(
                {
                    "title": "Lampadaire",
                    "category_id": self.category.id,
                    "contact_name": "Sans e-mail",
                    "contact_phone": "02 38 00 11 22",
                }
            )
        )
        self._run_acknowledgement_job()
        activity = self._callback_activities(request)
        self.assertEqual(len(activity), 1)
        self.assertFalse(activity.user_id.share)

    @freeze_time(NOW)
    def test_requests_recorded_closed_are_not_acknowledged(self):
        """Importing the history of closed requests sends nobody an
        acknowledgement; the open ones of the same import are acknowledged."""
        resolved = self.env.ref("citizen_relation.stage_resolved")
        rows = [
            ["Nid de poule 2019", self.category.id, self.partner_citizen.id, ""],
            ["Nid de poule 2020", self.category.id, self.partner_citizen.id, ""],
            ["Nid de poule en cours", self.category.id, self.partner_citizen.id, ""],
        ]
        for row in rows[:2]:
            row[3] = str(resolved.id)
        result = self.Request.with_context(import_file=True).load(
            ["title", "category_id/.id", "partner_id/.id", "stage_id/.id"], rows
        )
        self.assertFalse(result["messages"], result["messages"])
        history = self.Request.browse(result["ids"][:2])
        current = self.Request.browse(result["ids"][2])
        self.assertEqual(set(history.mapped("acknowledgement_method")), {"none"})
        self.assertTrue(all(history.mapped("date_closed")))
        acknowledged = self._run_acknowledgement_job()
        self.assertEqual(acknowledged & (history | current), current)
        self.assertEqual(current.acknowledgement_method, "email")
        for request in history:
            self.assertFalse(self._acknowledgements(request))
            self.assertFalse(self._callback_activities(request))

    @freeze_time(NOW)
    def test_acknowledgement_that_cannot_be_written_falls_back_on_callback(self):
        """A template an administrator broke neither refuses the request nor
        leaves it unacknowledged: an agent is asked to acknowledge it."""
        template = self.env.ref(
            "citizen_relation.mail_template_request_acknowledgement"
        )
        template.subject = "{{ object.no_such_field }}"
        request = self._create_request(partner_id=self.partner_citizen.id)
        self.assertTrue(request.exists())
        with mute_logger(
            "odoo.addons.citizen_relation.models.citizen_request_acknowledgement"
        ):
            self._run_acknowledgement_job()
        self.assertFalse(self._acknowledgements(request))
        self.assertEqual(request.acknowledgement_method, "callback")
        self.assertEqual(len(self._callback_activities(request)), 1)

    @freeze_time(NOW)
    def test_acknowledgement_in_french(self):
        """A French-speaking requester reads the acknowledgement in French."""
        load_french(self.env)
        self.partner_citizen.lang = "fr_FR"
        request = self._create_request(partner_id=self.partner_citizen.id)
        self._run_acknowledgement_job()
        mail = self._request_mails(request)
        self.assertEqual(len(mail), 1)
        self.assertEqual(
            mail.subject, f"{request.name} : nous avons bien reçu votre demande"
        )
        self.assertIn("Délai de traitement annoncé", mail.body_html)
        self.assertIn("jours ouvrés", mail.body_html)
