from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.common import NOW

from .common import CitizenPortalCase

# 0.0001 degree of latitude is about 11 m
LAT, LON = 49.7500, 0.3800


@tagged("post_install", "-at_install")
class TestAlreadyReportedNearby(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Request = cls.env["citizen.request"]
        cls.category_private = cls.env["citizen.request.category"].create(
            {"name": "Voisinage Test", "code": "T-VOIS", "is_public": True}
        )
        with freeze_time(NOW):
            cls.near = Request.create(
                {
                    "title": "Carole's own words about the pothole",
                    "description": "<p>Carole lives at number 14</p>",
                    "public_description": "Nid de poule sur la chaussée\nprofond",
                    "category_id": cls.category_road.id,
                    "partner_id": cls.user_alice.partner_id.id,
                    "contact_phone": "06 12 34 56 78",
                    "street": "14 rue du Port",
                    "latitude": LAT + 0.0002,
                    "longitude": LON,
                }
            )
            cls.far = Request.create(
                {
                    "title": "Far pothole",
                    "category_id": cls.category_road.id,
                    "latitude": LAT + 0.0030,
                    "longitude": LON,
                }
            )
            cls.closed = Request.create(
                {
                    "title": "Closed pothole",
                    "category_id": cls.category_road.id,
                    "latitude": LAT,
                    "longitude": LON + 0.0001,
                }
            )
            cls.closed.action_resolve()
            cls.private = Request.create(
                {
                    "title": "Neighbour dispute",
                    "category_id": cls.category_private.id,
                    "latitude": LAT,
                    "longitude": LON,
                }
            )

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _nearby(self, category, lat=LAT, lon=LON):
        return self.url_open(
            f"/requests/nearby?category={category.id}&lat={lat}&lon={lon}"
        )

    def _follow(self, citizen_request, name="Gaston Leroy", email="gaston@example.com"):
        # a page of the website: the first one of a test may build its assets
        return self.url_open(
            f"/requests/{citizen_request.id}/follow",
            data={"csrf_token": self.csrf_token(), "name": name, "email": email},
            allow_redirects=False,
            timeout=60,
        )

    @freeze_time(NOW)
    def test_nearby_returns_open_requests_of_the_category_only_public_data(self):
        response = self._nearby(self.category_road)
        self.assertEqual(response.status_code, 200, response.text)
        found = response.json()["requests"]
        self.assertEqual([item["reference"] for item in found], [self.near.name])
        stage = found[0].pop("stage")
        self.assertIn(
            stage,
            [
                self.near.stage_id.with_context(lang=lang).name
                for lang in ("en_US", "fr_FR")
            ],
        )
        self.assertEqual(
            found[0],
            {
                "id": self.near.id,
                "reference": self.near.name,
                "title": "Nid de poule sur la chaussée",
                "distance": 20,
                "date": "2026-03-04",
                "follow_url": f"/requests/{self.near.id}/follow",
            },
        )
        for personal in (
            "Carole",
            "Alice",
            "alice.martin",
            "06 12 34 56 78",
            "rue du Port",
            str(LAT + 0.0002),
        ):
            self.assertNotIn(personal, response.text)
        # a category that does not publish its requests shows none
        self.assertEqual(self._nearby(self.category_private).json(), {"requests": []})
        # nor does a category not offered to citizens
        self.assertEqual(self._nearby(self.category_internal).json(), {"requests": []})

    @freeze_time(NOW)
    def test_distance_is_a_setting(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "citizen_relation.nearby_distance", "10"
        )
        self.assertEqual(self._nearby(self.category_road).json(), {"requests": []})

    def test_bad_parameters(self):
        for query in (
            "category=x&lat=1&lon=2",
            "category=1&lat=abc&lon=2",
            "lat=95&lon=2",
        ):
            with self.subTest(query=query):
                response = self.url_open(f"/requests/nearby?{query}")
                self.assertEqual(response.status_code, 400)
                self.assertIn("error", response.json())

    def test_nearby_is_rate_limited(self):
        self.set_param("limit_read_count", "2")
        self.assertEqual(self._nearby(self.category_road).status_code, 200)
        self.assertEqual(self._nearby(self.category_road).status_code, 200)
        response = self._nearby(self.category_road)
        self.assertEqual(response.status_code, 429)
        self.assertTrue(response.headers.get("Retry-After"))

    @freeze_time(NOW)
    def test_follow_then_status_email(self):
        """A visitor follows the pothole already reported: they are listed
        among its reporters, get the acknowledgement of that reference, and the status
        email at the next stage; agents see that two people reported it.
        Following again creates nothing."""
        response = self._follow(self.near)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertIn('id="follow_done"', response.text)
        self.assertIn(self.near.name, response.text)
        self.assertNotIn("Carole", response.text)
        follower = self.near.reporter_partner_ids
        self.assertEqual(follower.mapped("email"), ["gaston@example.com"])
        # not a follower of the thread (the requester's correspondence is not
        # theirs to read): the status emails are written for them
        self.assertNotIn(follower, self.near.message_partner_ids)
        self.assertEqual(self.near.reporter_count, 2)
        mails = self.env["mail.mail"].search(
            [("res_id", "=", self.near.id), ("model", "=", "citizen.request")]
        )
        to_follower = mails.filtered(lambda m: follower in m.recipient_ids)
        self.assertEqual(len(to_follower), 1)
        self.assertIn("you now follow the request", to_follower.body_html)

        again = self._follow(self.near)
        self.assertEqual(again.status_code, 200)
        self.assertEqual(self.near.reporter_count, 2)
        self.assertEqual(
            self.env["res.partner"].search_count(
                [("email", "=", "gaston@example.com")]
            ),
            1,
        )
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("res_id", "=", self.near.id), ("recipient_ids", "in", follower.ids)]
            ),
            1,
        )

        self.near.with_user(self.user_agent).stage_id = self.env.ref(
            "citizen_relation.stage_taken"
        )
        self.env.flush_all()
        to_follower = self.env["mail.mail"].search(
            [
                ("res_id", "=", self.near.id),
                ("model", "=", "citizen.request"),
                ("recipient_ids", "in", follower.ids),
            ],
            order="id",
        )
        self.assertEqual(len(to_follower), 2, "the acknowledgement, then the status")
        status = to_follower[1]
        self.assertIn(self.near.name, status.subject)
        # the requester's own words and page are not sent to a follower
        self.assertNotIn("Carole", status.body_html)
        self.assertNotIn("access_token", status.body_html)

    def test_follow_refused(self):
        no_csrf = self.url_open(
            f"/requests/{self.near.id}/follow",
            data={"name": "Gaston", "email": "gaston@example.com"},
            allow_redirects=False,
        )
        self.assertEqual(no_csrf.status_code, 400)
        duplicate = self.env["citizen.request"].create(
            {
                "title": "Same pothole",
                "category_id": self.category_road.id,
                "duplicate_of_id": self.near.id,
            }
        )
        for target in (self.closed, self.private, duplicate):
            with self.subTest(target=target.title):
                self.assertEqual(self._follow(target).status_code, 404)
                self.assertFalse(target.reporter_partner_ids)
        missing = self._follow(self.near, email="not-an-email")
        self.assertEqual(missing.status_code, 400)
        self.assertFalse(self.near.reporter_partner_ids)

    def test_follow_is_rate_limited(self):
        self.set_param("limit_ip_count", "1")
        self.assertEqual(self._follow(self.near).status_code, 200)
        response = self._follow(self.near, email="other@example.com")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(len(self.near.reporter_partner_ids), 1)

    def test_form_offers_to_follow(self):
        """The form holds the section the script fills (hidden without it)."""
        page = self.url_open("/requests/new")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_citizen_nearby", page.text)
        self.assertIn('id="citizen_nearby_title"', page.text)


