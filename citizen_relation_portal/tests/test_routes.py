import inspect

from odoo import http
from odoo.tests import TransactionCase, tagged

from odoo.addons.citizen_relation_portal import controllers

# routes without CSRF token, and how each one authenticates its caller instead
KEY_AUTHENTICATED = {
    "open311_post_request": "Open311 api_key of an API client",
    "citizen_intake": "API key of an API client in the Authorization header",
}


@tagged("post_install", "-at_install")
class TestRoutes(TransactionCase):
    def test_csrf_disabled_only_on_key_authenticated_routes(self):
        """A route opened to other sites' POSTs must authenticate by key."""
        found = set()
        for module in (
            controllers.intake,
            controllers.open311,
            controllers.portal,
            controllers.request_form,
        ):
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if not issubclass(cls, http.Controller) or cls.__module__ != (
                    module.__name__
                ):
                    continue
                for name, method in inspect.getmembers(cls, inspect.isfunction):
                    routing = getattr(method, "original_routing", None)
                    if routing and routing.get("csrf") is False:
                        found.add(name)
        self.assertEqual(found, set(KEY_AUTHENTICATED))
