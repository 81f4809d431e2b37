from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCitizenRequestTour(HttpCase):
    def test_request_views_in_browser(self):
        """A manager opens the kanban, a request and its possible duplicates,
        then the list, in a real browser."""
        category = self.env["citizen.request.category"].create(
            {"name": "Tour category", "code": "T-TOUR", "delay_days": 5}
        )
        Request = self.env["citizen.request"]
        for title in ("Tour pothole", "Tour pothole again"):
            Request.create(
                {
                    "title": title,
                    "channel": "counter",
                    "category_id": category.id,
                    "street": "12 rue du Tour",
                    "contact_name": "Usager du tour",
                }
            )
        self.start_tour(
            "/odoo/action-citizen_relation.citizen_request_action",
            "citizen_relation_request_tour",
            login="admin",
        )
