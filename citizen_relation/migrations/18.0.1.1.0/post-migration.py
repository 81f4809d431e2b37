from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The acknowledgement is sent by a scheduled action now: the automated
    action that sent it at creation would send a second one."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    automation = env.ref(
        "citizen_relation.automation_request_acknowledgement",
        raise_if_not_found=False,
    )
    if automation:
        automation.unlink()
