#!/usr/bin/env bash
# Prepare everything `make run` and `make test` need, idempotently:
# the Odoo 18.0 tree, system packages (PostgreSQL, Chromium, wkhtmltopdf,
# the DejaVu fonts, poppler-utils),
# a running PostgreSQL with a role for the current user, the virtualenv,
# and the Odoo configuration file. A second run only checks.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_odoo_tree() {
    local src
    if src="$(odoo_src)"; then
        :
    elif [ -n "${ODOO_SRC:-}" ]; then
        die "ODOO_SRC=$ODOO_SRC holds no Odoo tree (no odoo/release.py there)."
    else
        say "No Odoo tree in \$ODOO_SRC nor /opt/odoo: downloading Odoo 18.0 sources"
        mkdir -p "$CACHE/odoo-18.0.part"
        curl -fL --retry 3 "$ODOO_ARCHIVE_URL" |
            tar -xz -C "$CACHE/odoo-18.0.part" --strip-components=1 ||
            die "Could not download $ODOO_ARCHIVE_URL. Get an Odoo 18.0 source tree
       yourself and point ODOO_SRC at it (the folder holding odoo-bin)."
        mv "$CACHE/odoo-18.0.part" "$CACHE/odoo-18.0"
        src="$CACHE/odoo-18.0"
    fi
    grep -q "^version_info = (18, 0," "$src/odoo/release.py" ||
        die "$src is not Odoo 18.0 (see $src/odoo/release.py)."
    [ -f "$src/odoo-bin" ] || die "$src has no odoo-bin: not an Odoo source tree."
}

missing_packages() {
    local pkgs=()
    command -v pg_ctlcluster >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1 ||
        pkgs+=(postgresql)
    command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 ||
        pkgs+=(chromium)
    command -v wkhtmltopdf >/dev/null 2>&1 || pkgs+=(wkhtmltopdf)
    # The receipt's font, which wkhtmltopdf embeds as text, and pdftotext and
    # pdfinfo, with which the tests read the receipt's PDF.
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || pkgs+=(fonts-dejavu-core)
    command -v pdftotext >/dev/null 2>&1 || pkgs+=(poppler-utils)
    # Headers some of Odoo's pinned requirements compile against.
    [ -f /usr/include/postgresql/libpq-fe.h ] || pkgs+=(libpq-dev)
    echo "${pkgs[@]}"
}

ensure_system_packages() {
    local pkgs
    pkgs="$(missing_packages)"
    [ -z "$pkgs" ] && return 0
    say "Installing system packages: $pkgs"
    mkdir -p "$BUILD"
    if command -v apt-get >/dev/null 2>&1 &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
            >"$BUILD/apt.log" 2>&1 &&
        # shellcheck disable=SC2086
        as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends $pkgs \
            >>"$BUILD/apt.log" 2>&1; then
        return 0
    fi
    tail -n 20 "$BUILD/apt.log" >&2 || true
    die "Could not install: $pkgs.
       Install them with your system's package manager (Debian/Ubuntu:
       sudo apt-get install $pkgs), then run the command again."
}

ensure_postgres() {
    if ! pg_isready -q 2>/dev/null; then
        say "Starting PostgreSQL"
        local version cluster
        if command -v pg_lsclusters >/dev/null 2>&1; then
            read -r version cluster _ < <(pg_lsclusters --no-header | head -n 1) ||
                die "PostgreSQL is installed but has no cluster. Create one:
       sudo pg_createcluster <version> main --start"
            as_root pg_ctlcluster "$version" "$cluster" start ||
                die "PostgreSQL $version/$cluster could not be started. See
       /var/log/postgresql/postgresql-$version-$cluster.log, or start a server
       yourself (PGHOST/PGPORT are honoured)."
        else
            die "No PostgreSQL server answers (pg_isready) and this is not a Debian
       system where it can be started for you. Start one, or set PGHOST/PGPORT."
        fi
        for _ in $(seq 1 30); do
            pg_isready -q && break
            sleep 1
        done
        pg_isready -q || die "PostgreSQL was started but does not answer."
    fi
    local role="${PGUSER:-$(id -un)}"
    if ! psql -d postgres -tAc "SELECT 1" >/dev/null 2>&1; then
        [ "$role" = postgres ] &&
            die "Odoo refuses to run as the database superuser 'postgres'. Run as another user."
        say "Creating PostgreSQL role '$role'"
        as_postgres psql -q -d postgres -c "CREATE ROLE \"$role\" LOGIN CREATEDB" ||
            die "Could not create the PostgreSQL role '$role'. As an administrator:
       sudo -u postgres createuser --createdb $role"
    fi
}

python_for_venv() {
    local py
    for py in "${PYTHON:-}" python3.11 python3.12 python3.10 python3; do
        [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 || continue
        if "$py" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))'; then
            echo "$py"
            return 0
        fi
    done
    die "Python 3.10, 3.11 or 3.12 is needed (Odoo 18.0 supports no other)."
}

# pip, without the warnings this machine's pip settings may add for every package.
pip_install() {
    "$VENV/bin/pip" install -q --progress-bar off "$@" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

ensure_venv() {
    local stamp="$VENV/.requirements.sha256" want
    want="$(cat "$ROOT/requirements/"*.txt | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    say "Preparing the virtualenv $VENV"
    [ -x "$VENV/bin/python" ] || "$(python_for_venv)" -m venv "$VENV"
    pip_install --upgrade pip wheel "setuptools<70"
    # Some of Odoo's pinned sdists fail in pip's isolated build on recent
    # setuptools; retry them against the venv's own setuptools.
    pip_install -r "$ROOT/requirements/odoo.txt" ||
        pip_install --no-build-isolation -r "$ROOT/requirements/odoo.txt" ||
        die "Installing Odoo's Python requirements failed (see above)."
    # What the addons themselves need beyond Odoo (their manifests'
    # external_dependencies), when they need anything.
    if [ -f "$ROOT/requirements/addons.txt" ]; then
        pip_install -r "$ROOT/requirements/addons.txt" ||
            die "Installing the addons' Python requirements failed (see above)."
    fi
    pip_install -r "$ROOT/requirements/dev.txt" ||
        die "Installing the project's Python requirements failed (see above)."
    # the websocket worker of a multi-worker server starts by this
    "$VENV/bin/python" -c "import gevent.monkey; gevent.monkey.patch_all()" ||
        die "gevent cannot patch this virtualenv: the websocket worker would not start."
    echo "$want" >"$stamp"
}

write_config() {
    local src
    src="$(odoo_src)"
    mkdir -p "$BUILD"
    cat >"$ODOO_CONF.new" <<EOF
[options]
addons_path = $src/odoo/addons,$src/addons,$ROOT
data_dir = $BUILD/data
http_port = ${ODOO_PORT:-8069}
gevent_port = ${ODOO_GEVENT_PORT:-8072}
smtp_server = localhost
smtp_port = ${SMTP_PORT:-1025}
email_from = mairie@localhost
list_db = True
proxy_mode = False
EOF
    mv "$ODOO_CONF.new" "$ODOO_CONF"
}

ensure_odoo_tree
ensure_system_packages
ensure_postgres
ensure_venv
write_config
