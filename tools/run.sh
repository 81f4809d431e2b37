#!/usr/bin/env bash
# Serve the demo town: a database with the three addons, French demo data and
# the French language, created on first start and reused after; outgoing mail
# goes to a local mail catcher with a web page.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

db="${RUN_DB:-citizen_demo}"
port="${ODOO_PORT:-8069}"
mail_http_port="${MAIL_HTTP_PORT:-1080}"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port_busy "$port" && die "Port $port is already in use (another Odoo?). Stop it, or
       choose another port: make run ODOO_PORT=8070"

# Fingerprint of the addons' code and data: a database made by an earlier
# version is updated before it is served.
addons_fingerprint() {
    (cd "$ROOT" && find ${MODULES//,/ } -type f ! -name '*.pyc' -print0 |
        sort -z | xargs -0 sha1sum | sha1sum | cut -d' ' -f1)
}
stamp="$BUILD/run-$db.stamp"

if ! module_installed "$db" citizen_relation_portal; then
    say "Creating the demo database $db (a few minutes, once)"
    db_exists "$db" && dropdb --force "$db"
    odoo_bin -d "$db" -i "$MODULES" --load-language=fr_FR --stop-after-init \
        --log-level=warn || die "Creating the demo database failed (see the log above)."
    # The demo town speaks French: every user of the database works in French.
    psql -q -d "$db" -c "UPDATE res_partner SET lang = 'fr_FR'" \
        -c "UPDATE res_company SET email = COALESCE(email, 'mairie@localhost')"
    addons_fingerprint >"$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$(addons_fingerprint)" ]; then
    say "Updating the addons in $db (their code changed since it was served)"
    odoo_bin -d "$db" -u "$MODULES" --stop-after-init --log-level=warn ||
        die "Updating the demo database failed (see the log above)."
    addons_fingerprint >"$stamp"
fi

start_mail_catcher() {
    local mailvenv="$BUILD/mailvenv"
    if [ ! -x "$mailvenv/bin/maildump" ]; then
        say "Installing the mail catcher (maildump) in $mailvenv"
        "$(command -v python3)" -m venv "$mailvenv" &&
            "$mailvenv/bin/pip" install -q maildump==1.0 || return 1
    fi
    port_busy "${SMTP_PORT:-1025}" && return 0
    "$mailvenv/bin/maildump" --smtp-port "${SMTP_PORT:-1025}" \
        --http-port "$mail_http_port" --db "$BUILD/maildump.sqlite" \
        -p "$BUILD/maildump.pid" || return 1
}
if start_mail_catcher; then
    mail_line="Emails sent by Odoo:      http://localhost:$mail_http_port"
else
    mail_line="(the mail catcher could not start: outgoing emails stay queued in Odoo)"
fi

cat <<EOM

  Citizen Relation is starting on http://localhost:$port
  $mail_line

  Log in as:
    administrator                     admin / admin
    front-desk agent (accueil)        sophie.martin / sophie.martin
    roads agent (voirie)              karim.benali / karim.benali
    head of technical services        nathalie.roux / nathalie.roux
    citizen (portal)                  marie.dupont / marie.dupont
  Public form: http://localhost:$port/requests/new
  Send an email to the town:  make mail-in FILE=tools/examples/nid-de-poule.eml

EOM
exec "$VENV/bin/python" "$(odoo_src)/odoo-bin" -c "$ODOO_CONF" -d "$db" \
    --db-filter="^$db\$" --http-port="$port"
