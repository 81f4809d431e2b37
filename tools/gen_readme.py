"""Generate each addon's README.rst from its readme/*.md fragments (OCA layout).

The OCA's own generator, oca-gen-addon-readme, ships in oca-maintainers-tools,
which is not published on PyPI (the OCA installs it from its git repository):
this script follows its layout from the same fragments and manifest keys.

Usage: python tools/gen_readme.py [--check] [ADDON ...]

With --check, write nothing and exit 1 when a README.rst is missing or stale.
The Markdown of the fragments is the small subset the fragments use: headings,
paragraphs, bullet and numbered lists, inline code, bold, italics and links.
"""

import argparse
import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = [
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("ROADMAP.md", "Known issues / Roadmap"),
    ("CONTRIBUTORS.md", None),
]
# Title levels below the addon's name: sections (Configuration, Usage, Credits),
# then their subsections, and so on. One character per level across the file,
# as docutils requires.
UNDERLINES = ["=", "-", "~", "^"]


def inline(text):
    """Markdown inline markup to reStructuredText."""
    text = re.sub(r"`([^`]+)`", r"``\1``", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"`\1 <\2>`_", text)
    return text


def md_to_rst(markdown, level=1):
    """Convert a fragment whose own headings start at title ``level``.

    Level 1 is a section's level (``=``), 2 a subsection's (``-``), and so on.
    """
    out = []
    for line in markdown.strip().splitlines():
        heading = re.match(r"^(#+)\s+(.*)$", line)
        if heading:
            title = inline(heading.group(2).strip())
            depth = min(level + len(heading.group(1)) - 2, len(UNDERLINES) - 1)
            out += ["", title, UNDERLINES[depth] * len(title), ""]
            continue
        bullet = re.match(r"^(\s*)[-*]\s+(.*)$", line)
        if bullet:
            out.append(f"{bullet.group(1)}- {inline(bullet.group(2))}")
            continue
        numbered = re.match(r"^(\s*)\d+\.\s+(.*)$", line)
        if numbered:
            out.append(f"{numbered.group(1)}#. {inline(numbered.group(2))}")
            continue
        out.append(inline(line))
    text = "\n".join(out).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def title_block(title, char="="):
    bar = char * len(title)
    return f"{bar}\n{title}\n{bar}"


def section(title, body):
    return f"{title}\n{'=' * len(title)}\n\n{body}"


def render(addon_dir):
    manifest = ast.literal_eval((addon_dir / "__manifest__.py").read_text())
    readme = addon_dir / "readme"
    parts = [
        title_block(manifest["name"]),
        "..\n   This file is generated from the readme/*.md fragments by\n"
        "   tools/gen_readme.py: edit those, not this file.",
        f"**{manifest.get('summary', '').strip()}**" if manifest.get("summary") else "",
        " ".join(
            part
            for part in (
                f"Development status: {manifest['development_status']}."
                if manifest.get("development_status")
                else "",
                f"License: {manifest['license']}. Version {manifest['version']}.",
            )
            if part
        ),
    ]
    fragments = {
        name: (readme / name).read_text(encoding="utf-8")
        for name, _title in SECTIONS
        if (readme / name).is_file()
    }
    if "DESCRIPTION.md" in fragments:
        parts.append(md_to_rst(fragments["DESCRIPTION.md"], level=1))
    parts.append("**Table of contents**\n\n.. contents::\n   :local:")
    for name, title in SECTIONS[1:-1]:
        if name in fragments:
            parts.append(section(title, md_to_rst(fragments[name], level=2)))
    credits = [f"Authors\n-------\n\n- {manifest['author']}"]
    if "CONTRIBUTORS.md" in fragments:
        credits.append(
            "Contributors\n------------\n\n"
            + md_to_rst(fragments["CONTRIBUTORS.md"], level=3)
        )
    parts.append(section("Credits", "\n\n".join(credits)))
    return "\n\n".join(part for part in parts if part) + "\n"


def rst_errors(text):
    """Warnings docutils raises on the text (Odoo renders README.rst on install)."""
    import docutils.core
    import docutils.utils

    try:
        docutils.core.publish_doctree(
            text, settings_overrides={"halt_level": 2, "report_level": 5}
        )
    except docutils.utils.SystemMessage as error:
        return str(error)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("addons", nargs="*")
    args = parser.parse_args()
    addons = args.addons or sorted(
        path.parent.name for path in ROOT.glob("*/__manifest__.py")
    )
    stale = []
    for addon in addons:
        target = ROOT / addon / "README.rst"
        text = render(ROOT / addon)
        error = rst_errors(text)
        if error:
            print(f"{addon}: README.rst would not render: {error}", file=sys.stderr)
            stale.append(addon)
            continue
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(addon)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    if stale and args.check:
        print(
            "README.rst out of date in: "
            + ", ".join(stale)
            + " (run: python tools/gen_readme.py)",
            file=sys.stderr,
        )
        return 1
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