@tagged("post_install", "-at_install")
class TestOpen311Duplicates(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["citizen.api.client"].create({"name": "Town app"})
        cls.api_key = cls.client._set_new_key()
        cls.original = cls.env["citizen.request"].create(
            {
                "title": "Nid de poule",
                "category_id": cls.category_road.id,
                "latitude": 48.8566,
                "longitude": 2.3522,
            }
        )

    def _post(self, **data):
        values = {
            "api_key": self.api_key,
            "service_code": "T-ROAD",
            "lat": "48.85662",
            "long": "2.35221",
            "description": "Pothole near the bakery",
            "email": "open311.citizen@example.org",
            "first_name": "Oscar",
        }
        values.update(data)
        return self.url_open("/open311/v2/requests.json", data=values)

    def test_post_on_an_open_duplicate_keeps_its_reference_linked(self):
        """Open311 POSTs that land on an open duplicate keep their own
        reference, linked to the original; their requester follows it."""
        response = self._post()
        self.assertEqual(response.status_code, 200, response.text)
        reference = response.json()[0]["service_request_id"]
        self.assertNotEqual(reference, self.original.name)
        posted = self.env["citizen.request"].search([("name", "=", reference)])
        self.assertEqual(posted.duplicate_of_id, self.original)
        self.assertIn(posted.partner_id, self.original.message_partner_ids)
        self.assertEqual(self.original.reporter_count, 2)

        far = self._post(lat="48.8600", long="2.3600", email="other@example.org")
        far_request = self.env["citizen.request"].search(
            [("name", "=", far.json()[0]["service_request_id"])]
        )
        self.assertFalse(far_request.duplicate_of_id)

    def test_posts_of_one_long_street_far_apart_are_not_linked(self):
        """Two reports of the same avenue, in the same words, two kilometres
        apart, are two problems; a third without a position, in that avenue
        and those words, is linked to one of them."""
        values = {
            "service_code": "T-ROAD",
            "address_string": "avenue de la République",
            "description": "Panneau de signalisation tombé sur le trottoir",
        }
        references = []
        for index, (lat, long) in enumerate(
            [("48.8700", "2.3700"), ("48.8880", "2.3900"), (None, None)]
        ):
            response = self._post(
                **values, lat=lat, long=long, email=f"avenue{index}@example.org"
            )
            self.assertEqual(response.status_code, 200, response.text)
            references.append(response.json()[0]["service_request_id"])
        first, second, third = (
            self.env["citizen.request"].search([("name", "=", reference)])
            for reference in references
        )
        self.assertFalse(first.duplicate_of_id)
        self.assertFalse(second.duplicate_of_id)
        self.assertIn(third.duplicate_of_id, first | second)
