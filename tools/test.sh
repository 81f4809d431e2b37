#!/usr/bin/env bash
# Create a fresh test database, install the addons (with demo data and French),
# then run the tests through pytest-odoo, HTTP cases and browser tours included.
#
# Settings (environment): TEST_DB (database name), TEST_MODULES (comma list
# to install), TEST_PATHS (pytest paths), KEEP_DB=1 (update instead of
# recreating the database), PYTEST_ARGS (more pytest arguments).
#
# The full run (no TEST_PATHS) also checks that pytest collects exactly the
# tests Odoo's own runner runs for the addons (conftest.py), and writes their
# list to .build/odoo-runner-tests.txt for tools/test_odoo.sh.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

db="${TEST_DB:-citizen_test}"
modules="${TEST_MODULES:-$MODULES}"
paths="${TEST_PATHS:-}"
same_tests=()
if [ -z "$paths" ]; then
    # tests/ holds the benchmark and load tools, no test: a test file put
    # there belongs to no addon, and the check below reports it.
    paths="citizen_relation citizen_relation_routing citizen_relation_portal citizen_relation_franceconnect tests"
    same_tests=(--same-tests-as-odoo="$BUILD/odoo-runner-tests.txt")
fi

cd "$ROOT"
export PYTHONPATH="$(odoo_src)${PYTHONPATH:+:$PYTHONPATH}"

if [ "${KEEP_DB:-0}" = 1 ] && db_exists "$db"; then
    say "Updating $modules in the test database $db"
    odoo_bin -d "$db" -u "$modules" --stop-after-init --log-level=warn ||
        die "Updating the addons in $db failed (see the log above)."
else
    say "Creating the test database $db with $modules"
    if db_exists "$db"; then
        dropdb --force "$db"
    fi
    rm -rf "$BUILD/data/filestore/$db"
    odoo_bin -d "$db" -i "$modules" --load-language=fr_FR --stop-after-init \
        --log-level=warn ||
        die "Installing the addons in $db failed (see the log above)."
fi

say "Running the tests"
# A test waiting on a row its own transaction holds (Odoo code opening a second
# cursor, as the mail gateway does on a failed delivery) would hang forever:
# make such a wait fail instead, so the suite always ends with a verdict.
export PGOPTIONS="${PGOPTIONS:-} -c lock_timeout=60s"
# shellcheck disable=SC2086
"$VENV/bin/python" -m pytest $paths \
    --odoo-config="$ODOO_CONF" --odoo-database="$db" --odoo-http \
    --odoo-log-level=warn -p no:cacheprovider "${same_tests[@]}" ${PYTEST_ARGS:-}
