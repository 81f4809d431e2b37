#!/usr/bin/env bash
# `make bench`: query-count benchmarks of the addons beside OCA helpdesk_mgmt.
#
# Installs the peer (OCA helpdesk_mgmt 18.0, from its PyPI wheel) into a
# throw-away addons folder, creates one database per side without demo data,
# measures the same operations on each (tests/benchmarks/bench.py) and prints
# one table. Exits non-zero when an operation exceeds its budget.
#
# The SQL of each measured operation is written to .build/bench/queries/<side>/.
#
# Settings (environment): BENCH_REUSE_DB=1 (keep existing bench databases
# instead of recreating them), BENCH_BULK (requests created in bulk, default
# 10000), BENCH_SCALE=1 (also run tests/benchmarks/scale.py,
# BENCH_SCALE_SIZES, default "10000 100000"; the database is filled up to
# each size in turn), BENCH_ONLY=ours|peer, BENCH_MAP_SIZES (open requests
# of the maps' figures, tests/benchmarks/map.py, default "100 1000 10000").
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

BENCH="$BUILD/bench"
PEER_ADDONS="$BENCH/peer-addons"
BENCH_CONF="$BENCH/odoo.conf"
OURS_DB=bench_ours
PEER_DB=bench_peer
ACK_DB=bench_ack
PEER_REQUIREMENT='odoo-addon-helpdesk_mgmt>=18.0,<18.1'

cd "$ROOT"
mkdir -p "$BENCH"
export PYTHONPATH="$(odoo_src)${PYTHONPATH:+:$PYTHONPATH}"

fetch_peer() {
    # helpdesk_mgmt 18.0 depends on mail and portal only (no other OCA addon).
    [ -f "$PEER_ADDONS/helpdesk_mgmt/__manifest__.py" ] && return 0
    say "Fetching the peer: $PEER_REQUIREMENT"
    rm -rf "$BENCH/wheels" "$BENCH/unpacked" "$PEER_ADDONS"
    "$VENV/bin/pip" download -q --no-deps --progress-bar off \
        -d "$BENCH/wheels" "$PEER_REQUIREMENT" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) ||
        die "Could not download $PEER_REQUIREMENT from PyPI."
    mkdir -p "$BENCH/unpacked" "$PEER_ADDONS"
    local wheel
    for wheel in "$BENCH"/wheels/*.whl; do
        "$VENV/bin/python" -m zipfile -e "$wheel" "$BENCH/unpacked"
    done
    cp -r "$BENCH"/unpacked/odoo/addons/* "$PEER_ADDONS/"
}

write_bench_config() {
    # The project's configuration, with the peer's folder added to the addons path.
    sed -e "s|^addons_path = \(.*\)$|addons_path = \1,$PEER_ADDONS|" \
        "$ODOO_CONF" >"$BENCH_CONF"
}

# Our addons present in the tree: an addon that does not exist yet is reported
# "n/a" by the runner; one that exists must install.
our_modules() {
    local module present=()
    for module in ${MODULES//,/ }; do
        [ -f "$ROOT/$module/__manifest__.py" ] && present+=("$module")
    done
    local IFS=,
    echo "${present[*]}"
}

create_db() {
    local db="$1" modules="$2"
    if [ "${BENCH_REUSE_DB:-0}" = 1 ] && db_exists "$db"; then
        say "Reusing the database $db"
        return 0
    fi
    say "Creating $db with $modules (no demo data)"
    if db_exists "$db"; then
        dropdb --force "$db"
    fi
    rm -rf "$BUILD/data/filestore/$db"
    "$VENV/bin/python" "$(odoo_src)/odoo-bin" -c "$BENCH_CONF" -d "$db" \
        -i "$modules" --without-demo=all --stop-after-init --log-level=warn \
        >"$BENCH/install-$db.log" 2>&1 || {
        tail -n 40 "$BENCH/install-$db.log" >&2
        die "Installing $modules in $db failed (log: $BENCH/install-$db.log)."
    }
}

measure() {
    local side="$1" db="$2" port="$3"
    say "Measuring $side on $db (log: $BENCH/measure-$side.log)"
    rm -rf "$BENCH/queries/$side" "$BENCH/$side.json"
    "$VENV/bin/python" tests/benchmarks/bench.py measure --side "$side" \
        --config "$BENCH_CONF" --db "$db" --port "$port" \
        --out "$BENCH/$side.json" --bulk "${BENCH_BULK:-10000}" \
        --queries-dir "$BENCH/queries/$side" 2>"$BENCH/measure-$side.log" || {
        # the report below shows what could be measured, and fails
        tail -n 40 "$BENCH/measure-$side.log" >&2
        printf '\033[31mMeasuring %s stopped early (log: %s).\033[0m\n' \
            "$side" "$BENCH/measure-$side.log" >&2
        measure_failed=1
    }
}

fetch_peer
write_bench_config
ours="$(our_modules)"
[ -n "$ours" ] || die "None of $MODULES exists in $ROOT."

start=$SECONDS
measure_failed=0
if [ "${BENCH_ONLY:-}" != ours ]; then
    create_db "$PEER_DB" "helpdesk_mgmt,website"
    measure peer "$PEER_DB" "${BENCH_PEER_PORT:-8169}"
fi
if [ "${BENCH_ONLY:-}" != peer ]; then
    create_db "$OURS_DB" "website,$ours"
    measure ours "$OURS_DB" "${BENCH_OURS_PORT:-8170}"
fi

status="$measure_failed"
"$VENV/bin/python" tests/benchmarks/bench.py report \
    --ours "$BENCH/ours.json" --peer "$BENCH/peer.json" \
    --budgets tests/benchmarks/budgets.json || status=$?

if [ "${BENCH_ONLY:-}" != peer ]; then
    say "Maps (tests/benchmarks/map.py)"
    # shellcheck disable=SC2086
    "$VENV/bin/python" tests/benchmarks/map.py --config "$BENCH_CONF" \
        --db "$OURS_DB" --sizes ${BENCH_MAP_SIZES:-100 1000 10000} || status=1
    say "Acknowledgement wait (tests/benchmarks/ack_latency.py)"
    # a database of its own: the requests the measures above created in
    # bulk, never acknowledged, would be acknowledged first (oldest first)
    if [ "${BENCH_REUSE_DB:-0}" != 1 ] && db_exists "$ACK_DB"; then
        dropdb --force "$ACK_DB"
    fi
    "$VENV/bin/python" tests/benchmarks/ack_latency.py --db "$ACK_DB" || status=1
fi

if [ "${BENCH_SCALE:-0}" = 1 ]; then
    say "Scale run (tests/benchmarks/scale.py)"
    # shellcheck disable=SC2086
    "$VENV/bin/python" tests/benchmarks/scale.py --config "$BENCH_CONF" \
        --db "$OURS_DB" --sizes ${BENCH_SCALE_SIZES:-10000 100000} \
        --with-proposed-indexes --anonymisation --out "$BENCH/scale.json" \
        2>"$BENCH/scale.log" || status=1
fi
say "make bench took $((SECONDS - start)) s"
exit "$status"
