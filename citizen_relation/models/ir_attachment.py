import base64
import io
import logging

from PIL import Image, ImageOps, ImageSequence, JpegImagePlugin

from odoo import api, models
from odoo.tools.image import IMAGE_MAX_RESOLUTION

_logger = logging.getLogger(__name__)

# What a picture keeps when it is saved again: how to draw it (colour
# profile, transparency, animation), not where, when or with what it was
# taken (EXIF: GPS, camera, dates; XMP; IPTC; comments).
KEPT_IMAGE_INFO = ("icc_profile", "transparency", "duration", "loop", "background")
# Formats saved again as they came; the frames of a multi-picture JPEG
# (MPO) other than the photo itself are dropped.
CLEANED_FORMATS = {
    "JPEG": "JPEG",
    "MPO": "JPEG",
    "PNG": "PNG",
    "GIF": "GIF",
    "WEBP": "WEBP",
    "BMP": "BMP",
    "TIFF": "TIFF",
}
ANIMATED_FORMATS = ("GIF", "WEBP")
# Quality of a WebP picture saved again (its own is not known).
WEBP_QUALITY = 90
# What a picture that cannot be cleaned is kept as: a file to download,
# never shown as a picture.
PLAIN_FILE_MIMETYPE = "application/octet-stream"


def strip_image_metadata(data):
    """Return the picture ``data`` turned as its EXIF orientation says,
    without its metadata: same format, same size, JPEG quantisation tables
    kept (no visible loss), colour profile kept.

    :raise ValueError: the picture cannot be read, or not cleaned (format
        unknown, too large)
    """
    try:
        with Image.open(io.BytesIO(data)) as source:
            output_format = CLEANED_FORMATS.get(source.format)
            if not output_format:
                raise ValueError(f"format {source.format} is not cleaned")
            width, height = source.size
            if width * height > IMAGE_MAX_RESOLUTION:
                raise ValueError("picture too large to be cleaned")
            options = {
                key: source.info[key] for key in KEPT_IMAGE_INFO if key in source.info
            }
            if output_format == "JPEG":
                options["qtables"] = source.quantization
                sampling = JpegImagePlugin.get_sampling(source)
                if sampling != -1:
                    options["subsampling"] = sampling
            frames = (
                ImageSequence.Iterator(source)
                if output_format in ANIMATED_FORMATS
                and getattr(source, "n_frames", 1) > 1
                else [source]
            )
            images = [_clean_frame(frame) for frame in frames]
            if len(images) > 1:
                options.update(save_all=True, append_images=images[1:])
            if output_format == "WEBP":
                options["quality"] = WEBP_QUALITY
            output = io.BytesIO()
            images[0].save(output, format=output_format, **options)
            return output.getvalue()
    except ValueError:
        raise
    except Exception as error:  # noqa: BLE001 - any decoding failure
        raise ValueError(f"picture cannot be read: {error}") from error


def _clean_frame(frame):
    """A copy of ``frame`` in its displayed orientation, with no metadata."""
    frame.load()
    image = ImageOps.exif_transpose(frame)
    if image is frame:
        image = frame.copy()
    # A copy is a plain picture: nothing of the source file's own tags (TIFF
    # IFDs, PNG text chunks) goes with it, and only its drawing info stays.
    image.info = {key: image.info[key] for key in KEPT_IMAGE_INFO if key in image.info}
    return image


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model
    def _get_photo_models(self):
        """Models whose pictures lose their metadata when they are stored.

        Citizens photograph their street, often from home: the GPS position,
        the camera and the date a phone writes in a photo must not be kept
        with their request, whatever the way in (web form, portal, email,
        agent's upload). Work orders get copies of cleaned photos. Extension
        hook: add the models of other records that keep citizens' photos.
        """
        return {"citizen.request"}

    def _check_contents(self, values):
        values = super()._check_contents(values)
        photo_models = self._get_photo_models()
        if values.get("res_model") in photo_models or (
            set(self.mapped("res_model")) & photo_models
        ):
            values = self._strip_photo_metadata(values)
        return values

    def write(self, vals):
        # A file uploaded before its message is posted (portal chatter) is
        # linked to its request afterwards, without its content: it is
        # cleaned then.
        moved = self.browse()
        if vals.get("res_model") in self._get_photo_models() and not (
            "raw" in vals or "datas" in vals
        ):
            moved = self.filtered(
                lambda a: a.res_model != vals["res_model"]
                and a.type == "binary"
                and self._is_cleaned_picture(a.mimetype)
            )
        res = super().write(vals)
        for attachment in moved:
            attachment.write({"raw": attachment.raw, "mimetype": attachment.mimetype})
        return res

    @api.model
    def _is_cleaned_picture(self, mimetype):
        """Pictures are cleaned; SVG drawings are text, checked elsewhere."""
        return bool(
            mimetype and mimetype.startswith("image/") and "svg" not in mimetype
        )

    @api.model
    def _strip_photo_metadata(self, values):
        """Clean the picture that ``values`` hold of its metadata, after its
        orientation was applied; ``values`` are changed in place (as
        ``create`` expects) and returned. A picture that cannot be read is
        kept, unchanged, as a plain file to download: a citizen's photo is
        never lost, and never shown with what it may carry."""
        if not self._is_cleaned_picture(values.get("mimetype")):
            return values
        field = "raw" if values.get("raw") else "datas"
        data = values.get(field)
        if not data:
            return values
        if field == "raw":
            data = data.encode() if isinstance(data, str) else data
        else:
            data = base64.b64decode(data)
        try:
            cleaned = strip_image_metadata(data)
        except ValueError as error:
            _logger.info("Picture kept as a plain file: %s", error)
            values["mimetype"] = PLAIN_FILE_MIMETYPE
            return values
        values[field] = cleaned if field == "raw" else base64.b64encode(cleaned)
        return values
