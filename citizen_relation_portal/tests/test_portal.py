import contextlib

from requests import HTTPError

from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from .common import CitizenPortalCase, make_png


@tagged("post_install", "-at_install")
class TestCitizenPortal(CitizenPortalCase):
    def test_list_shows_only_own_requests(self):
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open("/my/requests")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.request_alice.name, response.text)
        self.assertNotIn(self.request_bob.name, response.text)
        self.assertNotIn("Bob secret lamp", response.text)
        self.assertNotIn(self.request_org.name, response.text)

    def test_organisation_members_see_organisation_requests(self):
        self.authenticate("member1_org", "member1_org")
        response = self.url_open("/my/requests")
        self.assertIn(self.request_org.name, response.text)
        self.assertNotIn(self.request_alice.name, response.text)
        response = self.url_open(f"/my/requests/{self.request_org.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Park bench broken", response.text)

    def test_filters_search_and_sort(self):
        other = self.env["citizen.request"].create(
            {
                "title": "Alice closed request",
                "category_id": self.category_road.id,
                "partner_id": self.user_alice.partner_id.id,
            }
        )
        other.action_close()
        self.authenticate("alice_citizen", "alice_citizen")
        closed = self.url_open("/my/requests?filterby=closed&sortby=deadline").text
        self.assertIn(other.name, closed)
        self.assertNotIn(self.request_alice.name, closed)
        opened = self.url_open("/my/requests?filterby=open").text
        self.assertIn(self.request_alice.name, opened)
        self.assertNotIn(other.name, opened)
        found = self.url_open(f"/my/requests?search={other.name}").text
        self.assertIn(other.name, found)
        self.assertNotIn(self.request_alice.name, found)
        # an unknown sort or filter falls back to the defaults
        response = self.url_open("/my/requests?sortby=id;drop&filterby=evil")
        self.assertEqual(response.status_code, 200)

    def test_home_counter(self):
        self.authenticate("alice_citizen", "alice_citizen")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["citizen_request_count"]}
        )
        self.assertEqual(counters["citizen_request_count"], 1)

    def test_detail_page(self):
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open(f"/my/requests/{self.request_alice.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.request_alice.name, response.text)
        self.assertIn("Alice private text", response.text)
        self.assertIn("o_portal_chatter", response.text)
        self.assertIn("o_citizen_request_close", response.text)

    def test_detail_shows_service_in_charge(self):
        team = self.env["citizen.team"].create({"name": "Voirie Test Team"})
        self.request_alice.team_id = team
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open(f"/my/requests/{self.request_alice.id}")
        self.assertIn("o_citizen_request_service", response.text)
        self.assertIn(team.department_id.name or "Voirie Test Team", response.text)

    def test_idor_by_id_is_refused(self):
        """Another citizen's request id gives a redirect and none of its data."""
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open(
            f"/my/requests/{self.request_bob.id}", allow_redirects=False
        )
        self.assertEqual(response.status_code, 303)
        response = self.url_open(f"/my/requests/{self.request_bob.id}")
        for secret in ("Bob secret lamp", "Bob private text", "impasse Bob"):
            self.assertNotIn(secret, response.text)

    def test_forged_and_swapped_tokens_are_refused(self):
        token_bob = self.request_bob._portal_ensure_token()
        token_alice = self.request_alice._portal_ensure_token()
        forged = token_bob[::-1]
        for token in (forged, "", token_alice):
            response = self.url_open(
                f"/my/requests/{self.request_bob.id}?access_token={token}",
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 303, token)
            self.assertNotIn("Bob secret lamp", response.text)
        response = self.url_open(
            f"/my/requests/{self.request_bob.id}?access_token={token_bob}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Bob secret lamp", response.text)
        self.assertNotIn("Internal note about Bob", response.text)

    def test_unknown_id_redirects(self):
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open("/my/requests/999999999", allow_redirects=False)
        self.assertEqual(response.status_code, 303)

    def test_close_my_request(self):
        self.authenticate("alice_citizen", "alice_citizen")
        url = f"/my/requests/{self.request_alice.id}/close"
        response = self.url_open(url, data={"reason": "solved"})
        self.assertEqual(response.status_code, 400, "no CSRF token: refused")
        self.assertFalse(self.request_alice.is_closed)
        self.url_open(url, data={"csrf_token": self.csrf_token()})
        self.assertTrue(self.request_alice.is_closed)

    def test_close_other_request_refused(self):
        self.authenticate("alice_citizen", "alice_citizen")
        self.url_open(
            f"/my/requests/{self.request_bob.id}/close",
            data={"csrf_token": self.csrf_token()},
        )
        self.assertFalse(self.request_bob.is_closed)

    def test_close_with_signed_link(self):
        self.authenticate(None, None)
        token = self.request_bob._portal_ensure_token()
        # Change the last character, whatever it is, so the forgery never
        # equals the real token by chance.
        forged = token[:-1] + ("1" if token[-1] == "0" else "0")
        self.url_open(
            f"/my/requests/{self.request_bob.id}/close",
            data={"csrf_token": self.csrf_token(), "access_token": forged},
        )
        self.assertFalse(self.request_bob.is_closed)
        self.url_open(
            f"/my/requests/{self.request_bob.id}/close",
            data={"csrf_token": self.csrf_token(), "access_token": token},
        )
        self.assertTrue(self.request_bob.is_closed)

    def test_chatter_post_forgery_refused(self):
        """Posting on another citizen's request through the chatter fails."""
        self.authenticate("alice_citizen", "alice_citizen")
        before = len(self.request_bob.message_ids)
        for token in (None, "forged-token", self.request_alice._portal_ensure_token()):
            params = {
                "thread_model": "citizen.request",
                "thread_id": self.request_bob.id,
                "post_data": {"body": "Injected", "message_type": "comment"},
            }
            if token:
                params["token"] = token
            with contextlib.suppress(HTTPError, JsonRpcException):
                self.make_jsonrpc_request("/mail/message/post", params)
        self.assertEqual(len(self.request_bob.message_ids), before)

    def test_requester_replies_in_chatter(self):
        self.authenticate("alice_citizen", "alice_citizen")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "citizen.request",
                "thread_id": self.request_alice.id,
                "post_data": {"body": "Still there", "message_type": "comment"},
            },
        )
        message = self.request_alice.message_ids[:1]
        self.assertIn("Still there", message.body)
        self.assertEqual(message.author_id, self.user_alice.partner_id)

    def test_rating_offered_once_resolved(self):
        self.authenticate("alice_citizen", "alice_citizen")
        url = f"/my/requests/{self.request_alice.id}"
        self.assertNotIn("/rate/", self.url_open(url).text)
        self.request_alice.action_resolve()
        response = self.url_open(url)
        # the links of the email: viewing the page creates no rating
        self.assertIn(
            f"/my/requests/{self.request_alice.id}/rate/5?access_token="
            f"{self.request_alice.access_token}",
            response.text,
        )
        self.assertFalse(self.request_alice.rating_ids)

    def test_rating_link_of_the_resolution_email(self):
        """The email's link prepares the rating when followed, then opens
        Odoo's rating page; a wrong token or score opens nothing."""
        self.request_alice.action_resolve()
        self.assertFalse(self.request_alice.rating_ids)
        url = self.request_alice._get_rating_url(5)
        path = url[url.index("/my/requests/") :]
        response = self.url_open(path, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        rating = self.request_alice.rating_ids
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.partner_id, self.user_alice.partner_id)
        self.assertTrue(
            response.headers["Location"].endswith(f"/rate/{rating.access_token}/5")
        )
        page = self.url_open(path)
        self.assertEqual(page.status_code, 200)
        self.assertIn("submit_feedback", page.text)
        # following it again reuses the same rating
        self.url_open(path, allow_redirects=False)
        self.assertEqual(self.request_alice.rating_ids, rating)
        wrong_token = path.replace(self.request_alice.access_token, "x" * 36)
        self.assertEqual(self.url_open(wrong_token).status_code, 404)
        wrong_score = path.replace("/rate/5?", "/rate/2?")
        self.assertEqual(self.url_open(wrong_score).status_code, 404)
        other = f"/my/requests/{self.request_bob.id}/rate/5" + path[path.index("?") :]
        self.assertEqual(self.url_open(other).status_code, 404)

    def test_signed_link_alone_does_not_rate_as_the_requester(self):
        """Regression: the request's signed link alone (shown to whoever
        filed it on the website, whatever address they typed) opened its
        rating as its requester: the comment was posted in the thread under
        the name of the contact the request was linked to, and kept as that
        person's rating. The rating now needs the link of the email sent to
        the requester, or their account."""
        self.request_alice.action_resolve()
        self.authenticate(None, None)
        token = self.request_alice.access_token
        page = self.url_open(self.request_alice.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("/rate/", page.text)
        response = self.url_open(
            f"/my/requests/{self.request_alice.id}/rate/1?access_token={token}",
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn("/rate/", response.headers["Location"])
        self.assertIn(
            f"/my/requests/{self.request_alice.id}", response.headers["Location"]
        )
        self.assertFalse(self.request_alice.rating_ids)
        # the link of the resolution email, signed for the requester
        url = self.request_alice._get_rating_url(1)
        response = self.url_open(url[url.index("/my/requests/") :])
        self.assertEqual(response.status_code, 200)
        self.assertIn("submit_feedback", response.text)
        self.assertEqual(
            self.request_alice.rating_ids.partner_id, self.user_alice.partner_id
        )

    def test_timeline_shows_public_messages_only(self):
        """The chatter of the signed link never serves internal notes."""
        self.request_bob.message_post(
            body="Public answer to Bob",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        token = self.request_bob._portal_ensure_token()
        self.authenticate(None, None)
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "citizen.request",
                "thread_id": self.request_bob.id,
                "token": token,
                "limit": 50,
            },
        )
        bodies = " ".join(
            str(message.get("body")) for message in result["data"]["mail.message"]
        )
        self.assertIn("Public answer to Bob", bodies)
        self.assertNotIn("Internal note about Bob", bodies)
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/mail/chatter_fetch",
                {
                    "thread_model": "citizen.request",
                    "thread_id": self.request_bob.id,
                    "token": token[::-1],
                },
            )

    def test_list_cost_does_not_grow_with_requests(self):
        """Listing 10 requests costs the same queries as listing 1."""
        self.authenticate("alice_citizen", "alice_citizen")

        def count_queries():
            self.url_open("/my/requests")  # warm the caches
            before = self.cr.sql_log_count
            response = self.url_open("/my/requests")
            self.assertEqual(response.status_code, 200)
            return self.cr.sql_log_count - before

        one = count_queries()
        self.assertGreater(one, 0, "the queries of the page are counted")
        self.env["citizen.request"].create(
            [
                {
                    "title": f"Alice request {index}",
                    "category_id": self.category_road.id,
                    "partner_id": self.user_alice.partner_id.id,
                }
                for index in range(9)
            ]
        )
        self.env.flush_all()
        ten = count_queries()
        self.assertLessEqual(ten, one + 2, f"1 request: {one} queries, 10: {ten}")

    def test_agent_with_wrong_token_is_not_the_requester(self):
        """A wrong token gives no requester's right, even to a reader."""
        self.authenticate("agent_portal_test", "agent_portal_test")
        self.url_open(
            f"/my/requests/{self.request_bob.id}/close",
            data={"csrf_token": self.csrf_token(), "access_token": "wrong"},
        )
        self.assertFalse(self.request_bob.is_closed)

    def test_reply_without_javascript(self):
        """The signed link lets the requester reply with a photo, no script.
        Its holder writes under the name given with the request, not as the
        contact it is linked to: the link proves no identity."""
        token = self.request_bob._portal_ensure_token()
        self.authenticate(None, None)
        page = self.url_open(f"/my/requests/{self.request_bob.id}?access_token={token}")
        self.assertIn("o_citizen_request_reply", page.text)
        url = f"/my/requests/{self.request_bob.id}/reply"
        self.url_open(
            url,
            data={
                "csrf_token": self.csrf_token(),
                "access_token": token,
                "message": "Here is a photo",
            },
            files={"photos": ("hole.png", make_png(), "image/png")},
        )
        message = self.request_bob.message_ids[:1]
        self.assertIn("Here is a photo", message.body)
        self.assertFalse(message.author_id)
        self.assertEqual(message.email_from, '"Bob Durand" <bob.durand@example.org>')
        self.assertEqual(message.attachment_ids.mapped("mimetype"), ["image/png"])
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))

    def test_reply_refused_without_right(self):
        before = len(self.request_bob.message_ids)
        token = self.request_bob._portal_ensure_token()
        self.authenticate(None, None)
        url = f"/my/requests/{self.request_bob.id}/reply"
        for data in (
            {"access_token": token[::-1], "message": "forged"},
            {"access_token": self.request_alice._portal_ensure_token(), "message": "x"},
        ):
            self.url_open(url, data=dict(data, csrf_token=self.csrf_token()))
        response = self.url_open(
            url, data={"access_token": token, "message": "no csrf"}
        )
        self.assertEqual(response.status_code, 400)
        self.authenticate("alice_citizen", "alice_citizen")
        self.url_open(url, data={"csrf_token": self.csrf_token(), "message": "alice"})
        self.assertEqual(len(self.request_bob.message_ids), before)

    def test_download_my_personal_data(self):
        """A citizen downloads what the town holds on them: their requests and
        public messages, never someone else's nor the agents' internal notes;
        the download is logged."""
        self.request_alice.message_post(
            body="Internal note about Alice", subtype_xmlid="mail.mt_note"
        )
        self.request_alice.message_post(
            body="We will repair it next week", subtype_xmlid="mail.mt_comment"
        )
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open("/my/requests/personal-data")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response.headers["Content-Disposition"])
        data = response.json()
        self.assertEqual(data["person"]["email"], "alice.martin@example.org")
        self.assertEqual(
            [r["reference"] for r in data["requests"]], [self.request_alice.name]
        )
        self.assertIn("Alice private text", data["requests"][0]["description"])
        self.assertIn("We will repair it next week", response.text)
        self.assertNotIn("Internal note", response.text)
        self.assertNotIn("Bob", response.text)
        log = self.env["citizen.audit.log"].search(
            [
                ("action", "=", "export"),
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.user_alice.partner_id.id),
            ]
        )
        self.assertEqual(len(log), 1)

    def test_personal_data_lists_no_file_of_an_internal_note(self):
        """Regression: the download left the agents' internal notes out, but
        listed the files attached to them (name, type, size) with the
        citizen's own photos, e.g. a police report an agent attached to a
        note."""
        self.request_alice.message_post(
            body="Police report received",
            subtype_xmlid="mail.mt_note",
            attachments=[("rapport-police-voisin.pdf", b"%PDF-1.4 internal")],
        )
        self.request_alice.message_post(
            body="Photo of the repair",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
            attachments=[("reparation.png", make_png())],
        )
        self.authenticate("alice_citizen", "alice_citizen")
        response = self.url_open("/my/requests/personal-data")
        self.assertEqual(response.status_code, 200)
        names = [a["name"] for a in response.json()["requests"][0]["attachments"]]
        self.assertIn("reparation.png", names)
        self.assertNotIn("rapport-police-voisin", response.text)

    def test_personal_data_needs_login(self):
        self.authenticate(None, None)
        response = self.url_open("/my/requests/personal-data", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
