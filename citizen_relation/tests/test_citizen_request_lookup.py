from freezegun import freeze_time

from odoo.tests import tagged

from .common import NOW, CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestLookup(CitizenRequestCommon):
    """Finding the requester by phone and a request by the email given, the
    way that stays fast in a large town (indexed columns, "=")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner = cls.env["res.partner"]
        cls.fixed = cls.Partner.create(
            {"name": "Lucien Fixe", "phone": "02 47 93 58 16"}
        )
        cls.mobile = cls.Partner.create(
            {"name": "Paule Mobile", "phone": False, "mobile": "+33 (0)6 97.53.18.42"}
        )

    def test_phone_digits_stored_on_the_partner(self):
        """The nine digits of a French number, whatever the spaces, dots or
        prefix, and again when the number changes."""
        self.assertEqual(self.fixed.citizen_phone_key, "247935816")
        self.assertFalse(self.fixed.citizen_mobile_key)
        self.assertEqual(self.mobile.citizen_mobile_key, "697531842")
        self.fixed.phone = "0033 2 47 93 99 99"
        self.assertEqual(self.fixed.citizen_phone_key, "247939999")

    @freeze_time(NOW)
    def test_requester_matched_by_phone_written_any_way(self):
        for given in ("06 97 53 18 42", "+33697531842", "0697531842", "6.97.53.18.42"):
            request = self._create_request(channel="phone", contact_phone=given)
            self.assertEqual(request.partner_id, self.mobile, given)
        request = self._create_request(
            channel="counter", contact_phone="02-47-93-58-16"
        )
        self.assertEqual(request.partner_id, self.fixed)

    @freeze_time(NOW)
    def test_part_of_a_number_designates_nobody(self):
        """Only a whole number designates a requester: the last six digits of
        someone's phone are no proof of being them. An agent looking a
        citizen up by hand still finds them from the end of their number."""
        request = self._create_request(
            channel="phone", contact_name="Inconnu", contact_phone="93 58 16"
        )
        self.assertNotIn(request.partner_id, self.fixed | self.mobile)
        request = self._create_request(
            channel="phone", contact_name="Inconnu", contact_phone="11 22"
        )
        self.assertNotIn(request.partner_id, self.fixed | self.mobile)
        wizard = self.env["citizen.request.quick.entry"].create(
            {"search_term": "93 58 16", "category_id": self.category.id, "title": "x"}
        )
        self.assertIn(self.fixed, wizard.candidate_ids)

    def test_foreign_number_is_kept_whole(self):
        """A number with another country's prefix keeps all its digits: two
        numbers ending alike are two people."""
        foreign = self.Partner.create(
            {"name": "John Abroad", "phone": "+44 20 7946 0958"}
        )
        self.assertEqual(foreign.citizen_phone_key, "+442079460958")
        self.assertEqual(
            self.Partner.search(
                self.Partner._get_citizen_phone_domain("0044 20 7946 0958")
            ),
            foreign,
        )
        self.assertFalse(
            self.Partner.search(
                self.Partner._get_citizen_phone_domain("02 79 46 09 58")
            )
        )

    @freeze_time(NOW)
    def test_other_number_is_another_requester(self):
        request = self._create_request(
            channel="phone", contact_name="Jean Autre", contact_phone="06 97 53 18 43"
        )
        self.assertNotIn(request.partner_id, self.fixed | self.mobile)
        self.assertEqual(request.partner_id.citizen_phone_key, "697531843")

    @freeze_time(NOW)
    def test_search_by_email_given(self):
        """An address is found however it is typed; part of an address still
        finds the requests that contain it."""
        request = self._create_request(contact_email="Denise.Martin@Example.NET")
        other = self._create_request(contact_email="denis.martinez@example.net")
        Request = self.Request.with_user(self.user_agent)
        for term in (
            "denise.martin@example.net",
            "Denise.Martin@EXAMPLE.net",
            " Denise Martin <denise.martin@example.net>",
        ):
            self.assertEqual(
                Request.search([("contact_email_search", "ilike", term)]),
                request,
                term,
            )
        self.assertEqual(
            Request.search([("contact_email_search", "ilike", "martin")]),
            request | other,
        )
        self.assertEqual(
            Request.search(
                [
                    ("contact_email_search", "not ilike", "denise"),
                    ("id", "in", (request | other).ids),
                ]
            ),
            other,
        )
