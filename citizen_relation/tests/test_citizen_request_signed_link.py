import base64
import contextlib
import io
import json

from PIL import Image
from requests import HTTPError

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.base.tests.common import new_test_user


def make_png():
    output = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(output, format="PNG")
    return output.getvalue()


@tagged("post_install", "-at_install")
class TestCitizenRequestSignedLink(HttpCase):
    """The holder of a request's signed link (the page after the web form,
    the link of a connector's answer) reads and answers the request, but is
    never shown the contact it was linked to, nor writes as them or as a
    member of the staff."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.category = env["citizen.request.category"].create(
            {"name": "Voirie S", "code": "T-SIGNED", "delay_days": 5}
        )
        cls.user_agent = new_test_user(
            env,
            login="agent_signed",
            name="Agnès Voirie",
            email="agnes.voirie@valmont.example.org",
            groups="citizen_relation.group_citizen_agent",
        )
        cls.user_denise = new_test_user(
            env,
            login="denise_signed",
            name="Denise Martin",
            email="denise.martin@example.net",
            groups="base.group_portal",
        )
        cls.denise = cls.user_denise.partner_id
        cls.denise.image_1920 = base64.b64encode(make_png())
        # A visitor types Denise's address on the form: the request is hers
        # (she confirmed the address), its link is the visitor's.
        cls.request = (
            env["citizen.request"]
            .with_user(env.ref("base.public_user"))
            .sudo()
            .create(
                {
                    "title": "Lampadaire éteint",
                    "category_id": cls.category.id,
                    "channel": "web",
                    "contact_name": "Visiteur Anonyme",
                    "contact_email": "denise.martin@example.net",
                }
            )
        )
        cls.token = cls.request.access_token
        cls.denise_message = cls.request.message_post(
            body="Réponse de Denise par e-mail",
            author_id=cls.denise.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        cls.request.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Rappeler Denise Martin",
            user_id=cls.user_agent.id,
        )

    def setUp(self):
        super().setUp()
        self.assertEqual(self.request.partner_id, self.denise)
        self.authenticate(None, None)

    def _rpc(self, route, **params):
        return self.make_jsonrpc_request(route, params)

    def _thread(self, **params):
        return {
            "thread_model": "citizen.request",
            "thread_id": self.request.id,
            **params,
        }

    def test_chatter_init_does_not_name_the_requester(self):
        """Regression: /portal/chatter_init answered the holder of the link
        with the requester's name, picture and account."""
        result = self._rpc("/portal/chatter_init", **self._thread(token=self.token))
        self.assertNotIn("Denise", json.dumps(result))
        self.assertNotIn(
            self.denise.id, [p["id"] for p in result.get("res.partner", [])]
        )
        signed = self._rpc(
            "/portal/chatter_init",
            **self._thread(
                pid=self.denise.id, hash=self.request._sign_token(self.denise.id)
            ),
        )
        self.assertIn("Denise Martin", json.dumps(signed), "the link signed for her")

    def test_messages_show_the_name_given(self):
        """The requester's own messages are shown under the name given with
        the request, with Odoo's placeholder as picture."""
        result = self._rpc(
            "/mail/chatter_fetch", **self._thread(token=self.token, limit=50)
        )
        messages = result["data"]["mail.message"]
        self.assertIn("Réponse de Denise", json.dumps(messages, ensure_ascii=False))
        self.assertNotIn("Denise Martin", json.dumps(messages, ensure_ascii=False))
        hers = next(m for m in messages if "Réponse de Denise" in m["body"])
        self.assertFalse(hers["author"])
        self.assertEqual(hers["email_from"], "Visiteur Anonyme")
        avatar = self.url_open(
            f"/mail/avatar/mail.message/{self.denise_message.id}/author_avatar/50x50"
            f"?access_token={self.token}"
        )
        placeholder = self.url_open(
            f"/mail/avatar/mail.message/{self.denise_message.id}/author_avatar/50x50"
        )
        self.assertEqual(avatar.content, placeholder.content)

    def test_thread_data_lists_nobody(self):
        """Regression: /mail/thread/data gave the link's holder the followers
        (the requester first), the suggested recipients and the agents'
        activities of the request."""
        result = self._rpc(
            "/mail/thread/data",
            **self._thread(
                token=self.token,
                request_list=[
                    "activities",
                    "attachments",
                    "followers",
                    "suggestedRecipients",
                ],
            ),
        )
        text = json.dumps(result, ensure_ascii=False)
        self.assertNotIn("Denise", text)
        self.assertNotIn("denise.martin@example.net", text)
        self.assertNotIn("Rappeler", text)

    def test_holder_writes_under_the_name_given(self):
        """Regression: the holder of the link wrote as the contact the request
        was linked to."""
        self._rpc(
            "/mail/message/post",
            **self._thread(
                token=self.token,
                post_data={"body": "Toujours éteint", "message_type": "comment"},
            ),
        )
        message = self.request.message_ids[:1]
        self.assertIn("Toujours éteint", message.body)
        self.assertFalse(message.author_id)
        self.assertIn("Visiteur Anonyme", message.email_from)
        # The requester following the link signed for her writes as herself.
        self._rpc(
            "/mail/message/post",
            **self._thread(
                pid=self.denise.id,
                hash=self.request._sign_token(self.denise.id),
                post_data={"body": "C'est bien moi", "message_type": "comment"},
            ),
        )
        self.assertEqual(self.request.message_ids[:1].author_id, self.denise)

    def test_holder_never_writes_as_the_staff(self):
        """Regression: typing an agent's address on the form made the visitor
        write in the thread as that agent."""
        request = (
            self.env["citizen.request"]
            .with_user(self.env.ref("base.public_user"))
            .sudo()
            .create(
                {
                    "title": "Trottoir",
                    "category_id": self.category.id,
                    "channel": "web",
                    "contact_name": "Agnès Voirie",
                    "contact_email": "agnes.voirie@valmont.example.org",
                }
            )
        )
        self.assertNotEqual(request.partner_id, self.user_agent.partner_id)
        self._rpc(
            "/mail/message/post",
            thread_model="citizen.request",
            thread_id=request.id,
            token=request.access_token,
            post_data={"body": "Clôturez-la", "message_type": "comment"},
        )
        message = request.message_ids[:1]
        self.assertIn("Clôturez-la", message.body)
        self.assertNotEqual(message.author_id, self.user_agent.partner_id)
        self.assertFalse(message.author_id.user_ids)

    def test_holder_cannot_react_nor_edit_as_the_requester(self):
        """Regression: the link's holder reacted as the requester, and could
        rewrite or empty the requester's messages."""
        with contextlib.suppress(HTTPError, JsonRpcException):
            self._rpc(
                "/mail/message/reaction",
                message_id=self.denise_message.id,
                content="👍",
                action="add",
                token=self.token,
            )
        self.assertFalse(self.denise_message.reaction_ids)
        with contextlib.suppress(HTTPError, JsonRpcException):
            self._rpc(
                "/mail/message/update_content",
                message_id=self.denise_message.id,
                body="Effacé",
                attachment_ids=[],
                token=self.token,
            )
        self.assertIn("Réponse de Denise", self.denise_message.body)
