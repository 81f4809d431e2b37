#!/usr/bin/env bash
# The linters OCA runs on 18.0 addons: ruff (lint and format), pylint-odoo's
# mandatory checks and oca-checks-odoo-module (manifests, XML data and views),
# plus the check that each addon's README.rst is generated from its readme/
# fragments, and the check that SECURITY.md has a row for every public route
# and every function calling sudo() (tools/security_inventory.py --check).
# Zero findings expected. OCA's oca-checks-po is not run: it empties
# the French text of a term that reads the same in English (French demo data),
# where our catalogs keep it, so that test_translations can tell a term left
# untranslated from one that needs no change.
#
# Usage: tools/lint.sh                     every check on the whole tree (make lint)
#        tools/lint.sh --step NAME [FILE…]  one check, on FILEs if given (the
#                                          hooks of .pre-commit-config.yaml)
# NAME: ruff, ruff-format, readme, pylint-odoo, oca-checks-odoo-module,
#       security-inventory.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

addons=()
for manifest in */__manifest__.py; do
    addons+=("$(dirname "$manifest")")
done

# One check, on the given files or, without files, on what make lint checks.
step() {
    local name="$1"
    shift
    case "$name" in
    ruff)
        "$VENV/bin/ruff" check --no-fix --force-exclude "${@:-.}"
        ;;
    ruff-format)
        "$VENV/bin/ruff" format --check --quiet --force-exclude "${@:-.}"
        ;;
    readme)
        # Whole addons: a README.rst depends on the manifest and every fragment.
        "$VENV/bin/python" tools/gen_readme.py --check
        ;;
    pylint-odoo)
        PYTHONPATH="$(odoo_src)" "$VENV/bin/pylint" --rcfile=.pylintrc-mandatory \
            "${@:-${addons[@]}}"
        ;;
    oca-checks-odoo-module)
        "$VENV/bin/oca-checks-odoo-module" "${@:-${addons[@]}}"
        ;;
    security-inventory)
        # The whole code against the whole page: a route or a sudo() anywhere
        # needs its row, whichever file changed. Odoo's source tells the URL
        # and checks of the routes the addons override.
        ODOO_SRC="$(odoo_src || true)" "$VENV/bin/python" \
            tools/security_inventory.py --check
        ;;
    *)
        die "Unknown lint step: $name"
        ;;
    esac
}

if [ "${1:-}" = --step ]; then
    [ $# -ge 2 ] || die "Usage: tools/lint.sh --step NAME [FILE...]"
    shift
    step "$@"
    exit
fi

say "ruff"
step ruff
step ruff-format
say "README.rst of each addon up to date with its readme/ fragments"
step readme
say "pylint-odoo"
step pylint-odoo
say "oca-checks-odoo-module"
step oca-checks-odoo-module
say "SECURITY.md lists every public route and every sudo()"
step security-inventory
# .pre-commit-config.yaml runs these same steps: keep the two lists one.
for name in ruff ruff-format readme pylint-odoo oca-checks-odoo-module \
    security-inventory; do
    grep -q "^ *entry: tools/lint.sh --step $name\$" .pre-commit-config.yaml ||
        die ".pre-commit-config.yaml has no hook running 'tools/lint.sh --step $name'."
done
say "lint: no finding"
