#!/usr/bin/env bash
# Run every test of the addons through Odoo's own runner, as integrators and
# the OCA do, on a fresh database:
#
#   odoo-bin -d <db> -i citizen_relation_portal,citizen_relation_routing,citizen_relation_franceconnect \
#       --test-enable --test-tags /citizen_relation,/citizen_relation_routing,/citizen_relation_portal,/citizen_relation_franceconnect \
#       --stop-after-init
#
# then check Odoo's last word, "N failed, M error(s) of T tests when loading
# database": no failure, no error, and T tests, one by one the tests pytest
# collects from the same addons (conftest.py lists them).
#
# Settings (environment): TEST_ODOO_DB (database name, default
# citizen_test_odoo), TEST_ODOO_ARGS (more odoo-bin arguments, e.g.
# --load-language=fr_FR; by default none: an English database, as an
# integrator's).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

db="${TEST_ODOO_DB:-citizen_test_odoo}"
expected="$BUILD/odoo-runner-tests-$db.txt"
ran="$BUILD/odoo-runner-ran-$db.txt"
log="$BUILD/test_odoo-$db.log"
tags="/${MODULES//,/,/}"
# Only the top addons are named, as an integrator would: Odoo installs the
# core with them.
top_modules="citizen_relation_portal,citizen_relation_routing,citizen_relation_franceconnect"
# The issue's command as it is, on an English database: the demo data loads
# French for its partners itself, and the tests about French load it.
extra_args="${TEST_ODOO_ARGS-}"

cd "$ROOT"
export PYTHONPATH="$(odoo_src)${PYTHONPATH:+:$PYTHONPATH}"
# As in tools/test.sh: a test waiting on a row its own transaction holds
# fails instead of hanging.
export PGOPTIONS="${PGOPTIONS:-} -c lock_timeout=60s"

say "Odoo's runner: installing $top_modules into a fresh database $db, tests $tags"
if db_exists "$db"; then
    dropdb --force "$db"
fi
rm -rf "$BUILD/data/filestore/$db"
# The tests' own loggers at INFO give one "Starting Class.method ..." line per
# test run, kept in the log; the terminal shows warnings and errors only.
log_handlers=(--log-handler=odoo.tests.result:INFO)
for module in ${MODULES//,/ }; do
    log_handlers+=(--log-handler="odoo.addons.$module.tests:INFO")
done
set +e
# shellcheck disable=SC2086
odoo_bin -d "$db" -i "$top_modules" --test-enable --test-tags "$tags" \
    --stop-after-init --log-level=warn "${log_handlers[@]}" $extra_args 2>&1 |
    tee "$log" |
    awk '/^[0-9-]+ [0-9:,]+ [0-9]+ [A-Z]+ / { info = ($4 == "INFO") } !info'
set -e

summary="$(grep -E '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$log" | tail -n 1 || true)"
[ -n "$summary" ] ||
    die "Odoo's runner gave no test report (see $log): the install failed or stopped early."
read -r failed errors total < <(
    sed -E 's/.* ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests when loading.*/\1 \2 \3/' <<<"$summary"
)

# What pytest collects from the same addons, on the database just installed.
"$VENV/bin/python" -m pytest citizen_relation citizen_relation_routing \
    citizen_relation_portal citizen_relation_franceconnect tests --collect-only -q \
    --odoo-config="$ODOO_CONF" --odoo-database="$db" --odoo-log-level=error \
    -p no:cacheprovider --same-tests-as-odoo="$expected" >"$BUILD/odoo-runner-collect.log" 2>&1 ||
    die "pytest and Odoo's runner see different tests (see $BUILD/odoo-runner-collect.log)."
sed -nE 's/.* (odoo\.addons\.[A-Za-z0-9_.]+): Starting ([A-Za-z0-9_]+)\.([A-Za-z0-9_]+) \.\.\. ?$/\1: \2.\3/p' \
    "$log" | LC_ALL=C sort >"$ran"
LC_ALL=C sort -o "$expected" "$expected"
pytest_total="$(wc -l <"$expected")"

say "Odoo's runner: $failed failed, $errors error(s) of $total tests; pytest collects $pytest_total"
status=0
if [ "$failed" != 0 ] || [ "$errors" != 0 ]; then
    printf 'Failing tests (full log: %s):\n' "$log"
    grep -E ' ERROR [^ ]+ [^ ]+: (ERROR|FAIL): ' "$log" |
        sed -E 's/^.*: (ERROR|FAIL): /  \1: /' || true
    status=1
fi
if [ "$total" != "$pytest_total" ] || ! diff -q "$expected" "$ran" >/dev/null; then
    printf 'Odoo ran %s tests, pytest collects %s:\n' "$total" "$pytest_total"
    diff "$expected" "$ran" | sed -E 's/^< /  only pytest: /; s/^> /  only Odoo: /' |
        grep '^  only' || true
    status=1
fi
[ "$status" = 0 ] || die "Odoo's runner is not green on the same tests as pytest."
say "Odoo's runner: the same $total tests as pytest, all green"
