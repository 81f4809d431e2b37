from lxml import etree
from markupsafe import Markup

from odoo.tests import tagged

from odoo.addons.base.tests.common import new_test_user

from .common import CitizenPortalCase

BASE = "/open311/v2"
UPDATE_FIELDS = {
    "update_id",
    "service_request_id",
    "status",
    "updated_datetime",
    "description",
    "media_url",
    "external_status_code",
}


@tagged("post_install", "-at_install")
class TestOpen311Updates(CitizenPortalCase):
    """mySociety's servicerequestupdates, read and written over HTTP as a
    FixMyStreet-style client does (no maintained Python client library
    reads or posts updates: the client here is ``requests``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = cls.env["citizen.api.client"].create({"name": "FixMyStreet"})
        cls.api_key = cls.client._set_new_key()
        cls.other_client = cls.env["citizen.api.client"].create({"name": "Other"})
        cls.other_key = cls.other_client._set_new_key()
        cls.stage_resolved = cls.env.ref("citizen_relation.stage_resolved")
        cls.stage_rejected = cls.env.ref("citizen_relation.stage_rejected")
        cls.agent = new_test_user(
            cls.env,
            login="agent_open311_updates",
            groups="citizen_relation.group_citizen_manager",
            name="Agathe Voirie",
            email="agathe.voirie@villebourg.example.org",
        )
        cls.request_internal = cls.env["citizen.request"].create(
            {"title": "Internal matter", "category_id": cls.category_internal.id}
        )

    def _agent_reply(self, citizen_request, text):
        return citizen_request.with_user(self.agent).message_post(
            body=Markup(text), message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def _get(self, query="", fmt="json"):
        return self.url_open(f"{BASE}/servicerequestupdates.{fmt}{query}")

    def _post(self, fmt="json", **data):
        # the arguments FixMyStreet sends with an update (mySociety's
        # "POST Service Request Update")
        values = {
            "api_key": self.api_key,
            "service_request_id": self.request_alice.name,
            "update_id": "fms-update-1",
            "status": "FIXED",
            "updated_datetime": "2026-03-04T10:00:00Z",
            "description": "Le trou a été rebouché ce matin.",
            "email": "fiona.fms@example.net",
            "first_name": "Fiona",
            "last_name": "Fixer",
            "media_url": "https://fms.example.net/photo/1.jpeg",
        }
        values.update(data)
        values = {key: value for key, value in values.items() if value is not None}
        return self.url_open(f"{BASE}/servicerequestupdates.{fmt}", data=values)

    def _assert_error(self, response, status, fmt="json", code=None):
        self.assertEqual(response.status_code, status, response.text)
        if fmt == "json":
            body = response.json()
            self.assertEqual(body[0]["code"], code or status)
            self.assertTrue(body[0]["description"])
        else:
            root = etree.fromstring(response.content)
            self.assertEqual(root.tag, "errors")
            self.assertEqual(root.findtext("error/code"), str(code or status))

    # GET

    def test_get_public_updates_only(self):
        reply = self._agent_reply(
            self.request_alice, "<p>Une équipe passera lundi.</p>"
        )
        # the requester's own message, an internal note, a request of an
        # unpublished category: none is published
        self.request_alice.with_user(self.user_alice).message_post(
            body=Markup("<p>Je suis Alice, appartement 3B</p>"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.request_alice.with_user(self.agent).message_post(
            body=Markup("<p>Note interne sur Alice</p>"), subtype_xmlid="mail.mt_note"
        )
        self._agent_reply(self.request_internal, "<p>Réponse non publiée</p>")
        # the reply was written an hour before the request was resolved (a
        # test is one transaction: all it creates has the same create_date)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET create_date = create_date - interval '1 hour',"
            " date = date - interval '1 hour' WHERE id = %s",
            [reply.id],
        )
        self.env.invalidate_all()
        self.request_alice.with_user(self.agent).stage_id = self.stage_resolved
        self.env.flush_all()

        response = self._get()
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(
            response.headers["Content-Type"], "application/json; charset=utf-8"
        )
        # nor the staff's reply to the requester: their correspondence is not
        # open data (it may name them or answer what they wrote)
        for secret in (
            "Alice",
            "3B",
            "alice.martin",
            "Note interne",
            "non publiée",
            "passera lundi",
        ):
            self.assertNotIn(secret, response.text)
        updates = [
            u
            for u in response.json()
            if u["service_request_id"] == self.request_alice.name
        ]
        self.assertEqual(len(updates), 1)
        for update in updates:
            self.assertEqual(set(update), UPDATE_FIELDS)
        self.assertRegex(
            updates[0]["updated_datetime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"
        )
        (change,) = updates
        self.assertEqual(change["status"], "fixed")
        # what the requester is told of the stage, in the website's language
        lang = self.env["website"].get_current_website().default_lang_id.code
        self.assertEqual(
            change["description"],
            self.stage_resolved.with_context(lang=lang).description,
        )
        self.assertNotIn(
            self.request_internal.name,
            {u["service_request_id"] for u in response.json()},
        )

        root = etree.fromstring(self._get(fmt="xml").content)
        self.assertEqual(root.tag, "service_request_updates")
        ids = [node.findtext("update_id") for node in root.findall("request_update")]
        self.assertNotIn(str(reply.id), ids)
        node = root.find(f"request_update[update_id='{change['update_id']}']")
        self.assertEqual(node.findtext("status"), "fixed")
        self.assertEqual(node.findtext("service_request_id"), self.request_alice.name)

    def test_get_window(self):
        self._agent_reply(self.request_alice, "<p>Une équipe passera lundi.</p>")
        self.env.flush_all()
        self.assertEqual(
            self._get(
                "?start_date=2099-01-01T00:00:00Z&end_date=2099-02-01T00:00:00Z"
            ).json(),
            [],
        )
        for fmt in ("json", "xml"):
            self._assert_error(
                self._get(
                    "?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
                    fmt=fmt,
                ),
                400,
                fmt,
            )
            self._assert_error(self._get("?start_date=yesterday", fmt=fmt), 400, fmt)

    def test_discovery_names_the_extension(self):
        endpoints = self.url_open(f"{BASE}/discovery.json").json()["endpoints"]
        self.assertIn(
            "https://github.com/mysociety/fixmystreet/wiki/Open311-FMS---Complete-Spec",
            [endpoint["specification"] for endpoint in endpoints],
        )

    # POST

    def test_post_update_moves_stage_once(self):
        response = self._post()
        self.assertEqual(response.status_code, 200, response.text)
        (update,) = response.json()
        self.assertEqual(set(update), UPDATE_FIELDS)
        self.assertEqual(update["service_request_id"], self.request_alice.name)
        self.assertEqual(update["status"], "fixed")
        self.assertEqual(update["media_url"], "https://fms.example.net/photo/1.jpeg")
        self.assertIn("rebouché", update["description"])
        self.assertEqual(self.request_alice.stage_id, self.stage_resolved)
        message = self.env["mail.message"].browse(int(update["update_id"]))
        # in the requester's timeline, under the client's name, without
        # the updater's name or address
        self.assertIn(message, self.request_alice.website_message_ids)
        self.assertIn("FixMyStreet", message.email_from)
        self.assertFalse(message.author_id)
        for secret in ("Fiona", "Fixer", "fiona.fms"):
            self.assertNotIn(secret, message.email_from + message.body)

        # the same update again: recorded once, answered the same
        again = self._post()
        self.assertEqual(again.status_code, 200, again.text)
        self.assertEqual(again.json()[0]["update_id"], update["update_id"])
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("open311_update_id", "=", "fms-update-1")]
            ),
            1,
        )
        # another client may use the same id for its own update
        other = self._post(api_key=self.other_key, status=None)
        self.assertEqual(other.status_code, 200, other.text)
        self.assertNotEqual(other.json()[0]["update_id"], update["update_id"])

        # and it is listed among the public updates
        listed = {u["update_id"]: u for u in self._get().json()}
        self.assertEqual(listed[update["update_id"]]["status"], "fixed")
        self.assertEqual(
            listed[update["update_id"]]["media_url"],
            "https://fms.example.net/photo/1.jpeg",
        )

    def test_post_update_xml_status_and_code(self):
        self.stage_rejected.open311_external_status_code = "NCR-01"
        response = self._post(
            fmt="xml",
            update_id="fms-update-2",
            status="NOT_COUNCILS_RESPONSIBILITY",
            media_url=None,
        )
        self.assertEqual(response.status_code, 200, response.text)
        root = etree.fromstring(response.content)
        self.assertEqual(root.tag, "service_request_updates")
        self.assertEqual(root.findtext("request_update/status"), "no_further_action")
        self.assertEqual(root.findtext("request_update/external_status_code"), "NCR-01")
        self.assertEqual(self.request_alice.stage_id, self.stage_rejected)
        # a status without a stage of its own, then the partner's own code
        response = self._post(update_id="fms-update-3", status="OPEN")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertFalse(self.request_alice.is_closed)

    def test_post_update_refusals(self):
        self._assert_error(self._post(api_key="wrong"), 403)
        self._assert_error(self._post(fmt="xml", api_key="wrong"), 403, "xml")
        self._assert_error(self._post(service_request_id="NOPE-1"), 404)
        self._assert_error(
            self._post(service_request_id=self.request_internal.name), 404
        )
        self._assert_error(self._post(description=""), 400)
        self._assert_error(self._post(update_id=None), 400)
        self._assert_error(self._post(status="MAYBE"), 400)
        self._assert_error(self._post(media_url="javascript:alert(1)"), 400)
        self._assert_error(self._post(updated_datetime="yesterday"), 400)
        self.assertFalse(
            self.env["mail.message"].search_count(
                [("open311_api_client_id", "!=", False)]
            )
        )
        self.assertNotEqual(self.request_alice.stage_id, self.stage_resolved)
