from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.base.tests.common import new_test_user

from .common import NOW, RAW_EMAIL, CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestIdentity(CitizenRequestCommon):
    """A typed address or phone is not an identity: requests and incoming
    emails go to the contact that confirmed the address, never to an account
    whose owner only typed it, nor to a member of the staff."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A portal account whose name sorts first, as Odoo lists accounts.
        cls.user_impostor = new_test_user(
            cls.env,
            login="usurpateur",
            name="Adrien Usurpateur",
            email="adrien@example.com",
            groups="base.group_portal",
            company_id=cls.company.id,
        )
        cls.impostor = cls.user_impostor.partner_id
        # A citizen known to the town, recorded by an agent.
        cls.victim = cls.env["res.partner"].create(
            {"name": "Gaston Leroy", "email": "gaston.leroy@example.com"}
        )
        cls.victim_request = cls._create_request(
            cls,
            title="Fuite chez moi, 3 rue Basse",
            partner_id=cls.victim.id,
            contact_email="gaston.leroy@example.com",
        )

    def _type_address_on_account(self, user, email):
        """What the portal's account page does: its owner writes on their own
        contact, through a sudo."""
        user.partner_id.with_user(user).sudo().write({"email": email})

    def _receive_email(self, email_from, msg_id):
        with self.mock_mail_gateway():
            self.env["mail.thread"].sudo().message_process(
                None,
                self.format(
                    RAW_EMAIL,
                    email_from=email_from,
                    to=self.alias_email,
                    subject="Encore une fuite",
                    msg_id=msg_id,
                ),
            )
        return self.Request.search([("source_ref", "=", msg_id)])

    def test_address_typed_by_its_owner_is_not_confirmed(self):
        """The staff confirms what it writes; the owner of an account does
        not, by typing an address on it."""
        self.assertEqual(
            self.victim.citizen_confirmed_email, "gaston.leroy@example.com"
        )
        self._type_address_on_account(self.user_impostor, "Gaston.Leroy@example.com")
        self.assertEqual(self.impostor.email_normalized, "gaston.leroy@example.com")
        self.assertEqual(self.impostor.citizen_confirmed_email, "adrien@example.com")
        self.impostor.write({"email": "adrien.u@example.com"})
        self.assertEqual(self.impostor.citizen_confirmed_email, "adrien.u@example.com")

    def test_address_written_by_a_plain_employee_is_not_confirmed(self):
        """Regression: every employee may edit contacts in Odoo, and an
        address any of them wrote counted as confirmed; one could send a
        citizen's next notifications and signed links to an address of their
        choosing. Only citizen-relation agents and administrators confirm an
        address, and the others may not change a requester's."""
        employee = new_test_user(
            self.env,
            login="employe.simple",
            groups="base.group_user,base.group_partner_manager",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            self.victim.with_user(employee).write({"email": "ailleurs@example.com"})
        self.assertEqual(self.victim.email_normalized, "gaston.leroy@example.com")
        # a contact who filed nothing: the address is written, unconfirmed
        created = (
            self.env["res.partner"]
            .with_user(employee)
            .create({"name": "Contact saisi", "email": "saisi@example.com"})
        )
        self.assertFalse(created.citizen_confirmed_email)
        created.with_user(employee).write({"email": "ailleurs@example.com"})
        self.assertFalse(created.citizen_confirmed_email)
        self.assertFalse(
            self.Request._match_partner("ailleurs@example.com", False),
            "the address an employee typed designates nobody",
        )
        # an agent (with Odoo's Contact Creation, as every new employee)
        # vouches for what they write
        self.user_agent.groups_id += self.env.ref("base.group_partner_manager")
        self.victim.with_user(self.user_agent).write({"email": "gaston@example.com"})
        self.assertEqual(self.victim.citizen_confirmed_email, "gaston@example.com")

    @freeze_time(NOW)
    def test_email_of_an_address_typed_on_an_account_is_not_theirs(self):
        """Regression: a portal user typing someone's address on their account
        got that person's next email to the alias as a request of their own
        (Odoo takes the account holding an address for its sender)."""
        self._type_address_on_account(self.user_impostor, "gaston.leroy@example.com")
        request = self._receive_email(
            "Gaston Leroy <gaston.leroy@example.com>", "<gaston-2@example.com>"
        )
        self.assertEqual(request.partner_id, self.victim)
        self.assertNotEqual(request.create_uid, self.user_impostor)
        incoming = request.message_ids.filtered(
            lambda m: m.message_id == "<gaston-2@example.com>"
        )
        self.assertEqual(incoming.author_id, self.victim)
        Request = self.Request.with_user(self.user_impostor)
        self.assertFalse(Request.search([("id", "in", request.ids)]))
        # An address nobody confirmed yet: a contact is made for the sender.
        self._type_address_on_account(self.user_impostor, "herve@example.com")
        request = self._receive_email(
            "Hervé <herve@example.com>", "<herve@example.com>"
        )
        self.assertNotEqual(request.partner_id, self.impostor)
        self.assertEqual(request.partner_id.email, "herve@example.com")
        self.assertFalse(Request.search([("id", "in", request.ids)]))

    @freeze_time(NOW)
    def test_typed_address_designates_the_contact_that_confirmed_it(self):
        """Regression: the lowest contact id holding an address took every
        request given with it, whatever the channel."""
        self._type_address_on_account(self.user_impostor, "gaston.leroy@example.com")
        for channel in ("web", "api", "social", "counter"):
            request = self._create_request(
                channel=channel,
                contact_name="G. Leroy",
                contact_email="gaston.leroy@example.com",
            )
            self.assertEqual(request.partner_id, self.victim, channel)

    @freeze_time(NOW)
    def test_staff_address_never_designates_the_staff(self):
        """Regression: a visitor typing an agent's address on the form became
        that agent, in the thread and on the request."""
        request = self._create_request(
            contact_name="Visiteur", contact_email="agnes.voirie@valmont.example.org"
        )
        self.assertNotEqual(request.partner_id, self.user_agent.partner_id)
        self.assertFalse(request.partner_id.user_ids)
        self.assertEqual(request.partner_id.name, "Visiteur")

    @freeze_time(NOW)
    def test_phone_designates_only_a_contact_without_account(self):
        """Regression: a number given on the form attached the request to the
        portal account (or agent) holding it."""
        self.user_citizen.partner_id.mobile = "06 11 22 33 44"
        self.user_agent.partner_id.phone = "02 35 00 11 22"
        for number, holder in (
            ("0611223344", self.user_citizen.partner_id),
            ("+33 2 35 00 11 22", self.user_agent.partner_id),
        ):
            request = self._create_request(
                channel="phone", contact_name="Appelant", contact_phone=number
            )
            self.assertNotEqual(request.partner_id, holder, number)
            self.assertFalse(request.partner_id.user_ids, number)

    @freeze_time(NOW)
    def test_phone_is_not_used_when_an_email_is_given(self):
        """Regression: an address nobody had, given with someone's number,
        attached the request to the holder of the number (and sent them the
        acknowledgement)."""
        holder = self.env["res.partner"].create(
            {"name": "Lucien Fixe", "phone": "02 47 93 58 16"}
        )
        request = self._create_request(
            contact_name="Autre",
            contact_email="autre@example.com",
            contact_phone="02 47 93 58 16",
        )
        self.assertNotEqual(request.partner_id, holder)
        self.assertEqual(request.partner_id.email, "autre@example.com")

    def test_manager_export_leaves_out_an_address_typed_alone(self):
        """Regression: the export of a contact held the requests of an address
        its owner had typed on their account, someone else's."""
        self._type_address_on_account(self.user_impostor, "gaston.leroy@example.com")
        export = (
            self.env["citizen.personal.data.export"]
            .with_user(self.user_manager)
            .create({"partner_id": self.impostor.id})
        )
        content = export._get_personal_data()
        self.assertFalse(content["requests"])
        self.assertNotIn("Fuite chez moi", str(content))
        export = (
            self.env["citizen.personal.data.export"]
            .with_user(self.user_manager)
            .create({"partner_id": self.victim.id})
        )
        self.assertEqual(
            [r["reference"] for r in export._get_personal_data()["requests"]],
            [self.victim_request.name],
        )
