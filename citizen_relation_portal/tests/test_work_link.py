"""A contractor without software, reached by signed link: the page of the
work over real HTTP, what it shows and hides, and the work marked done."""

import re
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CitizenPortalCase, make_png


@tagged("post_install", "-at_install")
class TestWorkLink(CitizenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.electrician = cls.env["res.partner"].create(
            {"name": "Elec Services", "email": "chantiers@elec.example.com"}
        )
        cls.handler = cls.env["citizen.external.handler"].create(
            {"name": "Elec Services", "kind": "link", "partner_id": cls.electrician.id}
        )
        cls.category_lighting = cls.env["citizen.request.category"].create(
            {
                "name": "Eclairage public",
                "code": "T-ECL",
                "parent_id": cls.category_roads.id,
                "external_handler_id": cls.handler.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)
        self.work = self._new_request(
            title="Lampadaire éteint",
            description="<p>Le lampadaire devant le numéro 8 ne s'allume plus.</p>",
            category_id=self.category_lighting.id,
            contact_name="Marie Dupont",
            contact_email="marie.dupont@example.org",
            contact_phone="06 12 34 56 78",
            latitude=49.7612,
            longitude=0.3921,
        )
        self.work.message_post(
            body="Photo du lampadaire",
            attachment_ids=self.env["ir.attachment"]
            .create(
                {
                    "name": "lampadaire.png",
                    "raw": make_png(),
                    "res_model": "citizen.request",
                    "res_id": self.work.id,
                }
            )
            .ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.internal_photo = self.env["ir.attachment"].create(
            {
                "name": "note-interne.png",
                "raw": make_png((30, 30)),
                "res_model": "citizen.request",
                "res_id": self.work.id,
            }
        )
        self.work.message_post(
            body="Note interne",
            attachment_ids=self.internal_photo.ids,
            subtype_xmlid="mail.mt_note",
        )
        self.forward = self.work.forward_ids.sudo()
        self.token = self.forward.access_token
        self.url = f"/requests/work/{self.forward.id}"

    def _done(self, token=None, comment="Lampe remplacée, rue éclairée.", photo=True):
        page = self.url_open(f"{self.url}?token={self.token}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        files = {"photo": ("apres.png", make_png(), "image/png")} if photo else None
        return self.url_open(
            self.url,
            data={
                "csrf_token": csrf,
                "token": token or self.token,
                "comment": comment,
            },
            files=files,
            allow_redirects=False,
        )

    def test_page_shows_the_work_not_the_requester(self):
        response = self.url_open(f"{self.url}?token={self.token}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        for shown in (
            self.work.name,
            "Lampadaire éteint",
            "Eclairage public",
            "ne s'allume plus",
            "12 rue Victor Hugo",
            "49.761200",
        ):
            self.assertIn(shown, page)
        for hidden in (
            "Marie Dupont",
            "marie.dupont",
            "06 12 34 56 78",
            "Note interne",
            self.work.sudo().access_token,
        ):
            self.assertNotIn(hidden, page)
        self.assertIn('<label for="comment"', page)
        self.assertIn('<label for="photo"', page)
        photos = re.findall(r'src="(/requests/work/[^"]+)"', page)
        self.assertEqual(len(photos), 1)
        photo = self.url_open(photos[0].replace("&amp;", "&"))
        self.assertEqual(photo.status_code, 200)
        self.assertEqual(photo.headers["Content-Type"], "image/png")
        # the photo of an internal note is not served, even with the token
        internal = self.url_open(
            f"{self.url}/photo/{self.internal_photo.id}?token={self.token}"
        )
        self.assertEqual(internal.status_code, 404)

    @mute_logger("odoo.http")
    def test_wrong_or_expired_token(self):
        for token in ("", "wrong", self.work.sudo().access_token):
            response = self.url_open(f"{self.url}?token={token}")
            self.assertEqual(response.status_code, 404, token)
        photo_id = self.forward._get_public_photos().id
        response = self.url_open(f"{self.url}/photo/{photo_id}?token=wrong")
        self.assertEqual(response.status_code, 404)
        self.forward.date_link_expiry = fields.Datetime.now() - timedelta(minutes=1)
        response = self.url_open(f"{self.url}?token={self.token}")
        self.assertEqual(response.status_code, 404)

    @mute_logger("odoo.http")
    def test_rate_limited_like_other_public_reads(self):
        """Tokens cannot be tried in bulk: past the limit of public reads of
        an address, even the right link answers 404."""
        self.set_param("limit_read_count", "1")
        self.assertEqual(self.url_open(f"{self.url}?token=wrong").status_code, 404)
        response = self.url_open(f"{self.url}?token={self.token}")
        self.assertEqual(response.status_code, 404)

    def test_mark_done_resolves_the_request(self):
        response = self._done()
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="work_done"', response.text)
        self.assertEqual(self.forward.state, "done")
        self.assertEqual(self.work.stage_id, self.work._get_resolved_stage())
        self.assertTrue(all(o.stage_id.done for o in self.work.work_order_ids))
        message = self.work.message_ids.filtered(
            lambda m: m.author_id == self.electrician
        )
        self.assertEqual(message.preview, "Lampe remplacée, rue éclairée.")
        self.assertFalse(message.subtype_id.internal)
        self.assertEqual(message.attachment_ids.mimetype, "image/png")
        self.assertTrue(
            self.work.message_ids.filtered(
                lambda m: "Work done by Elec Services" in (m.preview or "")
            )
        )
        # the link now only says it is done
        again = self.url_open(f"{self.url}?token={self.token}")
        self.assertNotIn("<form", again.text.split('id="wrap"')[1])

    @mute_logger("odoo.http")
    def test_post_needs_csrf_and_token(self):
        response = self.url_open(
            self.url,
            data={"token": self.token, "comment": "Fait"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        response = self._done(token="wrong")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.forward.state, "sent")
        self.assertFalse(self.work.is_closed)

    def test_bad_photo_or_no_comment_refused(self):
        page = self.url_open(f"{self.url}?token={self.token}")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            self.url,
            data={"csrf_token": csrf, "token": self.token, "comment": "Fait"},
            files={"photo": ("photo.png", b"<script>alert(1)</script>", "image/png")},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn('id="work_errors"', response.text)
        self.assertRegex(response.text, r'<input id="photo"[^>]*aria-invalid="true"')
        response = self._done(comment="  ", photo=False)
        self.assertEqual(response.status_code, 400)
        self.assertRegex(
            response.text, r'<textarea id="comment"[^>]*aria-invalid="true"'
        )
        self.assertEqual(self.forward.state, "sent")
        self.assertFalse(self.work.is_closed)
