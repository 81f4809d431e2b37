from odoo.addons.citizen_relation.models.res_partner import phone_key


def migrate(cr, version):
    """Phone keys hold the whole number: a number with another country's
    prefix (or of an unusual length) was kept as its last nine digits only.
    French numbers, written in ten digits or with +33, keep the same key."""
    cr.execute(
        r"""
        SELECT id, phone, mobile, citizen_phone_key, citizen_mobile_key
          FROM res_partner
         WHERE regexp_replace(coalesce(phone, ''), '\D', '', 'g') !~ '^(0?\d{9})?$'
            OR regexp_replace(coalesce(mobile, ''), '\D', '', 'g') !~ '^(0?\d{9})?$'
            OR phone ~ '^\s*\+'
            OR mobile ~ '^\s*\+'
        """
    )
    for partner_id, phone, mobile, old_phone_key, old_mobile_key in cr.fetchall():
        keys = (phone_key(phone) or None, phone_key(mobile) or None)
        if keys != (old_phone_key, old_mobile_key):
            cr.execute(
                "UPDATE res_partner SET citizen_phone_key = %s, citizen_mobile_key = %s"
                " WHERE id = %s",
                [*keys, partner_id],
            )
