#!/usr/bin/env bash
# Remove what the tools made: the virtualenv, the build folder, the databases.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

for db in citizen_demo citizen_test citizen_test_odoo citizen_install_en \
    bench_ours bench_peer bench_ack; do
    if db_exists "$db"; then
        say "Dropping database $db"
        dropdb --force "$db"
    fi
done
if [ -f "$BUILD/maildump.pid" ]; then
    kill "$(cat "$BUILD/maildump.pid")" 2>/dev/null || true
fi
rm -rf "$VENV" "$BUILD"
