#!/usr/bin/env bash
# Install the addons the way an integrator first tries them: from the wheels
# (tools/wheels.sh installs them into .build/wheel-venv), into a new database
# in English (no --load-language), with demo data, as
# `odoo-bin -i citizen_relation_portal,citizen_relation_franceconnect` or the
# Apps menu does. Odoo's addons_path holds only Odoo's own folders: the addons
# come from the wheels.
# Fails if Odoo fails or if an addon is not installed afterwards.
# WITHOUT_DEMO=1 checks the install without demo data instead. The database
# is dropped at the end.
#
# Settings (environment): INSTALL_DB (database name), WITHOUT_DEMO=1.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

db="${INSTALL_DB:-citizen_install_en}"
plain="$BUILD/wheel-venv"
src="$(odoo_src)"
cd "$ROOT"

[ -x "$plain/bin/python" ] ||
    die "No $plain: run tools/wheels.sh (make wheels) first."

demo_args=()
what="with demo data"
if [ "${WITHOUT_DEMO:-0}" = 1 ]; then
    demo_args=(--without-demo=all)
    what="without demo data"
fi

if db_exists "$db"; then
    dropdb --force "$db"
fi
rm -rf "$BUILD/data/filestore/$db"
say "Installing citizen_relation_portal and citizen_relation_franceconnect from the wheels $what into a new English database $db"
"$plain/bin/python" "$src/odoo-bin" -c "$ODOO_CONF" \
    --addons-path="$src/odoo/addons,$src/addons" \
    -d "$db" -i citizen_relation_portal,citizen_relation_franceconnect "${demo_args[@]}" --stop-after-init \
    --log-level=warn ||
    die "Installing the addons $what into the English database $db failed (see the log above)."
for module in ${MODULES//,/ }; do
    module_installed "$db" "$module" ||
        die "$module is not installed in $db after the install (see the log above)."
done
dropdb --force "$db"
rm -rf "$BUILD/data/filestore/$db"
say "The addons install from the wheels $what into an English database"
