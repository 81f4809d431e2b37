from . import controllers
from . import models
from . import report
from . import wizard


def uninstall_hook(env):
    """Drop the table the addon creates itself (not an Odoo model's)."""
    env.cr.execute("DROP TABLE IF EXISTS citizen_request_email_delivery")
