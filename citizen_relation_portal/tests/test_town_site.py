"""The town's own website, as a visitor gets it over HTTP: the town's details
in place of Odoo's samples, and the statements the law asks for."""

import base64
import re

from lxml import html as lxml_html

from odoo.tests import tagged

from odoo.addons.citizen_relation.tests.common import run_acknowledgement_job

from .common import CitizenPortalCase, make_png

# What Odoo's website shows until someone edits it (in English and French),
# as written: the portal's own "Company Name" field of an account is no sample.
ODOO_PLACEHOLDERS = [
    "555-555",
    "yourcompany",
    "mycompany",
    "My Company",
    "My Website",
    "Company name",
    "Nom de l'entreprise",
    "passionate people",
    "passionnés",
    "disruptive",
    "disruptifs",
    "Executive Park",
    "San Francisco",
    "Fake Buena Vista",
    "Your Logo",
    "Free Returns",
]
STATEMENTS = ["/accessibilite", "/mentions-legales", "/donnees-personnelles"]


@tagged("post_install", "-at_install")
class TestTownSite(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.website = cls.env["website"].get_current_website()
        cls.website.company_id = cls.company
        cls.company.write(
            {
                "name": "Mairie de Testville",
                "street": "2 place du Marché",
                "zip": "99100",
                "city": "Testville",
                "phone": "01 23 45 67 89",
                "email": "accueil@testville.example.org",
                "logo": base64.b64encode(make_png((60, 70))),
                "citizen_opening_hours": "<p>Lundi au vendredi, 9 h – 12 h</p>",
                "citizen_publication_director": "Mme Jeanne Test, maire",
                "citizen_website_host": "Hébergeur Test SAS\n1 rue du Serveur",
                "citizen_dpo_contact": "DPO mutualisé, dpo@testville.example.org",
                "citizen_accessibility_status": "partial",
                "citizen_accessibility_rate": 81.5,
                "citizen_accessibility_audit_date": "2026-02-03",
                "citizen_accessibility_non_compliances": (
                    "<p>Carte non utilisable au clavier</p>"
                ),
                "citizen_monavis_url": False,
            }
        )

    def _page(self, url, status=200):
        response = self.url_open(url)
        self.assertEqual(response.status_code, status, url)
        return response.text

    def _footer_links(self, page):
        tree = lxml_html.fromstring(page)
        return tree.xpath("//footer//a/@href")

    def _change_company(self, values):
        """Change the company as its administrator does, through the web
        client's RPC (a request of its own, as in real use)."""
        self.authenticate("admin", "admin")
        self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "res.company",
                "method": "write",
                "args": [self.company.ids, values],
                "kwargs": {},
            },
        )
        self.authenticate(None, None)

    # ------------------------------------------------------------------
    # The town in place of Odoo's samples
    # ------------------------------------------------------------------

    def test_no_page_shows_an_odoo_placeholder(self):
        """Before, the header, footer and contact page showed "+1 555-555-5556",
        info@yourcompany.example.com and a footer about disruptive products."""
        pages = {
            None: [
                "/",
                "/contactus",
                "/requests/new",
                "/requests/track",
                "/web/login",
                *STATEMENTS,
            ],
            "alice_citizen": [
                "/my",
                "/my/requests",
                f"/my/requests/{self.request_alice.id}",
                "/my/account",
            ],
        }
        for login, urls in pages.items():
            self.authenticate(login, login)
            for url in urls:
                with self.subTest(url=url, login=login):
                    page = self._page(url)
                    for placeholder in ODOO_PLACEHOLDERS:
                        self.assertNotIn(placeholder, page)
                    self.assertIn("Mairie de Testville", page)
        with self.subTest(url="a page that does not exist"):
            page = self._page("/no-such-page-here", status=404)
            for placeholder in ODOO_PLACEHOLDERS:
                self.assertNotIn(placeholder, page)
        # the website took the town's name and logo, not Odoo's "Your Logo"
        self.assertEqual(self.website.name, "Mairie de Testville")
        self.assertEqual(self.website.logo, self.company.logo)

    def test_home_header_and_footer_show_the_company(self):
        page = self._page("/")
        tree = lxml_html.fromstring(page)
        self.assertEqual(
            tree.xpath("string(//main//h1)").strip(), "Mairie de Testville"
        )
        for part in ("//header", "//footer", "//main"):
            text = tree.xpath(f"string({part})")
            with self.subTest(part=part):
                self.assertIn("01 23 45 67 89", text)
        footer = tree.xpath("string(//footer)")
        for value in ("2 place du Marché", "99100", "accueil@testville.example.org"):
            self.assertIn(value, footer)
        self.assertIn("Lundi au vendredi, 9 h – 12 h", tree.xpath("string(//main)"))
        self.assertIn("Lundi au vendredi, 9 h – 12 h", footer)
        # the entries a citizen comes for
        main_links = tree.xpath("//main//a/@href")
        for url in ("/requests/new", "/requests/track", "/my/requests"):
            self.assertIn(url, main_links)
        self.assertTrue(tree.xpath("//main//*[@id='o_citizen_home_hours']"))
        self.assertIn("tel:0123456789", tree.xpath("//header//a/@href"))
        self.assertIn(f"/logo.png?company={self.company.id}", page)

    def test_company_change_shows_at_once(self):
        """The header and footer are cached per website: a change of the
        company must not wait for the cache to expire."""
        self._page("/")
        self._change_company(
            {
                "name": "Mairie de Neuville",
                "phone": "04 00 00 00 01",
                "citizen_opening_hours": "<p>Mardi seulement</p>",
            }
        )
        tree = lxml_html.fromstring(self._page("/"))
        header = tree.xpath("string(//header)")
        footer = tree.xpath("string(//footer)")
        self.assertIn("04 00 00 00 01", header)
        self.assertNotIn("01 23 45 67 89", header + footer)
        self.assertIn("Mairie de Neuville", footer)
        self.assertIn("Mardi seulement", footer)
        self.assertEqual(tree.xpath("string(//main//h1)").strip(), "Mairie de Neuville")
        self.assertIn("Mairie de Neuville", tree.xpath("string(//title)"))

    def test_website_of_its_own_keeps_its_name(self):
        """A website the town named itself is not renamed after the town."""
        self.website.name = "Saint-Aubin en ligne"
        self.company.name = "Mairie de Saint-Aubin"
        self.assertEqual(self.website.name, "Saint-Aubin en ligne")

    # ------------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------------

    def test_statements_linked_from_the_footer_of_every_page(self):
        for login, url in (
            (None, "/"),
            (None, "/requests/new"),
            ("alice_citizen", "/my/requests"),
            (None, "/accessibilite"),
        ):
            self.authenticate(login, login)
            with self.subTest(url=url):
                links = self._footer_links(self._page(url))
                for statement in STATEMENTS:
                    self.assertIn(statement, links)

    def test_statement_pages_are_accessible_pages(self):
        """One h1, no heading level skipped, a language, landmarks."""
        for url in STATEMENTS:
            with self.subTest(url=url):
                tree = lxml_html.fromstring(self._page(url))
                self.assertTrue(tree.xpath("/html/@lang"))
                self.assertTrue(tree.xpath("//header") and tree.xpath("//main"))
                self.assertTrue(tree.xpath("//footer"))
                levels = [
                    int(h.tag[1])
                    for h in tree.xpath("//main//*[self::h1 or self::h2 or self::h3]")
                ]
                self.assertEqual(levels.count(1), 1)
                self.assertEqual(levels[0], 1)
                for before, after in zip(levels, levels[1:], strict=False):
                    self.assertLessEqual(after, before + 1, levels)

    def test_accessibility_statement(self):
        tree = lxml_html.fromstring(self._page("/accessibilite"))
        main = tree.xpath("string(//main)")
        self.assertIn("81.5 %", main)
        self.assertIn("Carte non utilisable au clavier", main)
        self.assertIn("accueil@testville.example.org", main)
        routes = tree.xpath("//ul[hasclass('o_citizen_defenseur_routes')]/li")
        self.assertEqual(len(routes), 3)
        self.assertIn(
            "https://formulaire.defenseurdesdroits.fr/", tree.xpath("//main//a/@href")
        )
        self.assertIn("Libre réponse 71120", main)
        # the compliance stated on every page follows the setting
        footer = tree.xpath("string(//footer//a[@href='/accessibilite'])")
        self._change_company({"citizen_accessibility_status": "full"})
        new_footer = lxml_html.fromstring(self._page("/")).xpath(
            "string(//footer//a[@href='/accessibilite'])"
        )
        self.assertNotEqual(footer, new_footer)

    def test_legal_notices(self):
        main = lxml_html.fromstring(self._page("/mentions-legales")).xpath(
            "string(//main)"
        )
        for value in (
            "Mairie de Testville",
            "2 place du Marché",
            "01 23 45 67 89",
            "Mme Jeanne Test, maire",
            "Hébergeur Test SAS",
        ):
            self.assertIn(value, main)

    def test_personal_data_retention_follows_the_categories(self):
        Category = self.env["citizen.request.category"]
        Category.search([]).write({"active": False})
        self.category_road.write({"active": True, "retention_months": 17})
        kept = Category.create(
            {
                "name": "Kept Test",
                "code": "T-KEPT",
                "is_public": True,
                "retention_months": 0,
            }
        )
        self.category_internal.write({"active": True, "retention_months": 99})
        tree = lxml_html.fromstring(self._page("/donnees-personnelles"))
        rows = {
            row.xpath("string(th)").strip(): row.xpath("string(td)").strip()
            for row in tree.xpath(
                "//table[hasclass('o_citizen_retention_table')]/tbody/tr"
            )
        }
        self.assertIn("17", rows.pop(self.category_road.display_name))
        self.assertFalse(re.search(r"\d", rows.pop(kept.display_name)))
        # the internal category is not named, its period is counted
        self.assertEqual(len(rows), 1)
        self.assertNotIn("Internal Test", str(rows))
        self.assertIn("99", next(iter(rows.values())))
        main = tree.xpath("string(//main)")
        self.assertIn("DPO mutualisé, dpo@testville.example.org", main)
        links = tree.xpath("//main//a/@href")
        self.assertIn("/my/requests/personal-data", links)
        self.assertTrue(any("cnil.fr" in link for link in links))

    # ------------------------------------------------------------------
    # Services Publics+: "Je donne mon avis"
    # ------------------------------------------------------------------

    MONAVIS = "https://monavis.numerique.gouv.fr/Demarches/1234?&view-mode=formulaire-avis&nd_source=button&key=abc"

    def _submit_form(self, email):
        self.authenticate(None, None)
        response = self.url_open(
            "/requests/new",
            data={
                "csrf_token": self.csrf_token(),
                "category_id": str(self.category_road.id),
                "title": "Broken street lamp",
                "description": "The lamp in front of number 4 is off.",
                "street": "4 rue Victor Hugo",
                "city": "Testville",
                "contact_name": "Eve Citizen",
                "contact_email": email,
                "consent": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        return lxml_html.fromstring(response.text)

    def test_monavis_on_the_confirmation_page(self):
        tree = self._submit_form("eve.nolink@example.org")
        self.assertFalse(tree.xpath("//main//a[contains(@href, 'monavis')]"))
        self.company.citizen_monavis_url = self.MONAVIS
        tree = self._submit_form("eve.link@example.org")
        self.assertTrue(
            tree.xpath("//main//*[hasclass('o_citizen_request_reference')]")
        )
        self.assertEqual(
            tree.xpath("//main//a[contains(@href, 'monavis')]/@href"), [self.MONAVIS]
        )

    def test_monavis_in_the_resolution_email(self):
        def resolve(email):
            citizen_request = self.env["citizen.request"].create(
                {
                    "title": "Lamp",
                    "category_id": self.category_road.id,
                    "contact_name": "Eve",
                    "contact_email": email,
                }
            )
            run_acknowledgement_job(self.env)
            citizen_request.action_resolve()
            # the stage's email leaves with the tracking, at commit
            self.env.flush_all()
            self.env.cr.precommit.run()
            mails = self.env["mail.mail"].search(
                [("model", "=", "citizen.request"), ("res_id", "=", citizen_request.id)]
            )
            resolution = mails.filtered(lambda mail: "/rate/5" in mail.body_html)
            self.assertEqual(len(resolution), 1)
            return resolution.body_html

        self.assertNotIn("monavis", resolve("eve.one@example.org"))
        self.company.citizen_monavis_url = self.MONAVIS
        body = resolve("eve.two@example.org")
        self.assertIn(self.MONAVIS.replace("&", "&amp;"), body)
