#!/usr/bin/env bash
# The linters OCA runs on 18.0 addons: ruff (lint and format) and pylint-odoo's
# mandatory checks. Zero findings expected.
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
say "lint: no finding"
