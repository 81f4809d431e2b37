from lxml import html as lxml_html

from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.ban_standin import BanStandinMixin

from .common import CitizenPortalCase

PORT_ID = "80021_6590_00008"


@tagged("post_install", "-at_install")
class TestPortalLocation(BanStandinMixin, CitizenPortalCase):
    """The requester gives or corrects the place of their open request from
    its page ("where exactly?"), located by the BAN as on the form; nobody
    else can."""

    def _locate(self, citizen_request, **values):
        data = {"csrf_token": self.csrf_token(), **values}
        return self.url_open(
            f"/my/requests/{citizen_request.id}/location",
            data=data,
            allow_redirects=False,
            timeout=60,
        )

    def test_requester_gives_the_place_located_by_the_ban(self):
        self.authenticate("alice_citizen", "alice_citizen")
        page = self.url_open(f"/my/requests/{self.request_alice.id}", timeout=60)
        doc = lxml_html.fromstring(page.text)
        section = doc.get_element_by_id("citizen_request_place")
        # every field has its label; the address has the completion
        for field in section.xpath(".//input[@type='text']"):
            self.assertTrue(section.xpath(f".//label[@for='{field.get('id')}']"))
        self.assertTrue(section.find_class("o_citizen_address"))

        response = self._locate(self.request_alice, street="8 bd du Port")
        self.assertEqual(response.status_code, 303)
        self.assertIn("place=saved", response.headers["Location"])
        request = self.request_alice
        self.assertEqual(request.street, "8 bd du Port")
        self.assertEqual(request.ban_id, PORT_ID)
        self.assertEqual(request.location_state, "confirmed")
        self.assertAlmostEqual(request.latitude, 49.897443, places=6)
        self.assertEqual((request.zip, request.city), ("80000", "Amiens"))
        message = request.message_ids[:1]
        self.assertEqual(message.author_id, self.user_alice.partner_id)
        self.assertIn("8 bd du Port", message.body)
        page = self.url_open(response.headers["Location"], timeout=60)
        self.assertIn('id="citizen_place_saved"', page.text)

    def test_suggestion_picked_and_signed_link(self):
        token = self.request_bob._portal_ensure_token()
        self.authenticate(None, None)
        response = self._locate(
            self.request_bob,
            access_token=token,
            street="8 Boulevard du Port",
            zip="80000",
            city="Amiens",
            ban_id=PORT_ID,
            latitude="49.897500",
            longitude="2.290100",
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.request_bob.ban_id, PORT_ID)
        self.assertEqual(
            (self.request_bob.latitude, self.request_bob.longitude), (49.8975, 2.2901)
        )

    def test_another_town_is_refused_and_nothing_changes(self):
        self.authenticate("alice_citizen", "alice_citizen")
        response = self._locate(
            self.request_alice, street="2 rue de Strasbourg", city="Nantes"
        )
        self.assertIn("place=outside", response.headers["Location"])
        self.assertEqual(self.request_alice.street, "12 rue des Lilas")
        page = self.url_open(response.headers["Location"], timeout=60)
        self.assertIn('id="citizen_place_error"', page.text)

    def test_only_the_requester_of_an_open_request(self):
        before = self.request_bob.message_ids
        # another citizen
        self.authenticate("alice_citizen", "alice_citizen")
        self._locate(self.request_bob, street="8 bd du Port")
        self.assertEqual(self.request_bob.street, "3 impasse Bob")
        # a visitor without the signed link, or with a wrong one
        self.authenticate(None, None)
        self._locate(self.request_bob, street="8 bd du Port")
        self._locate(self.request_bob, street="8 bd du Port", access_token="x" * 36)
        self.assertEqual(self.request_bob.street, "3 impasse Bob")
        self.assertEqual(self.request_bob.message_ids, before)
        # a closed request
        self.request_alice.action_resolve()
        self.authenticate("alice_citizen", "alice_citizen")
        response = self._locate(self.request_alice, street="8 bd du Port")
        self.assertIn("place=refused", response.headers["Location"])
        self.assertEqual(self.request_alice.street, "12 rue des Lilas")
        page = self.url_open(f"/my/requests/{self.request_alice.id}", timeout=60)
        self.assertNotIn('id="citizen_request_place"', page.text)
