"""Packaging of the four addons.

``pip install .`` installs them as ``odoo.addons.citizen_relation``,
``odoo.addons.citizen_relation_routing``, ``odoo.addons.citizen_relation_portal``
and ``odoo.addons.citizen_relation_franceconnect``
next to an Odoo 18.0 installed in the same environment, with their data files
(XML, CSV, translations, static assets). Each addon's version is its manifest's.
"""

import ast
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent
ADDONS = [
    "citizen_relation",
    "citizen_relation_routing",
    "citizen_relation_portal",
    "citizen_relation_franceconnect",
]


def manifest(addon):
    return ast.literal_eval((HERE / addon / "__manifest__.py").read_text())


def addon_packages(addon):
    """Every Python package of the addon, as a dotted name under odoo.addons."""
    root = HERE / addon
    return [
        ".".join(("odoo", "addons", addon, *init.parent.relative_to(root).parts))
        for init in sorted(root.rglob("__init__.py"))
    ]


def addon_data(addon):
    """Every non-Python file of the addon, relative to the addon folder."""
    root = HERE / addon
    return [
        str(path.relative_to(root))
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and path.suffix not in (".py", ".pyc")
        and path.name != "pyproject.toml"  # the addon's own wheel (whool)
        and "__pycache__" not in path.parts
    ]


setup(
    name="citizen-relation",
    version=manifest("citizen_relation")["version"],
    description="Citizen relation management for French town halls, on Odoo 18",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="LGPL-3",
    url=manifest("citizen_relation")["website"],
    python_requires=">=3.10",
    packages=[pkg for addon in ADDONS for pkg in addon_packages(addon)],
    package_dir={f"odoo.addons.{addon}": addon for addon in ADDONS},
    package_data={f"odoo.addons.{addon}": addon_data(addon) for addon in ADDONS},
    include_package_data=False,
    zip_safe=False,
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
        "Programming Language :: Python :: 3",
    ],
)
