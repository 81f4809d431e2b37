import io

from PIL import Image

from odoo import http
from odoo.tests import HttpCase, new_test_user

from odoo.addons.citizen_relation_routing.tests.common import CitizenRoutingCommon


def make_png(size=(20, 20)):
    """Bytes of a small real PNG picture."""
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, format="PNG")
    return output.getvalue()


class CitizenPortalCase(CitizenRoutingCommon, HttpCase):
    """The routing's town hall, served over HTTP: citizens with a portal
    account, an organisation, public and internal categories and requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.category_road = env["citizen.request.category"].create(
            {
                "name": "Roads Test",
                "code": "T-ROAD",
                "is_public": True,
                "publish_requests": True,
                "public_description": "Potholes, damaged pavements.",
                "delay_days": 10,
            }
        )
        cls.category_internal = env["citizen.request.category"].create(
            {"name": "Internal Test", "code": "T-INT", "is_public": False}
        )
        cls.user_alice = new_test_user(
            env,
            login="alice_citizen",
            groups="base.group_portal",
            name="Alice Martin",
            email="alice.martin@example.org",
        )
        cls.user_bob = new_test_user(
            env,
            login="bob_citizen",
            groups="base.group_portal",
            name="Bob Durand",
            email="bob.durand@example.org",
        )
        cls.organisation = env["res.partner"].create(
            {"name": "Les Amis du Parc Test", "is_company": True}
        )
        cls.user_member1 = new_test_user(
            env,
            login="member1_org",
            groups="base.group_portal",
            name="Claire Petit",
            email="claire.petit@example.org",
        )
        cls.user_member2 = new_test_user(
            env,
            login="member2_org",
            groups="base.group_portal",
            name="David Leroy",
            email="david.leroy@example.org",
        )
        (cls.user_member1.partner_id | cls.user_member2.partner_id).write(
            {"parent_id": cls.organisation.id}
        )
        cls.user_agent = new_test_user(
            env,
            login="agent_portal_test",
            groups="citizen_relation.group_citizen_manager",
            name="Agent Test",
        )
        Request = env["citizen.request"]
        cls.request_alice = Request.create(
            {
                "title": "Pothole in Alice street",
                "description": "<p>Alice private text</p>",
                "category_id": cls.category_road.id,
                "partner_id": cls.user_alice.partner_id.id,
                "channel": "web",
                "street": "12 rue des Lilas",
                "city": "Villebourg",
            }
        )
        cls.request_bob = Request.create(
            {
                "title": "Bob secret lamp",
                "description": "<p>Bob private text</p>",
                "category_id": cls.category_road.id,
                "partner_id": cls.user_bob.partner_id.id,
                "channel": "phone",
                "street": "3 impasse Bob",
            }
        )
        cls.request_org = Request.create(
            {
                "title": "Park bench broken",
                "category_id": cls.category_road.id,
                "partner_id": cls.user_member2.partner_id.id,
                "channel": "email",
            }
        )
        cls.request_bob.message_post(
            body="Internal note about Bob", subtype_xmlid="mail.mt_note"
        )
        # maps take their tiles from the test server: no test reaches the internet
        env["ir.config_parameter"].set_param(
            "citizen_relation_portal.map_tile_url",
            "/citizen_relation_portal/static/lib/leaflet/images/layers.png?{z}/{x}/{y}",
        )

    def csrf_token(self):
        return http.Request.csrf_token(self)

    def set_param(self, key, value):
        self.env["ir.config_parameter"].sudo().set_param(
            f"citizen_relation_portal.{key}", value
        )
