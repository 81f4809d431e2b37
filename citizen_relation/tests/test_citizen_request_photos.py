import base64
from email.message import EmailMessage

from freezegun import freeze_time

from odoo.tests import tagged

from .common import NOW, CitizenRequestCommon
from .photos import PhotoAssertions, make_gps_jpeg, make_png_with_metadata

NOT_A_PICTURE = b"\xff\xd8\xff\xe0 this was a photo before the disk failed"
LETTER = b"%PDF-1.4\n% letter of Denise Martin, 12 rue Victor Hugo\n%%EOF\n"


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestCitizenRequestPhotos(PhotoAssertions, CitizenRequestCommon):
    """Photos of a request keep no place, camera or comment, whatever the way
    in; what cannot be read as a picture is kept as a file, never lost."""

    def _email(self, msg_id, *files):
        message = EmailMessage()
        message["From"] = "Gaston Leroy <gaston.leroy@example.com>"
        message["To"] = self.alias_email
        message["Subject"] = "Nid de poule devant chez moi"
        message["Message-ID"] = msg_id
        message["Date"] = "Wed, 4 Mar 2026 09:30:00 +0000"
        message.set_content("Bonjour, voici une photo du trou.")
        for name, data, mimetype in files:
            maintype, subtype = mimetype.split("/")
            message.add_attachment(
                data, maintype=maintype, subtype=subtype, filename=name
            )
        with self.mock_mail_gateway():
            self.env["mail.thread"].sudo().message_process(None, message.as_bytes())
        request = self.Request.search([("source_ref", "=", msg_id)])
        self.assertEqual(len(request), 1, "the request is recorded")
        return request

    def _attachment(self, request, name):
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "citizen.request"),
                ("res_id", "=", request.id),
                ("name", "=", name),
            ]
        )
        self.assertEqual(len(attachment), 1)
        return attachment

    def test_email_photo_loses_metadata(self):
        """Regression: a photo emailed by a citizen was stored as sent, with
        the GPS position of their home and their phone's make in it."""
        photo = make_gps_jpeg()
        self.assertPhotoCarriesMetadata(photo)
        request = self._email(
            "<photo-gps@example.com>", ("IMG_0042.jpg", photo, "image/jpeg")
        )
        attachment = self._attachment(request, "IMG_0042.jpg")
        self.assertEqual(attachment.mimetype, "image/jpeg")
        self.assertIn(attachment, request.message_ids.attachment_ids)
        self.assertPhotoTurned(attachment.raw)

    def test_unreadable_photo_kept_as_file(self):
        """A "photo" that cannot be read is kept as it came, as a file to
        download (never shown as a picture); other files are untouched; the
        request is recorded all the same."""
        request = self._email(
            "<photo-broken@example.com>",
            ("broken.jpg", NOT_A_PICTURE, "image/jpeg"),
            ("lettre.pdf", LETTER, "application/pdf"),
        )
        broken = self._attachment(request, "broken.jpg")
        self.assertEqual(broken.raw, NOT_A_PICTURE)
        self.assertEqual(broken.mimetype, "application/octet-stream")
        letter = self._attachment(request, "lettre.pdf")
        self.assertEqual(letter.raw, LETTER)
        self.assertEqual(letter.mimetype, "application/pdf")

    def test_agent_upload_loses_metadata(self):
        """A picture an agent attaches to a request is cleaned too (PNG:
        EXIF and text chunks), transparency kept; a picture on a record of
        another kind is none of this module's business."""
        png = make_png_with_metadata()
        request = self._create_request()
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.user_agent)
            .create(
                {
                    "name": "capture.png",
                    "datas": base64.b64encode(png),
                    "res_model": "citizen.request",
                    "res_id": request.id,
                }
            )
        )
        image = self.assertPhotoClean(attachment.raw, fmt="PNG", size=(12, 8))
        self.assertEqual(image.mode, "RGBA")
        self.assertEqual(image.getpixel((0, 0)), (1, 2, 3, 128))
        # the content itself may be rewritten later: it is cleaned again
        attachment.write({"raw": make_gps_jpeg(), "mimetype": "image/jpeg"})
        self.assertPhotoTurned(attachment.raw)
        elsewhere = self.env["ir.attachment"].create(
            {
                "name": "logo.png",
                "raw": png,
                "res_model": "res.partner",
                "res_id": self.partner_citizen.id,
            }
        )
        self.assertEqual(elsewhere.raw, png)

    def test_pending_upload_cleaned_when_posted(self):
        """The portal chatter uploads a file before its message exists, then
        links it to the request when the message is posted: it is cleaned
        then."""
        request = self._create_request(partner_id=self.partner_citizen.id)
        pending = self.env["ir.attachment"].create(
            {
                "name": "IMG_0043.jpg",
                "raw": make_gps_jpeg(),
                "res_model": "mail.compose.message",
                "res_id": 0,
            }
        )
        request.message_post(
            body="Voici la photo",
            attachment_ids=pending.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(pending.res_model, "citizen.request")
        self.assertEqual(pending.mimetype, "image/jpeg")
        self.assertPhotoTurned(pending.raw)
