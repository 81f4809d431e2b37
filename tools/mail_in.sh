#!/usr/bin/env bash
# Deliver a raw email (RFC 822 file, or standard input) to the running demo
# town through Odoo's mail gateway, as a mail server would: the message lands
# on the alias it is addressed to (a new request, or a reply on one).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

file="${1:-}"
if [ -z "$file" ]; then
    file=/dev/stdin
elif [ ! -f "$file" ]; then
    die "No such file: $file"
fi

"$VENV/bin/python" - "$file" "${RUN_DB:-citizen_demo}" "${ODOO_PORT:-8069}" <<'PY'
import sys
import xmlrpc.client

path, db, port = sys.argv[1:4]
with open(path, "rb") as handle:
    message = handle.read()
url = f"http://localhost:{port}/xmlrpc/2"
try:
    uid = xmlrpc.client.ServerProxy(f"{url}/common").authenticate(
        db, "admin", "admin", {}
    )
    models = xmlrpc.client.ServerProxy(f"{url}/object", allow_none=True)
    thread_id = models.execute_kw(
        db, uid, "admin", "mail.thread", "message_process",
        [False, xmlrpc.client.Binary(message)], {},
    )
except ConnectionError:
    sys.exit(f"No Odoo answers on port {port}: start it first with `make run`.")
except xmlrpc.client.Fault as fault:
    sys.exit(f"The mail gateway refused the message:\n{fault.faultString}")
print(f"Delivered: record {thread_id}" if thread_id else "Delivered: no record made")
PY
