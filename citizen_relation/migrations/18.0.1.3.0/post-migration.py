from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The audit log names nobody any more: entries about a contact or an
    erasure request recorded the person's name as reference, and the
    decisions copied the free-text note of the manager into their details."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    Log = env["citizen.audit.log"]
    entries = Log.search([("res_model", "!=", False)])
    for entry in entries:
        values = {"reference": f"{entry.res_model},{entry.res_id}"}
        if entry.res_model == "citizen.request":
            values.pop("reference")
        if entry.action in ("erasure_accepted", "erasure_refused"):
            erasure = env["citizen.erasure.request"].browse(entry.res_id).exists()
            values["details"] = erasure._get_audit_details() if erasure else False
        if values:
            entry.write(values)
