"""My requests: a portal customer sees, follows and acts on their own
incidents, never another customer's, never the care team's notes."""

import contextlib

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import html2plaintext

from .common import CareCommon

SECRET = "Internal-only remark 4711"


@tagged("post_install", "-at_install")
class TestPortal(CareCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alpha = cls._partner("Alpha Portal Co", is_company=True)
        cls.beta = cls._partner("Beta Portal Co", is_company=True)
        cls.anna = new_test_user(
            cls.env, login="care_portal_anna", name="Anna Alpha", groups="base.group_portal"
        )
        cls.anna.partner_id.parent_id = cls.alpha
        cls.bob = new_test_user(
            cls.env, login="care_portal_bob", name="Bob Beta", groups="base.group_portal"
        )
        cls.bob.partner_id.parent_id = cls.beta
        cls.cause = cls.env["customer.care.root.cause"].create({"name": "Portal courier"})
        Incident = cls.env["customer.care.incident"]
        cls.mine = Incident.create(
            {
                "name": "Alpha desk arrived broken",
                "partner_id": cls.alpha.id,
                "user_id": cls.care_user.id,
                "kind": "complaint",
            }
        )
        cls.theirs = Incident.create(
            {
                "name": "Beta chair squeaks",
                "partner_id": cls.beta.id,
                "user_id": cls.care_user.id,
            }
        )
        cls.mine.message_post(body=SECRET, subtype_xmlid="mail.mt_note")
        cls.mine.message_post(
            body="We are sending a new desk.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _page(self, url):
        response = self.url_open(url)
        return response, response.text

    def _post(self, url, **data):
        return self.url_open(url, data={"csrf_token": http.Request.csrf_token(self), **data})

    def _resolve(self, incident, resolution_type="instant"):
        incident.write({"resolution_type": resolution_type, "root_cause_id": self.cause.id})
        incident.with_user(self.care_user).action_resolve()

    # -- access ------------------------------------------------------------
    def test_access_url_and_orm_rule(self):
        self.assertEqual(self.mine.access_url, f"/my/requests/{self.mine.id}")
        as_anna = self.env["customer.care.incident"].with_user(self.anna)
        self.assertEqual(as_anna.search([]), self.mine)
        self.assertEqual(as_anna.browse(self.mine.id).name, self.mine.name)
        with self.assertRaises(AccessError):
            _name = as_anna.browse(self.theirs.id).name
        with self.assertRaises(AccessError):
            as_anna.browse(self.mine.id).write({"name": "Changed by the customer"})
        with self.assertRaises(AccessError):
            as_anna.create([{"name": "Direct", "partner_id": self.alpha.id}])

    def test_portal_rule_keeps_to_the_company(self):
        company_b = self.env["res.company"].create({"name": "Portal Second Co"})
        elsewhere = self.env["customer.care.incident"].create(
            {
                "name": "Alpha at the second company",
                "partner_id": self.alpha.id,
                "company_id": company_b.id,
            }
        )
        as_anna = self.env["customer.care.incident"].with_user(self.anna)
        self.assertNotIn(elsewhere, as_anna.search([]))

    def test_list_and_detail_show_own_requests_with_promised_times(self):
        self.alpha.care_group_id = self.group_vip
        self.assertTrue(self.mine.response_deadline and self.mine.resolution_deadline)
        self.authenticate(self.anna.login, self.anna.login)
        response, page = self._page("/my/requests")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Alpha desk arrived broken", page)
        self.assertNotIn("Beta chair squeaks", page)
        self.assertIn("Complaint", page)
        self.assertIn("Received", page)
        response, page = self._page(f"/my/requests/{self.mine.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Alpha desk arrived broken", page)
        self.assertIn("o_care_response_deadline", page)
        self.assertIn("o_care_resolution_deadline", page)
        self.assertIn("o_portal_chatter", page)
        self.assertNotIn(SECRET, page)
        self.assertNotIn(self.group_vip.name, page)

    def test_home_counter(self):
        self.authenticate(self.anna.login, self.anna.login)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["care_request_count"]})
        self.assertEqual(counters["care_request_count"], 1)
        self.authenticate(self.bob.login, self.bob.login)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["care_request_count"]})
        self.assertEqual(counters["care_request_count"], 1)

    def test_chatter_messages_are_public_ones_only(self):
        self.authenticate(self.anna.login, self.anna.login)
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "customer.care.incident",
                "thread_id": self.mine.id,
                "token": self.mine._portal_ensure_token(),
            },
        )
        bodies = " ".join(str(message["body"]) for message in result["data"]["mail.message"])
        self.assertIn("We are sending a new desk.", bodies)
        self.assertNotIn(SECRET, bodies)

    def test_customer_replies_in_the_portal_chatter(self):
        self.authenticate(self.anna.login, self.anna.login)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "customer.care.incident",
                "thread_id": self.mine.id,
                "post_data": {"body": "The new desk is scratched too", "message_type": "comment"},
                "token": self.mine._portal_ensure_token(),
            },
        )
        reply = self.mine.message_ids.filtered(lambda m: "scratched" in (m.body or ""))
        self.assertEqual(reply.author_id, self.anna.partner_id)
        # the token of one request does not open another one's thread
        with self.assertRaises(Exception):  # noqa: B017 - the server refuses (404)
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "customer.care.incident",
                    "thread_id": self.theirs.id,
                    "post_data": {"body": "Sneaking in", "message_type": "comment"},
                    "token": self.mine._portal_ensure_token(),
                },
            )
        self.assertFalse(self.theirs.message_ids.filtered(lambda m: "Sneaking" in (m.body or "")))

    def test_other_customers_request_is_not_found(self):
        self.authenticate(self.anna.login, self.anna.login)
        response, page = self._page(f"/my/requests/{self.theirs.id}")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Beta chair squeaks", page)

    def test_public_visitor_goes_to_login(self):
        response, _page = self._page("/my/requests")
        self.assertIn("/web/login", response.url)
        response, page = self._page(f"/my/requests/{self.mine.id}")
        self.assertIn("/web/login", response.url)
        self.assertNotIn("Alpha desk arrived broken", page)

    def test_share_link_opens_that_request_only(self):
        token = self.mine._portal_ensure_token()
        response, page = self._page(f"/my/requests/{self.mine.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Alpha desk arrived broken", page)
        self.assertNotIn(SECRET, page)
        response, page = self._page(f"/my/requests/{self.theirs.id}?access_token={token}")
        self.assertNotIn("Beta chair squeaks", page)
        self.assertIn("/web/login", response.url)

    # -- customer actions --------------------------------------------------
    def test_customer_confirms_receiving_the_exchange(self):
        self._resolve(self.mine, "exchange")
        self.assertTrue(self.mine.waiting_delivery)
        self.authenticate(self.anna.login, self.anna.login)
        _response, page = self._page(f"/my/requests/{self.mine.id}")
        self.assertIn("o_care_received", page)
        response = self._post(f"/my/requests/{self.mine.id}/received")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.mine.date_customer_received)
        self.assertTrue(self.mine.followup_plan_id)
        self.assertFalse(self.mine.waiting_delivery)

    def test_received_is_refused_on_someone_elses_request(self):
        self._resolve(self.theirs, "exchange")
        self.authenticate(self.anna.login, self.anna.login)
        response = self._post(f"/my/requests/{self.theirs.id}/received")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.theirs.date_customer_received)
        self.assertFalse(self.theirs.followup_plan_id)

    def test_received_without_csrf_is_refused(self):
        self._resolve(self.mine, "exchange")
        self.authenticate(self.anna.login, self.anna.login)
        response = self.url_open(f"/my/requests/{self.mine.id}/received", data={"x": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.mine.date_customer_received)

    def test_still_not_solved_reopens_with_an_activity(self):
        self._resolve(self.mine)
        self.assertEqual(self.mine.state, "resolved")
        self.authenticate(self.anna.login, self.anna.login)
        response = self._post(f"/my/requests/{self.mine.id}/reopen")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.mine.state, "in_progress")
        self.assertFalse(self.mine.date_resolved)
        activity = self.mine.activity_ids.filtered(
            lambda a: a.summary == "The customer says it is still not solved"
        )
        self.assertEqual(activity.user_id, self.care_user)
        self.assertIn(
            "still not solved",
            " ".join(
                self.mine.message_ids.filtered(
                    lambda m: m.author_id == self.anna.partner_id
                ).mapped("body")
            ),
        )

    def test_still_not_solved_refused_while_open_or_elsewhere(self):
        self.authenticate(self.anna.login, self.anna.login)
        response = self._post(f"/my/requests/{self.mine.id}/reopen")
        self.assertEqual(response.status_code, 200)
        self.assertIn("is not solved yet", response.text)
        self.assertEqual(self.mine.state, "new")
        self._resolve(self.theirs)
        response = self._post(f"/my/requests/{self.theirs.id}/reopen")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.theirs.state, "resolved")

    def test_received_refused_while_nothing_is_on_its_way(self):
        self.authenticate(self.anna.login, self.anna.login)
        response = self._post(f"/my/requests/{self.mine.id}/received")
        self.assertEqual(response.status_code, 200)
        self.assertIn("is not waiting for a replacement or a refund", response.text)
        self.assertFalse(self.mine.date_customer_received)

    def test_share_link_visitor_acts_as_the_customer(self):
        self._resolve(self.mine)
        token = self.mine._portal_ensure_token()
        self.authenticate(None, None)  # a visitor's session, not signed in
        response = self._post(f"/my/requests/{self.mine.id}/reopen", access_token=token)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.mine.state, "in_progress")
        said = self.mine.message_ids.filtered(lambda m: "still not solved" in (m.body or ""))
        self.assertEqual(said.author_id, self.alpha)
        # the same link does not act on another request
        self._resolve(self.theirs)
        response = self._post(f"/my/requests/{self.theirs.id}/reopen", access_token=token)
        self.assertIn("/web/login", response.url)
        self.assertEqual(self.theirs.state, "resolved")

    def test_new_request(self):
        self.authenticate(self.anna.login, self.anna.login)
        response, _page = self._page("/my/requests/new")
        self.assertEqual(response.status_code, 200)
        response = self._post(
            "/my/requests/new", subject="Where is my invoice?", description="Since May"
        )
        self.assertEqual(response.status_code, 200)
        created = self.env["customer.care.incident"].search([("name", "=", "Where is my invoice?")])
        self.assertEqual(len(created), 1)
        self.assertEqual(created.commercial_partner_id, self.alpha)
        self.assertEqual(created.partner_id, self.anna.partner_id)
        self.assertEqual((created.kind, created.channel), ("question", "portal"))
        self.assertFalse(created.user_id)
        self.assertIn("Since May", created.description)
        self.assertIn(f"/my/requests/{created.id}", response.url)
        self.assertIn("Where is my invoice?", response.text)

    def test_new_request_needs_a_subject(self):
        self.authenticate(self.anna.login, self.anna.login)
        before = self.env["customer.care.incident"].search_count([])
        response = self._post("/my/requests/new", subject="  ", description="Nothing")
        self.assertIn("Give your request a subject.", response.text)
        self.assertEqual(self.env["customer.care.incident"].search_count([]), before)

    # -- refused: another customer, a visitor, another request's token -------
    def _chatter_fetch(self, incident, token=None):
        """The conversation as the portal chatter loads it; the bodies it
        returned, or None when the server refused."""
        params = {"thread_model": "customer.care.incident", "thread_id": incident.id}
        if token:
            params["token"] = token
        try:
            result = self.make_jsonrpc_request("/mail/chatter_fetch", params)
        except Exception:  # the server refuses (404 / access error)
            return None
        return " ".join(str(m["body"]) for m in result.get("data", {}).get("mail.message", []))

    def _chatter_post(self, incident, body, token=None):
        params = {
            "thread_model": "customer.care.incident",
            "thread_id": incident.id,
            "post_data": {"body": body, "message_type": "comment"},
        }
        if token:
            params["token"] = token
        # the server refuses (404 / access error), or posts nothing
        with contextlib.suppress(Exception):
            self.make_jsonrpc_request("/mail/message/post", params)
        return incident.message_ids.filtered(lambda m: body in (m.body or ""))

    def test_another_customer_cannot_read_or_write_the_conversation(self):
        self.authenticate(self.bob.login, self.bob.login)
        bodies = self._chatter_fetch(self.mine)
        self.assertNotIn("We are sending a new desk.", bodies or "")
        self.assertFalse(self._chatter_post(self.mine, "Bob was here"))
        response = self._post(f"/my/requests/{self.mine.id}/reopen")
        self.assertEqual(response.status_code, 404)

    def test_public_visitor_cannot_read_write_or_ask(self):
        self.authenticate(None, None)
        bodies = self._chatter_fetch(self.mine)
        self.assertNotIn("We are sending a new desk.", bodies or "")
        self.assertFalse(self._chatter_post(self.mine, "Anonymous was here"))
        response, _page = self._page("/my/requests/new")
        self.assertIn("/web/login", response.url)
        before = self.env["customer.care.incident"].search_count([])
        self._post("/my/requests/new", subject="Anonymous request", description="Hi")
        self.assertEqual(self.env["customer.care.incident"].search_count([]), before)

    def test_token_of_another_request_opens_nothing_else(self):
        token = self.mine._portal_ensure_token()
        self.theirs.message_post(
            body="Beta's delivery note", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.authenticate(None, None)
        self.assertIn("We are sending a new desk.", self._chatter_fetch(self.mine, token))
        bodies = self._chatter_fetch(self.theirs, token)
        self.assertNotIn("Beta's delivery note", bodies or "")
        self.assertFalse(self._chatter_post(self.theirs, "Sneaking with a token", token))
        # as a signed-in customer of another company too
        self.authenticate(self.anna.login, self.anna.login)
        bodies = self._chatter_fetch(self.theirs, token)
        self.assertNotIn("Beta's delivery note", bodies or "")

    # -- what the customer reads over the API --------------------------------
    # written by hand: the portal page's fields, its links and the public
    # conversation; anything else of an incident is internal
    PORTAL_FIELDS = {
        "id",
        "display_name",
        "name",
        "kind",
        "description",
        "partner_id",
        "commercial_partner_id",
        "company_id",
        "date_received",
        "response_deadline",
        "resolution_deadline",
        "date_resolved",
        "portal_state",
        "portal_resolution",
        "access_url",
        "access_token",
        "access_warning",
        "website_message_ids",
        "message_is_follower",
    }
    INTERNAL_FIELDS = (
        "decline_reason",
        "care_group_id",
        "root_cause_id",
        "escalation_level",
        "user_id",
        "resolution",
        "state",
        "priority",
        "sla_policy_id",
        "sla_state",
        "team_id",
        "followup_plan_id",
        "satisfaction",
        "activity_ids",
        "rating_ids",
    )

    def _with_internal_values(self):
        self.alpha.care_group_id = self.group_vip
        self.mine.write(
            {
                "root_cause_id": self.cause.id,
                "decline_reason": "Known for fraudulent returns",
                "resolution": "<p>Draft: maybe a voucher</p>",
            }
        )

    def test_portal_customer_fields_are_the_pages_only(self):
        self._with_internal_values()
        as_anna = self.env["customer.care.incident"].with_user(self.anna)
        self.assertEqual(set(as_anna.fields_get()), self.PORTAL_FIELDS)
        # without a list of fields, only the portal's come back
        (row,) = as_anna.search_read([])
        self.assertLessEqual(set(row), self.PORTAL_FIELDS)
        self.assertEqual(row["name"], "Alpha desk arrived broken")
        self.assertEqual(row["portal_state"], "Received")
        # the draft resolution is not offered yet
        self.assertFalse(row["portal_resolution"])
        mine = as_anna.browse(self.mine.id)
        for fname in self.INTERNAL_FIELDS:
            with self.subTest(field=fname):
                with self.assertRaises(AccessError):
                    as_anna.search_read([], [fname])
                with self.assertRaises(AccessError):
                    mine.read([fname])
                # exporting is refused to portal users anyway; below it, the
                # rows export reads the field as the customer
                with self.assertRaises(UserError):
                    mine.export_data([fname])
                with self.assertRaises(AccessError):
                    mine._export_rows([[fname]])
                with self.assertRaises(AccessError):
                    as_anna.read_group([], [fname], [fname])
                value = self.mine[fname]
                if hasattr(value, "ids"):
                    term = (fname, "in", value.ids or [0])
                else:
                    term = (fname, "=", value)
                with self.assertRaises(AccessError):
                    as_anna.search([term])
                with self.assertRaises(AccessError):
                    as_anna.search([], order=fname)

    def test_portal_customer_cannot_read_internal_fields_over_json_rpc(self):
        self._with_internal_values()
        self.authenticate(self.anna.login, self.anna.login)

        def call(method, *args, **kwargs):
            return self.make_jsonrpc_request(
                f"/web/dataset/call_kw/customer.care.incident/{method}",
                {
                    "model": "customer.care.incident",
                    "method": method,
                    "args": args,
                    "kwargs": kwargs,
                },
            )

        for fields in (["decline_reason"], ["care_group_id"], ["root_cause_id", "user_id"]):
            with self.subTest(fields=fields), self.assertRaises(JsonRpcException):
                call("search_read", [], fields=fields)
        rows = call("search_read", [])
        self.assertEqual([row["id"] for row in rows], [self.mine.id])
        self.assertLessEqual(set(rows[0]), self.PORTAL_FIELDS)
        self.assertNotIn("Known for fraudulent returns", str(rows))
        self.assertNotIn(self.group_vip.name, str(rows))
        self.assertEqual(set(call("fields_get")), self.PORTAL_FIELDS)

    def test_resolution_is_shown_once_offered(self):
        self._with_internal_values()
        self.authenticate(self.anna.login, self.anna.login)
        _response, page = self._page(f"/my/requests/{self.mine.id}")
        self.assertNotIn("maybe a voucher", page)
        self._resolve(self.mine)
        _response, page = self._page(f"/my/requests/{self.mine.id}")
        self.assertIn("maybe a voucher", page)
        row = self.mine.with_user(self.anna).read(["portal_resolution", "portal_state"])[0]
        self.assertIn("maybe a voucher", row["portal_resolution"])
        self.assertEqual(row["portal_state"], "Solved")

    # -- the page says only what the shop wrote ---------------------------------
    def test_error_in_the_link_is_a_code_never_a_text(self):
        self.authenticate(self.anna.login, self.anna.login)
        phishing = "Your account is blocked: call +1 555 0100 now"
        _response, page = self._page(f"/my/requests/{self.mine.id}?error={phishing}")
        self.assertNotIn("account is blocked", page)
        self.assertNotIn("alert-warning", page)
        _response, page = self._page(f"/my/requests/{self.mine.id}?error=not_solved")
        self.assertIn("This request is not solved yet", page)
        # a refused action comes back with its code
        response = self._post(f"/my/requests/{self.mine.id}/reopen")
        self.assertIn("error=not_solved", response.url)

    # -- new requests: customers only, a few an hour, bounded -------------------
    def _new_requests(self):
        return self.env["customer.care.incident"].search(
            [("channel", "=", "portal"), ("partner_id", "=", self.anna.partner_id.id)]
        )

    def test_new_request_text_is_cut_to_size(self):
        self.authenticate(self.anna.login, self.anna.login)
        self._post(
            "/my/requests/new",
            subject="Long\x00 story " + "s" * 5000,
            description="It began in May.\x00 " + "x" * 300_000,
        )
        created = self._new_requests()
        self.assertEqual(len(created), 1)
        self.assertEqual(len(created.name), 200)
        self.assertTrue(created.name.startswith("Long story "))
        text = html2plaintext(created.description)
        self.assertLessEqual(len(text), 10_000)
        self.assertIn("It began in May.", text)

    def test_new_requests_are_limited_per_hour(self):
        self.authenticate(self.anna.login, self.anna.login)
        for number in range(5):
            self._post("/my/requests/new", subject=f"Question {number}", description="Hi")
        self.assertEqual(len(self._new_requests()), 5)
        response = self._post("/my/requests/new", subject="Question 6", description="Hi")
        self.assertIn("You sent 5 requests within the last hour", response.text)
        self.assertEqual(len(self._new_requests()), 5)
        # an hour later, the customer may ask again
        self.env.cr.execute(
            "UPDATE customer_care_incident SET create_date = now() - interval '61 minutes' "
            "WHERE id IN %s",
            [tuple(self._new_requests().ids)],
        )
        self._post("/my/requests/new", subject="Question 7", description="Hi")
        self.assertEqual(len(self._new_requests()), 6)

    def test_new_request_page_is_for_customers_only(self):
        Incident = self.env["customer.care.incident"]
        before = Incident.search_count([])
        for user in (self.plain_user, self.care_user):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                response = self._post("/my/requests/new", subject="Inside job", description="x")
                self.assertIn("New requests in the portal are for customers", response.text)
        self.assertEqual(Incident.search_count([]), before)
        with self.assertRaises(AccessError):
            Incident.sudo()._portal_new_request(self.care_user, "Inside job", "x")
