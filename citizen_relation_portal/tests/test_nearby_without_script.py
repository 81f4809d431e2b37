from freezegun import freeze_time
from lxml import html as lxml_html

from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.ban_standin import BanStandinMixin
from odoo.addons.citizen_relation.tests.common import NOW
from odoo.addons.citizen_relation.tests.photos import make_gps_jpeg

from .common import CitizenPortalCase

# the documentation's example: "8 bd du Port", Amiens
PORT_LAT, PORT_LON = 49.897443, 2.290084
EMAIL = "eve.voisine@example.org"


@tagged("post_install", "-at_install")
class TestNearbyWithoutScript(BanStandinMixin, CitizenPortalCase):
    """Without JavaScript, the form sent in a category and at a place where an
    open request is already reported offers to follow it or to file anyway;
    what was typed and the photos are held until the visitor chooses, and
    nothing is filed twice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            cls.near = cls.env["citizen.request"].create(
                {
                    "title": "Carole's pothole",
                    "public_description": "Nid de poule devant le port",
                    "category_id": cls.category_road.id,
                    "partner_id": cls.user_alice.partner_id.id,
                    "latitude": PORT_LAT + 0.0002,
                    "longitude": PORT_LON,
                    "location_state": "confirmed",
                }
            )

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _mine(self):
        return self.env["citizen.request"].search([("contact_email", "=", EMAIL)])

    def _held(self):
        return self.env["citizen.request.pending.submission"].sudo().search([])

    def _submit(self, files=None, **values):
        data = {
            "csrf_token": self.csrf_token(),
            "category_id": str(self.category_road.id),
            "title": "Trou dans la chaussée",
            "description": "Un trou profond devant le numéro 8.",
            "contact_name": "Eve Voisine",
            "contact_email": EMAIL,
            "contact_phone": "06 11 22 33 44",
            "consent": "1",
        }
        data.update(values)
        return self.url_open("/requests/new", data=data, files=files, timeout=60)

    def _form(self, page, css_class):
        forms = lxml_html.fromstring(page.text).find_class(css_class)
        return forms

    def _post_form(self, form):
        data = {
            field.get("name"): field.get("value") or "" for field in form.iter("input")
        }
        return self.url_open(form.get("action"), data=data, timeout=60)

    def assertOffered(self, response):
        self.assertEqual(response.status_code, 200, response.text)
        doc = lxml_html.fromstring(response.text)
        self.assertEqual(len(doc.xpath("//h1")), 1)
        self.assertTrue(
            doc.get_element_by_id("citizen_nearby_page_title", None) is not None
        )
        items = doc.find_class("o_citizen_nearby_item")
        self.assertEqual(len(items), 1)
        self.assertIn(self.near.name, items[0].text_content())
        self.assertIn("Nid de poule devant le port", items[0].text_content())
        # only what the open data publishes
        self.assertNotIn("Carole", response.text)
        self.assertNotIn(str(PORT_LAT + 0.0002), response.text)
        # every choice is a button in a form of its own, with a name
        buttons = doc.xpath("//div[@id='wrap']//form//button[@type='submit']")
        self.assertEqual(len(buttons), 2)
        self.assertTrue(all(b.text_content().strip() for b in buttons))
        return doc

    @freeze_time(NOW)
    def test_typed_address_offers_nearby_then_files_once_with_photos(self):
        response = self._submit(
            street="8 bd du Port",
            files={"photos": ("trou.jpg", make_gps_jpeg(), "image/jpeg")},
        )
        doc = self.assertOffered(response)
        self.assertFalse(self._mine(), "nothing is filed before the visitor chooses")
        self.assertEqual(len(self._held()), 1)

        (file_form,) = doc.find_class("o_citizen_nearby_file_form")
        filed = self._post_form(file_form)
        self.assertEqual(filed.status_code, 200, filed.text)
        mine = self._mine()
        self.assertEqual(len(mine), 1)
        self.assertIn(mine.name, filed.text)
        # every typed value, the location found and the photo are there
        self.assertEqual(mine.title, "Trou dans la chaussée")
        self.assertIn("Un trou profond devant le numéro 8.", mine.description)
        self.assertEqual(mine.contact_phone, "06 11 22 33 44")
        self.assertEqual(mine.street, "8 bd du Port")
        self.assertEqual(mine.location_state, "confirmed")
        self.assertAlmostEqual(mine.latitude, PORT_LAT, places=6)
        self.assertEqual(mine.category_id, self.category_road)
        photos = self.env["ir.attachment"].search(
            [("res_model", "=", "citizen.request"), ("res_id", "=", mine.id)]
        )
        self.assertEqual(photos.mapped("name"), ["trou.jpg"])
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("res_model", "=", "citizen.request.pending.submission")]
            )
        )
        self.assertFalse(self.near.reporter_partner_ids)

        # a second click (or reload) shows the same request, files nothing
        again = self._post_form(file_form)
        self.assertEqual(again.status_code, 200)
        self.assertIn(mine.name, again.text)
        self.assertEqual(self._mine(), mine)

    @freeze_time(NOW)
    def test_coordinates_offer_nearby_and_following_files_nothing(self):
        response = self._submit(latitude=str(PORT_LAT), longitude=str(PORT_LON))
        doc = self.assertOffered(response)
        (follow_form,) = doc.find_class("o_citizen_nearby_follow_form")
        self.assertEqual(follow_form.get("action"), f"/requests/{self.near.id}/follow")
        followed = self._post_form(follow_form)
        self.assertEqual(followed.status_code, 200, followed.text)
        self.assertIn('id="follow_done"', followed.text)
        self.assertEqual(self.near.reporter_partner_ids.mapped("email"), [EMAIL])
        self.assertFalse(self._mine())
        self.assertFalse(self._held(), "what was held is dropped")
        # the form held cannot be filed after following
        (file_form,) = doc.find_class("o_citizen_nearby_file_form")
        late = self._post_form(file_form)
        self.assertEqual(late.status_code, 404)
        self.assertFalse(self._mine())

    @freeze_time(NOW)
    def test_no_offer_when_nothing_nearby_or_already_offered_by_the_script(self):
        # far from the open request: filed at once
        response = self._submit(latitude=str(PORT_LAT + 0.01), longitude=str(PORT_LON))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._mine()), 1)
        # the script offered them already: filed at once too
        response = self._submit(
            latitude=str(PORT_LAT), longitude=str(PORT_LON), nearby_offered="1"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._mine()), 2)
        self.assertFalse(self._held())

    @freeze_time(NOW)
    def test_a_held_form_needs_its_token(self):
        self.assertOffered(
            self._submit(latitude=str(PORT_LAT), longitude=str(PORT_LON))
        )
        for token in ("", "x", self._held().token[:-1] + "!"):
            with self.subTest(token=token):
                response = self.url_open(
                    "/requests/new/file",
                    data={"csrf_token": self.csrf_token(), "pending_token": token},
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(self._mine())
