"""Photos sent by visitors: checked for what they really are, then attached."""

import io

from PIL import Image
from werkzeug.utils import secure_filename

from odoo.http import request
from odoo.tools.mimetypes import guess_mimetype

PHOTO_MIMETYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


def get_photo_limits():
    """Return (count, size in MB) allowed per submission."""
    get_param = request.env["ir.config_parameter"].sudo().get_param
    limits = []
    for name, default in (("photo_max_count", 3), ("photo_max_size_mb", 5)):
        try:
            limits.append(int(get_param(f"citizen_relation_portal.{name}")))
        except (TypeError, ValueError):
            limits.append(default)
    return tuple(limits)


def is_real_image(data):
    """The type is sniffed from the content, and the picture must decode."""
    if guess_mimetype(data) not in PHOTO_MIMETYPES:
        return False
    try:
        Image.open(io.BytesIO(data)).verify()
    except Exception:  # noqa: BLE001 - any decoding failure means "not a photo"
        return False
    return True


def read_photos(field_name, errors):
    """Return [(name, data, mimetype)] of the uploaded photos, all checked.

    On a problem, ``errors[field_name]`` receives a message for the visitor
    and no photo is returned.
    """
    files = [
        upload
        for upload in request.httprequest.files.getlist(field_name)
        if upload and upload.filename
    ]
    max_count, max_size_mb = get_photo_limits()
    max_size = max_size_mb * 1024 * 1024
    if len(files) > max_count:
        errors[field_name] = request.env._("You can send at most %s photos.", max_count)
        return []
    photos = []
    for upload in files:
        data = upload.read(max_size + 1)
        name = secure_filename(upload.filename)[:100] or "photo"
        if not data:
            errors[field_name] = request.env._("The file %s is empty.", name)
        elif len(data) > max_size:
            errors[field_name] = request.env._(
                "The file %(name)s is larger than %(size)s MB.",
                name=name,
                size=max_size_mb,
            )
        elif not is_real_image(data):
            errors[field_name] = request.env._(
                "The file %s is not a photo. Accepted formats: JPEG, PNG, GIF, WebP.",
                name,
            )
        else:
            photos.append((name, data, guess_mimetype(data)))
    return [] if field_name in errors else photos


def post_photos(record, photos, body, author_values):
    """Post a public message on ``record``, with the photos (if any) attached.

    :param dict author_values: ``author_id`` of a contact who proved being
        themselves, or what ``citizen.request._get_portal_guest_author_values``
        gives for a visitor who did not
    """
    # visitors cannot create attachments; these were checked by read_photos
    # and are linked to the record, never made public
    attachments = (
        request.env["ir.attachment"]
        .sudo()
        .create(
            [
                {
                    "name": name,
                    "raw": data,
                    "mimetype": mimetype,
                    "res_model": record._name,
                    "res_id": record.id,
                }
                for name, data, mimetype in photos
            ]
        )
    )
    return record.message_post(
        body=body,
        attachment_ids=attachments.ids,
        **author_values,
        message_type="comment",
        subtype_xmlid="mail.mt_comment",
    )
