#!/usr/bin/env bash
# Build one wheel per addon as the OCA publishes them (odoo-addon-<name>, built
# by whool from the addon's pyproject.toml, version from its manifest and the
# commits since it changed), into .build/dist. Then prove they install: a new,
# plain virtualenv (.build/wheel-venv) gets the four wheels (pip --no-deps:
# Odoo itself is not on PyPI), and Odoo 18 started from it, with only Odoo's
# own folders in addons_path, must find each addon in the wheels' odoo/addons/
# folder with every file git tracks. tools/install_check.sh then installs the
# addons into a database from there.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

dist="$BUILD/dist"
rm -rf "$dist"
mkdir -p "$dist"
addons=(${MODULES//,/ })

say "Building the wheels of ${addons[*]}"
for addon in "${addons[@]}"; do
    # whool is in the project's virtualenv (requirements/dev.txt): build
    # without isolation so that no download is needed.
    "$VENV/bin/python" -m pip wheel --quiet --no-deps --no-build-isolation \
        --wheel-dir "$dist" "./$addon" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) ||
        die "Building the wheel of $addon failed (see above)."
    ls "$dist"/odoo_addon_"$addon"-18.0.*-py3-none-any.whl >/dev/null 2>&1 ||
        die "No odoo_addon_$addon-18.0.* wheel in $dist."
done

untracked="$(git ls-files --others --exclude-standard -- "${addons[@]}")"
[ -z "$untracked" ] ||
    printf 'Warning: files git does not track are left out of the wheels:\n%s\n' \
        "$untracked" >&2

plain="$BUILD/wheel-venv"
rm -rf "$plain"
say "Installing them into a plain virtualenv"
"$VENV/bin/python" -m venv "$plain"
"$plain/bin/python" -m pip install --quiet --no-deps --no-index "$dist"/*.whl \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2) ||
    die "Installing the wheels into a plain virtualenv failed (see above)."
site="$("$plain/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
for addon in "${addons[@]}"; do
    missing="$(comm -23 \
        <(git ls-files -- "$addon" | grep -v '^[^/]*/pyproject.toml$' | sort) \
        <(cd "$site/odoo/addons" && find "$addon" -type f | sort))"
    [ -z "$missing" ] ||
        die "The wheel of $addon lacks files git tracks: $missing"
done

say "Odoo 18 finds the addons the wheels installed"
# Odoo 18 and its requirements as an integrator has them installed (here: the
# Odoo tree and the project's virtualenv, put on the plain one's path).
"$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))' \
    >"$site/odoo-requirements.pth"
odoo_src >"$site/odoo-src.pth"
"$plain/bin/python" - "$site" "$(odoo_src)" "${addons[@]}" <<'PY'
import os
import sys

site, src, addons = sys.argv[1], sys.argv[2], sys.argv[3:]
import odoo
from odoo.modules import module

odoo.tools.config.parse_config([f"--addons-path={src}/odoo/addons,{src}/addons"])
module.initialize_sys_path()
for name in addons:
    path = module.get_module_path(name, display_warning=False)
    expected = os.path.join(site, "odoo", "addons", name)
    if path != expected:
        sys.exit(f"Odoo finds {name} at {path!r}, not in the wheel's {expected}")
    manifest = module.get_manifest(name)
    if not manifest.get("installable"):
        sys.exit(f"Odoo does not see {name} from the wheel as installable")
    print(f"{name} {manifest['version']}: {path}")
PY
say "The four wheels build and install: $(cd "$dist" && echo *.whl)"
