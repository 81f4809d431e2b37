"""Refresh the addons' translation template and merge it into the French catalog.

Usage: .venv/bin/python tools/i18n.py DB ADDON [ADDON ...] [--compendium FILE.po ...]

For each addon, Odoo itself (odoo-bin --i18n-export, on database DB where the
addons are installed) writes ``i18n/<addon>.pot``; then ``i18n/fr.po`` gets
the template's terms: a term keeps its French text, takes it from a
compendium (matched with white space folded) when new, and terms the addon
no longer has are dropped. The untranslated terms left are listed.
"""

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def folded(text):
    return re.sub(r"\s+", " ", text).strip()


def export_template(db, addon, odoo_src):
    pot = ROOT / addon / "i18n" / f"{addon}.pot"
    pot.parent.mkdir(exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            str(Path(odoo_src) / "odoo-bin"),
            "-c",
            str(ROOT / ".build" / "odoo.conf"),
            "-d",
            db,
            f"--i18n-export={pot}",
            f"--modules={addon}",
            "--log-level=warn",
        ],
        check=True,
    )
    return polib.pofile(str(pot))


def merge(template, catalog_path, compendium):
    old = polib.pofile(str(catalog_path)) if catalog_path.exists() else None
    known = {}
    if old:
        known = {
            entry.msgid: entry.msgstr
            for entry in old
            if entry.msgstr and "fuzzy" not in entry.flags
        }
    catalog = polib.POFile(wrapwidth=78)
    catalog.metadata = (old.metadata if old else template.metadata).copy()
    catalog.metadata["Language"] = "fr"
    catalog.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
    missing = []
    for entry in template:
        msgstr = known.get(entry.msgid) or compendium.get(folded(entry.msgid), "")
        if not msgstr:
            missing.append(entry.msgid)
        catalog.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=msgstr,
                occurrences=entry.occurrences,
                comment=entry.comment,
                tcomment=entry.tcomment,
                flags=[flag for flag in entry.flags if flag != "fuzzy"],
            )
        )
    catalog.save(str(catalog_path))
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("addons", nargs="+")
    parser.add_argument("--compendium", action="append", default=[])
    parser.add_argument("--odoo-src", default=os.environ.get("ODOO_SRC", "/opt/odoo"))
    args = parser.parse_args()
    compendium = {}
    for path in args.compendium:
        for entry in polib.pofile(path):
            if entry.msgstr:
                compendium[folded(entry.msgid)] = entry.msgstr
    untranslated = 0
    for addon in args.addons:
        template = export_template(args.db, addon, args.odoo_src)
        missing = merge(template, ROOT / addon / "i18n" / "fr.po", compendium)
        untranslated += len(missing)
        print(f"{addon}: {len(template)} terms, {len(missing)} without French")
        for msgid in missing:
            print(f"    {msgid[:100]!r}")
    return 1 if untranslated else 0


if __name__ == "__main__":
    sys.exit(main())
