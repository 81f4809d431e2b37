"""Limits per client address, behind the reverse proxy a town puts in front
of Odoo (proxy mode: the address comes from X-Forwarded-For).

Before, each IPv6 address counted alone: a visitor holds a whole /64 (its
provider gives it at least that), and could send as much as it liked by
changing the last bits of its address.
"""

from unittest.mock import patch
from urllib.parse import urlparse

from odoo.tests import tagged
from odoo.tools import config

from .common import CitizenPortalCase


@tagged("post_install", "-at_install")
class TestLimitsPerClientAddress(CitizenPortalCase):
    def setUp(self):
        super().setUp()
        self.authenticate(None, None)
        patcher = patch.dict(config.options, {"proxy_mode": True})
        patcher.start()
        self.addCleanup(patcher.stop)

    def _from(self, address, url, data=None):
        headers = {
            "X-Forwarded-For": address,
            "X-Forwarded-Host": urlparse(self.base_url()).netloc,
        }
        return self.url_open(url, data=data, headers=headers)

    def _file(self, address, index):
        return self._from(
            address,
            "/requests/new",
            data={
                "csrf_token": self.csrf_token(),
                "category_id": str(self.category_road.id),
                "title": "Broken street lamp",
                "description": "The lamp is off.",
                "contact_name": "Eve Citizen",
                "contact_email": f"eve{index}@example.org",
                "consent": "1",
            },
        )

    def test_form_counts_an_ipv6_network_as_one_visitor(self):
        self.set_param("limit_ip_count", 2)
        self.assertEqual(self._file("2001:db8:1:2::1", 1).status_code, 200)
        self.assertEqual(
            self._file("2001:db8:1:2:ffff:ffff:ffff:fffe", 2).status_code, 200
        )
        # another address of the same /64: the same visitor
        response = self._file("2001:db8:1:2:abcd::9", 3)
        self.assertEqual(response.status_code, 429)
        self.assertFalse(
            self.env["citizen.request"].search(
                [("contact_email", "=", "eve3@example.org")]
            )
        )
        # the next /64 is someone else, and IPv4 addresses count one by one
        self.assertEqual(self._file("2001:db8:1:3::1", 4).status_code, 200)
        self.assertEqual(self._file("192.0.2.1", 5).status_code, 200)
        self.assertEqual(self._file("192.0.2.1", 6).status_code, 200)
        self.assertEqual(self._file("192.0.2.1", 7).status_code, 429)
        self.assertEqual(self._file("192.0.2.2", 8).status_code, 200)
        # an IPv4 address written as IPv6 is the same IPv4 visitor
        self.assertEqual(self._file("::ffff:192.0.2.1", 9).status_code, 429)

    def test_open311_reads_count_an_ipv6_network_as_one_client(self):
        self.set_param("limit_read_count", 1)
        url = "/open311/v2/services.json"
        self.assertEqual(self._from("2001:db8:5:6::1", url).status_code, 200)
        response = self._from("2001:db8:5:6::2", url)
        self.assertEqual(response.status_code, 429)
        self.assertIn("Retry-After", response.headers)
        self.assertEqual(self._from("2001:db8:5:7::1", url).status_code, 200)

    def test_a_deleted_limit_falls_back_on_the_default(self):
        """Before, a limit parameter deleted or emptied by an administrator
        read as 0, which lifted the limit altogether instead of applying
        the shipped default."""
        self.env["ir.config_parameter"].search(
            [("key", "=", "citizen_relation_portal.limit_ip_count")]
        ).unlink()
        Throttle = self.env["citizen.submission.throttle"]
        self.assertEqual(Throttle._get_limit("ip")[0], 5)
        self.set_param("limit_ip_count", "")
        self.assertEqual(Throttle._get_limit("ip")[0], 5)
        for index in range(5):
            self.assertEqual(self._file("192.0.2.50", index).status_code, 200)
        self.assertEqual(self._file("192.0.2.50", 5).status_code, 429)
