import json
import re

from odoo import SUPERUSER_ID, api

# The rating links of the resolution email as shipped before 18.0.1.2.0:
# they created a rating for every email sent.
OLD_TOKEN = re.compile(
    r'\s*<t t-set="access_token" t-value="object._rating_get_access_token\(\)"\s*/>'
)
OLD_LINK = re.compile(r't-attf-href="/rate/\{\{ access_token \}\}/(\d)"')


def migrate(cr, version):
    """The acknowledgement job runs every minute instead of being woken up
    by each new request; the resolution email prepares its rating when the
    requester follows its link."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref(
        "citizen_relation.ir_cron_send_acknowledgements", raise_if_not_found=False
    )
    if cron:
        cron.write({"interval_number": 1, "interval_type": "minutes"})
    template = env.ref(
        "citizen_relation.mail_template_request_resolved", raise_if_not_found=False
    )
    if not template:
        return
    cr.execute("SELECT body_html FROM mail_template WHERE id = %s", [template.id])
    bodies = cr.fetchone()[0] or {}
    changed = {
        lang: OLD_LINK.sub(
            r't-att-href="object._get_rating_url(\1)"', OLD_TOKEN.sub("", body)
        )
        for lang, body in bodies.items()
    }
    if changed != bodies:
        cr.execute(
            "UPDATE mail_template SET body_html = %s WHERE id = %s",
            [json.dumps(changed), template.id],
        )
        env.invalidate_all()
