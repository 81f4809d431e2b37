# Shared settings and helpers for the tools/ scripts. Sourced, not executed.
# shellcheck shell=bash

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
BUILD="$ROOT/.build"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/citizen-relation"
ODOO_CONF="$BUILD/odoo.conf"
MODULES="citizen_relation,citizen_relation_routing,citizen_relation_portal,citizen_relation_franceconnect"
ODOO_ARCHIVE_URL="${ODOO_ARCHIVE_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() {
    printf '\033[31mERROR: %s\033[0m\n' "$*" >&2
    exit 1
}

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 1
    fi
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres "$@"
    fi
}

# The Odoo 18.0 source tree: $ODOO_SRC, else /opt/odoo, else the cached download.
odoo_src() {
    local candidate
    for candidate in "${ODOO_SRC:-}" /opt/odoo "$CACHE/odoo-18.0"; do
        if [ -n "$candidate" ] && [ -f "$candidate/odoo/release.py" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

odoo_bin() {
    "$VENV/bin/python" "$(odoo_src)/odoo-bin" -c "$ODOO_CONF" "$@"
}

db_exists() {
    psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'" 2>/dev/null |
        grep -q 1
}

module_installed() {
    psql -d "$1" -tAc \
        "SELECT 1 FROM ir_module_module WHERE name = '$2' AND state = 'installed'" \
        2>/dev/null | grep -q 1
}
