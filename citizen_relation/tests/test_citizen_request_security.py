from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import NOW, CitizenRequestCommon


@tagged("post_install", "-at_install")
class TestCitizenRequestSecurity(CitizenRequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(NOW):
            cls.request_agent_2 = cls.Request.create(
                {
                    "title": "Acte de naissance",
                    "category_id": cls.category_noise.id,
                    "partner_id": cls.user_citizen_2.partner_id.id,
                    "user_id": cls.user_agent_2.id,
                }
            )
            cls.request_citizen = cls.Request.create(
                {
                    "title": "Nid de poule",
                    "category_id": cls.category.id,
                    "partner_id": cls.partner_citizen.id,
                    "user_id": cls.user_agent.id,
                }
            )
            cls.request_unassigned = cls.Request.create(
                {"title": "Lampadaire", "category_id": cls.category.id}
            )

    def test_agent_access(self):
        """An agent reads their requests and unassigned ones, not those of
        another agent."""
        Request = self.Request.with_user(self.user_agent)
        visible = Request.search([])
        self.assertIn(self.request_citizen, visible)
        self.assertIn(self.request_unassigned, visible)
        self.assertNotIn(self.request_agent_2, visible)
        with self.assertRaises(AccessError):
            self.request_agent_2.with_user(self.user_agent).read(["title"])
        with self.assertRaises(AccessError):
            self.request_agent_2.with_user(self.user_agent).write({"title": "x"})
        with self.assertRaises(AccessError):
            self.request_citizen.with_user(self.user_agent).unlink()
        # Following a request gives access to it.
        self.request_agent_2.message_subscribe(self.user_agent.partner_id.ids)
        self.request_agent_2.with_user(self.user_agent).read(["title"])

    def test_manager_access(self):
        Request = self.Request.with_user(self.user_manager)
        visible = Request.search([])
        self.assertIn(self.request_agent_2, visible)
        self.request_agent_2.with_user(self.user_manager).unlink()
        self.env["citizen.request.category"].with_user(self.user_manager).create(
            {"name": "Marchés", "code": "T-MARCHE"}
        )
        with self.assertRaises(AccessError):
            self.env["citizen.request.category"].with_user(self.user_agent).create(
                {"name": "Marchés", "code": "T-MARCHE2"}
            )

    def test_portal_access(self):
        """A portal user reads their own requests and no one else's."""
        Request = self.Request.with_user(self.user_citizen)
        self.assertEqual(Request.search([]), self.request_citizen)
        self.request_citizen.with_user(self.user_citizen).read(["title", "name"])
        with self.assertRaises(AccessError):
            self.request_agent_2.with_user(self.user_citizen).read(["title"])
        with self.assertRaises(AccessError):
            self.request_citizen.with_user(self.user_citizen).write({"title": "x"})

    def test_portal_organisation_access(self):
        """A member of an organisation sees the organisation's requests."""
        school = self.env["res.partner"].create(
            {"name": "École Jules Ferry", "is_company": True}
        )
        self.user_citizen_2.partner_id.parent_id = school
        with freeze_time(NOW):
            school_request = self._create_request(partner_id=school.id)
        Request = self.Request.with_user(self.user_citizen_2)
        self.assertIn(school_request, Request.search([]))
        self.assertNotIn(
            school_request, self.Request.with_user(self.user_citizen).search([])
        )

    def test_multi_company(self):
        """Requests of another company stay invisible, even to its managers'
        colleagues without access to that company."""
        with freeze_time(NOW):
            other = self.Request.create(
                {
                    "title": "Autre commune",
                    "company_id": self.company_2.id,
                }
            )
        self.assertNotIn(other, self.Request.with_user(self.user_manager).search([]))
        with self.assertRaises(AccessError):
            other.with_user(self.user_manager).read(["title"])
        self.assertNotEqual(other.name, self.request_citizen.name)
