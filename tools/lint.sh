#!/usr/bin/env bash
# The linters OCA runs on 18.0 addons: ruff (lint and format), pylint-odoo's
# mandatory checks and oca-checks-odoo-module (manifests, XML data and views).
# Zero findings expected. OCA's oca-checks-po is not run: it empties the
# French text of a term that reads the same in English (French demo data),
# where our catalogs keep it, so that test_translations can tell a term left
# untranslated from one that needs no change.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

addons=()
for manifest in */__manifest__.py; do
    addons+=("$(dirname "$manifest")")
done

say "ruff"
"$VENV/bin/ruff" check --no-fix .
"$VENV/bin/ruff" format --check --quiet .
say "README.rst of each addon up to date with its readme/ fragments"
"$VENV/bin/python" tools/gen_readme.py --check
say "pylint-odoo"
PYTHONPATH="$(odoo_src)" "$VENV/bin/pylint" --rcfile=.pylintrc-mandatory "${addons[@]}"
say "oca-checks-odoo-module"
"$VENV/bin/oca-checks-odoo-module" "${addons[@]}"
say "lint: no finding"
