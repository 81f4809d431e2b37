from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.citizen_relation.models.citizen_address_service import (
    CitizenAddressOutsideTown,
)

from .ban_standin import BanStandinMixin
from .common import RAW_EMAIL, CitizenRequestCommon

PORT_ID = "80021_6590_00008"


@tagged("post_install", "-at_install")
class TestCitizenRequestLocation(BanStandinMixin, CitizenRequestCommon):
    def _count(self, street):
        return self.Request.search_count([("street", "=", street)])

    def assertPort(self, request):
        self.assertEqual(request.location_state, "confirmed")
        self.assertEqual(request.ban_id, PORT_ID)
        self.assertEqual(request.housenumber, "8")
        self.assertEqual((request.zip, request.citycode), ("80000", "80021"))
        self.assertEqual(request.city, "Amiens")
        self.assertEqual(request.ban_label, "8 Boulevard du Port 80000 Amiens")
        # GeoJSON [2.290084, 49.897443] is [longitude, latitude]
        self.assertAlmostEqual(request.latitude, 49.897443, places=6)
        self.assertAlmostEqual(request.longitude, 2.290084, places=6)

    def test_typed_address_is_geocoded_in_the_town(self):
        request = self._create_request(street="8 bd du Port")
        self.assertPort(request)
        # what the citizen typed stays
        self.assertEqual(request.street, "8 bd du Port")
        [params] = self.ban.calls_to("/search")
        self.assertEqual(params["citycode"], "80021")
        self.assertEqual(params["autocomplete"], "0")

    def test_picked_suggestion_is_kept_as_the_ban_writes_it(self):
        request = self._create_request(
            street="8 Boulevard du Port", zip="80000", city="Amiens", ban_id=PORT_ID
        )
        self.assertPort(request)
        self.assertEqual(request.street, "8 Boulevard du Port")

    def test_position_given_by_the_citizen_is_kept(self):
        request = self._create_request(
            street="8 bd du Port", latitude=49.8976, longitude=2.2903
        )
        self.assertEqual(request.ban_id, PORT_ID)
        self.assertEqual((request.latitude, request.longitude), (49.8976, 2.2903))

    def test_same_address_twice_asks_the_service_once(self):
        self._create_request(street="8 bd du Port")
        self.assertPort(self._create_request(street="8  BD du port"))
        self.assertEqual(len(self.ban.calls_to("/search")), 1)

    def test_no_address_no_call(self):
        request = self._create_request()
        self.assertEqual(request.location_state, "none")
        self.assertFalse(self.ban.calls)

    def test_position_without_address_gets_the_nearest_town_address(self):
        """A device's position, an Open311 lat/long without address_string,
        a connector: the address comes from /reverse; the position stays."""
        request = self._create_request(latitude=49.8976, longitude=2.2903)
        self.assertEqual(request.location_state, "confirmed")
        self.assertEqual(request.ban_id, PORT_ID)
        self.assertEqual(request.street, "8 Boulevard du Port")
        self.assertEqual((request.zip, request.city), ("80000", "Amiens"))
        self.assertEqual((request.latitude, request.longitude), (49.8976, 2.2903))
        [params] = self.ban.calls_to("/reverse")
        self.assertEqual((params["lat"], params["lon"]), ("49.897600", "2.290300"))
        # cached: the same position does not ask again
        self._create_request(latitude=49.8976, longitude=2.2903)
        self.assertEqual(len(self.ban.calls_to("/reverse")), 1)
        self.assertFalse(self.ban.calls_to("/search"))

    def test_position_elsewhere_or_far_from_any_address_keeps_the_position(self):
        for latitude, longitude in ((47.218, -1.5536), (45.000004, 2.3)):
            with self.subTest(latitude=latitude):
                request = self._create_request(latitude=latitude, longitude=longitude)
                self.assertEqual(request.location_state, "confirmed")
                self.assertFalse(request.street or request.ban_id or request.city)
                self.assertEqual(request.latitude, latitude)

    def test_reverse_failures_record_the_position_unconfirmed_then_retry(self):
        # a 429, a server down (a slow answer is not tested: Odoo's tests
        # raise every timeout under 10 s to 10 s)
        for latitude in (45.000001, 45.000003):
            with self.subTest(latitude=latitude):
                request = self._create_request(latitude=latitude, longitude=2.3)
                self.assertEqual(request.location_state, "unconfirmed")
                self.assertEqual((request.latitude, request.longitude), (latitude, 2.3))
                self.assertFalse(request.street or request.ban_id)
        # the position is moved to the port (as an agent would): the job
        # gives it its address
        request.write({"latitude": 49.8976, "longitude": 2.2903})
        self.env.ref(
            "citizen_relation.ir_cron_locate_unconfirmed"
        ).sudo().method_direct_trigger()
        request.invalidate_recordset()
        self.assertEqual(request.location_state, "confirmed")
        self.assertEqual(request.street, "8 Boulevard du Port")
        self.assertEqual(request.ban_id, PORT_ID)

    def test_address_of_another_town_is_refused_where_the_sender_is_told(self):
        for values in (
            {"street": "2 rue de Strasbourg", "city": "Nantes"},
            {"street": "2 Rue de Strasbourg", "ban_id": "44109_5730_00002"},
        ):
            for channel in ("web", "api", "counter"):
                with self.subTest(channel=channel, **values):
                    with self.assertRaises(CitizenAddressOutsideTown) as caught:
                        self._create_request(channel=channel, **values)
                    self.assertIn("not in the town", str(caught.exception))
                    self.assertEqual(self._count(values["street"]), 0)
        # an email is never refused: it would be lost
        request = self._create_request(
            channel="email", street="2 rue de Strasbourg", city="Nantes"
        )
        self.assertEqual(request.location_state, "unconfirmed")
        self.assertFalse(request.ban_id)
        self.assertFalse(request.latitude)

    def test_each_failure_records_one_unconfirmed_request(self):
        for street in (
            "12 rue introuvable",
            "3 rue trop de demandes",
            "4 rue de la lenteur",
            "5 rue incertaine",
            "6 rue en panne",
            "7 rue pas du json",
        ):
            with self.subTest(street=street):
                request = self._create_request(street=street)
                self.assertEqual(self._count(street), 1)
                self.assertEqual(request.location_state, "unconfirmed")
                self.assertEqual(request.street, street)
                self.assertFalse(request.ban_id)
                self.assertFalse(request.latitude)

    def test_unreachable_service_then_the_job_locates_later(self):
        set_param = self.env["ir.config_parameter"].sudo().set_param
        # nothing listens on port 9 of the loopback
        set_param("citizen_relation.ban_url", "http://127.0.0.1:9")
        request = self._create_request(street="8 bd du Port")
        self.assertEqual(request.location_state, "unconfirmed")
        set_param("citizen_relation.ban_url", self.ban.url)
        self.env.ref(
            "citizen_relation.ir_cron_locate_unconfirmed"
        ).sudo().method_direct_trigger()
        request.invalidate_recordset()
        self.assertPort(request)
        self.assertEqual(request.street, "8 bd du Port")

    def test_agent_locates_again_from_the_form(self):
        request = self._create_request(street="12 rue introuvable")
        request.with_user(self.user_agent).write({"street": "8 bd du Port"})
        request.with_user(self.user_agent).action_citizen_locate()
        self.assertPort(request)

    def test_email_address_line_is_geocoded(self):
        body = "Bonjour,\nUn lampadaire est en panne.\nAdresse : 8 bd du Port\nMerci"
        raw = RAW_EMAIL.replace(
            "Il y a un nid de poule profond devant le 12 rue Victor Hugo.", body
        )
        request = self.format_and_process(
            raw,
            "Gaston Leroy <gaston.leroy@example.com>",
            self.alias_email,
            subject="Lampadaire",
            msg_id="<ban-line@example.com>",
            target_model="citizen.request",
            target_field="title",
        )
        self.assertEqual(request.street, "8 bd du Port")
        self.assertPort(request)

    def test_counter_wizard_geocodes_and_refuses_other_towns(self):
        wizard = Form(
            self.env["citizen.request.quick.entry"].with_user(self.user_agent)
        )
        wizard.contact_name = "Irène Moreau"
        wizard.category_id = self.category
        wizard.title = "Lampadaire éteint"
        wizard.street = "8 bd du Port"
        entry = wizard.save()
        entry.action_create()
        self.assertPort(entry.request_id)
        wizard = Form(
            self.env["citizen.request.quick.entry"].with_user(self.user_agent)
        )
        wizard.contact_name = "Irène Moreau"
        wizard.category_id = self.category
        wizard.title = "Ailleurs"
        wizard.street = "2 rue de Strasbourg"
        wizard.city = "Nantes"
        entry = wizard.save()
        with self.assertRaises(UserError):
            entry.action_create()
        self.assertFalse(entry.request_id)

    def test_contacts_geocode_through_the_ban(self):
        """The ``ban`` provider of base_geolocalize, chosen at installation."""
        self.assertEqual(self.env["base.geocoder"]._get_provider().tech_name, "ban")
        partner = self.env["res.partner"].create(
            {
                "name": "Mairie annexe",
                "street": "8 bd du Port",
                "zip": "80000",
                "city": "Amiens",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        partner.with_context(force_geo_localize=True).geo_localize()
        self.assertAlmostEqual(partner.partner_latitude, 49.897443, places=6)
        self.assertAlmostEqual(partner.partner_longitude, 2.290084, places=6)
        [params] = self.ban.calls_to("/search")
        self.assertEqual(params["q"], "8 bd du port 80000 amiens")
        self.assertNotIn("citycode", params)
        # the BAN knows French addresses only: another country is not asked
        partner.write({"country_id": self.env.ref("base.be").id})
        partner.with_context(force_geo_localize=True).geo_localize()
        self.assertEqual(len(self.ban.calls), 1)

    def test_address_changed_by_hand_forgets_the_ban_answer(self):
        request = self._create_request(street="8 bd du Port")
        self.assertPort(request)
        request.with_user(self.user_agent).write({"street": "10 rue inconnue"})
        self.assertEqual(request.location_state, "unconfirmed")
        self.assertFalse(request.ban_id or request.ban_label or request.housenumber)

    def test_anonymisation_erases_the_ban_address(self):
        request = self._create_request(street="8 bd du Port")
        request._anonymize("test")
        self.assertFalse(request.street)
        self.assertFalse(request.ban_id or request.ban_label or request.housenumber)
        # the town and the rounded position stay for the figures
        self.assertEqual(request.citycode, "80021")
        self.assertEqual(request.latitude, 49.9)
