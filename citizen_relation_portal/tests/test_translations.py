"""French users first: every translatable term of the addons has a French text."""

from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

from odoo.addons.citizen_relation.tests.common import load_french

ADDONS = [
    "citizen_relation",
    "citizen_relation_routing",
    "citizen_relation_portal",
    "citizen_relation_franceconnect",
]


@tagged("post_install", "-at_install")
class TestFrenchTranslations(TransactionCase):
    def _terms(self, addon):
        """The terms Odoo itself exports for the addon, as they are now."""
        reader = TranslationModuleReader(self.env.cr, modules=[addon])
        return {
            source
            for module, _type, _name, _res_id, source, _value, _comments in reader
            if module == addon and source
        }

    def test_every_term_has_a_french_translation(self):
        for addon in ADDONS:
            with self.subTest(addon=addon):
                po_path = Path(get_module_path(addon)) / "i18n" / "fr.po"
                self.assertTrue(po_path.is_file(), f"{addon} ships no i18n/fr.po")
                catalog = polib.pofile(str(po_path))
                translated = {
                    entry.msgid
                    for entry in catalog
                    if entry.msgstr.strip() and "fuzzy" not in entry.flags
                }
                missing = sorted(self._terms(addon) - translated)
                self.assertFalse(
                    missing,
                    f"{addon}: {len(missing)} term(s) without French translation, "
                    f"e.g. {missing[:5]}",
                )

    def test_french_is_what_users_read(self):
        """Once French is loaded, the addons' menus read in French."""
        load_french(self.env)
        action = self.env.ref("citizen_relation.citizen_request_action")
        self.assertNotEqual(
            action.with_context(lang="fr_FR").name,
            action.with_context(lang="en_US").name,
        )
