"""The care inbox: every conversation waiting for a care user's answer,
whatever the door, oldest first; the customer's message puts it there, a
care user's answer takes it off; a page is one query read off the parts'
partial indexes."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .test_inbound_mail import InboundMailCase


@tagged("post_install", "-at_install")
class TestInbox(InboundMailCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Inbox = cls.env["customer.care.inbox"]
        cls.other_user = new_test_user(
            cls.env,
            login="care_other_inbox",
            name="Otto Other",
            groups="base.group_user,customer_care.group_care_user",
        )

    def _rows(self, records, user=None):
        inbox = self.Inbox.with_user(user) if user else self.Inbox
        self.env.flush_all()
        return inbox.search([("res_model", "=", records._name), ("res_id", "in", records.ids)])

    def _answer(self, record, body="Here is what we can do", user=None, note=False):
        record.with_user(user or self.care_user).message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note" if note else "mail.mt_comment",
        )

    # -- the doors put the customer in the inbox -----------------------------------
    def test_email_waits_until_a_care_user_answers(self):
        incident = self._receive("Saddle height", "How do I raise the saddle?")
        row = self._rows(incident)
        self.assertEqual(len(row), 1)
        self.assertEqual(row.source, "incident")
        self.assertEqual(row.partner_id, incident.partner_id)
        self.assertEqual(row.channel, "email")
        self.assertEqual(row.team_id, self.team)
        self.assertFalse(row.user_id)
        self.assertEqual(row.date_waiting, incident.date_received)
        self.assertEqual(row.date_deadline, incident.response_deadline)
        self.assertIn("How do I raise the saddle?", row.last_message)

        self._answer(incident, note=True)
        self.assertTrue(self._rows(incident), "an internal note is no answer")
        incident.message_post(
            body="Robot says hi", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertTrue(self._rows(incident), "what the system posts is no answer")
        self._answer(incident)
        self.assertFalse(self._rows(incident))
        self.assertFalse(incident.date_awaiting_reply)

    def test_customer_reply_puts_it_back_with_the_reply_time(self):
        incident = self._receive(
            "Saddle", "Hi", email_from="kim.known@example.com", msg_id="<inbox-1@customer.com>"
        )
        self._answer(incident)
        self.assertFalse(self._rows(incident))
        later = datetime.now().replace(microsecond=0) + timedelta(minutes=5)
        with freeze_time(later):
            self._receive(
                "Re: Saddle",
                "It is still too low",
                email_from="kim.known@example.com",
                extra="In-Reply-To: <inbox-1@customer.com>",
            )
        row = self._rows(incident)
        self.assertEqual(row.date_waiting, later)
        self.assertIn("It is still too low", row.last_message)
        self.assertEqual(
            row.date_deadline,
            incident.resolution_deadline,
            "after the first answer the clock shown is the resolution's",
        )
        # a second message of the customer keeps the first one's time
        with freeze_time(later + timedelta(minutes=5)):
            incident.with_user(self.env.ref("base.public_user")).sudo().message_post(
                body="Hello?",
                author_id=incident.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(self._rows(incident).date_waiting, later)

    def test_waiting_for_the_customer_and_closed_work_leave_the_inbox(self):
        incident = self._receive(
            "Photos", "My frame is scratched", email_from="kim.known@example.com"
        )
        incident.user_id = self.care_user
        incident.with_user(self.care_user).action_start()
        incident.with_user(self.care_user).action_wait_for_customer()
        self.assertFalse(self._rows(incident), "the customer is the one to answer")
        incident.message_post(
            body="Here are the photos",
            author_id=incident.partner_id.id,
            message_type="email",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(incident.state, "in_progress")
        self.assertTrue(self._rows(incident), "the customer's reply brings it back")
        incident.write({"root_cause_id": self.cause.id, "resolution_type": "instant"})
        incident.with_user(self.care_user).action_resolve()
        self.assertFalse(self._rows(incident))

    def test_care_user_creating_an_incident_by_phone_waits_for_nobody(self):
        incident = (
            self.env["customer.care.incident"]
            .with_user(self.care_user)
            .create({"name": "Called about a bell", "partner_id": self.known.id})
        )
        self.assertFalse(self._rows(incident))

    def test_customer_writing_on_a_care_plan(self):
        portal = new_test_user(
            self.env, login="inbox_portal", name="Paula Portal", groups="base.group_portal"
        )
        plan = self.env["customer.care.plan"].create(
            {"partner_id": portal.partner_id.id, "user_id": self.care_user.id}
        )
        self.assertFalse(self._rows(plan))
        plan.with_user(portal).sudo().message_post(
            body="Can you call me tomorrow?",
            author_id=portal.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        row = self._rows(plan)
        self.assertEqual(row.source, "plan")
        self.assertEqual(row.user_id, self.care_user)
        self.assertIn("call me tomorrow", row.last_message)
        self._answer(plan)
        self.assertFalse(self._rows(plan))

    # -- who sees what -----------------------------------------------------------
    def test_care_users_see_theirs_and_the_unassigned_managers_all(self):
        mine = self._receive("Mine", "a", email_from="a@example.com")
        theirs = self._receive("Theirs", "b", email_from="b@example.com")
        unassigned = self._receive("Nobody's", "c", email_from="c@example.com")
        mine.user_id = self.care_user
        theirs.user_id = self.other_user
        incidents = mine | theirs | unassigned
        self.assertEqual(
            self._rows(incidents, self.care_user).mapped("res_id"), [mine.id, unassigned.id]
        )
        self.assertEqual(len(self._rows(incidents, self.care_manager)), 3)
        with self.assertRaises(AccessError):
            self._rows(incidents, self.plain_user)
        other_company = self.env["res.company"].create({"name": "Inbox elsewhere"})
        unassigned.partner_id.company_id = False
        unassigned.sudo().write({"company_id": other_company.id, "team_id": False})
        self.assertEqual(
            self._rows(incidents, self.care_manager).mapped("res_id"), [mine.id, theirs.id]
        )

    def test_filters(self):
        mine = self._receive("Mine", "a", email_from="a@example.com")
        unassigned = self._receive("Nobody's", "c", email_from="c@example.com")
        mine.user_id = self.care_user
        incidents = mine | unassigned
        ids = [("res_model", "=", incidents._name), ("res_id", "in", incidents.ids)]
        inbox = self.Inbox.with_user(self.care_manager)
        self.assertEqual(inbox.search([*ids, ("user_id", "=", self.care_user.id)]).res_id, mine.id)
        self.assertEqual(inbox.search([*ids, ("user_id", "=", False)]).res_id, unassigned.id)
        self.assertEqual(
            inbox.search([*ids, ("team_id.member_ids", "in", self.care_user.id)]).mapped("res_id"),
            [mine.id, unassigned.id],
        )
        unassigned.sudo().sla_state = "at_risk"
        self.assertEqual(inbox.search([*ids, ("sla_state", "=", "at_risk")]).res_id, unassigned.id)

    def test_oldest_first_and_opening_a_row(self):
        now = datetime.now().replace(microsecond=0)
        with freeze_time(now - timedelta(hours=2)):
            old = self._receive("Old", "a", email_from="a@example.com")
        new = self._receive("New", "b", email_from="b@example.com")
        rows = self._rows(old | new)
        self.assertEqual(rows.mapped("res_id"), [old.id, new.id])
        action = rows[0].with_user(self.care_user).action_open()
        self.assertEqual((action["res_model"], action["res_id"]), (old._name, old.id))
        self.assertTrue(action["context"]["care_open_composer"])

    # -- one query a page, off the indexes -----------------------------------------------
    def test_a_page_is_one_query_and_the_rest_per_page(self):
        incidents = self.env["customer.care.incident"]
        for n in range(6):
            incidents |= self._receive(f"Page {n}", "hello", email_from=f"page{n}@example.com")
        incidents[:3].user_id = self.care_user
        inbox = self.Inbox.with_user(self.care_manager)
        domain = [("res_model", "=", incidents._name), ("res_id", "in", incidents.ids)]
        spec = {
            "date_waiting": {},
            "partner_id": {"fields": {"display_name": {}}},
            "channel": {},
            "name": {},
            "last_message": {},
            "date_deadline": {},
            "sla_state": {},
            "user_id": {"fields": {"display_name": {}}},
        }
        inbox.web_search_read(domain, spec, limit=3)  # warm the caches of the rules and views
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=7, care_manager=7):
            # the page with its fields, the count (up to count_limit), the
            # customers' names, the users' names (users, then their
            # partners), the last messages: whatever the number of rows
            result = inbox.web_search_read(domain, spec, limit=3, count_limit=10000)
        self.assertEqual(len(result["records"]), 3)
        self.assertEqual(result["length"], 6)
        self.env.invalidate_all()
        with self.assertQueryCount(__system__=7, care_manager=7):
            result = inbox.web_search_read(domain, spec, limit=6, count_limit=10000)
        self.assertEqual(len(result["records"]), 6)

    def test_the_first_page_is_read_off_the_partial_indexes(self):
        self.env.flush_all()
        query = self.Inbox._search([], limit=80, order=self.Inbox._order)
        self.env.cr.execute("SET LOCAL enable_sort = off")
        self.env.cr.execute("SET LOCAL enable_seqscan = off")
        self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("Merge Append", plan)
        self.assertIn("customer_care_incident_awaiting_reply_idx", plan)
        self.assertIn("customer_care_plan_awaiting_reply_idx", plan)
        self.assertNotRegex(
            plan, r"(^|->)\s*Sort\s+\(", "the parts come in the inbox's order from their indexes"
        )

    def test_nobody_sets_the_wait_by_hand(self):
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        incident.user_id = self.care_user
        with self.assertRaises(AccessError):
            incident.with_user(self.care_manager).write({"date_awaiting_reply": False})
        self.assertTrue(self._rows(incident))

    def test_a_portal_request_and_the_customers_portal_message(self):
        portal = new_test_user(
            self.env, login="inbox_portal_req", name="Rita Request", groups="base.group_portal"
        )
        incident = (
            self.env["customer.care.incident"]
            .sudo()
            ._portal_new_request(portal, "Invoice copy", "Please send my March invoice")
        )
        row = self._rows(incident)
        self.assertEqual((row.channel, row.source), ("portal", "incident"))
        self.assertEqual(row.date_waiting, incident.date_received)
        self._answer(incident)
        self.assertFalse(self._rows(incident))
        incident.with_user(portal).sudo().message_post(
            body="And April too, please",
            author_id=portal.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn("April", self._rows(incident).last_message)

    def test_an_open_question_of_a_care_contact_waits_as_its_incident(self):
        plan = self.env["customer.care.plan"].create(
            {"partner_id": self.known.id, "user_id": self.care_user.id}
        )
        step = plan.step_ids.filtered(lambda s: s.step == "answer")
        question = self.env["customer.care.plan.question"].create(
            {"step_id": step.id, "name": "Does the warranty cover the battery?"}
        )
        question._raise_incidents()
        row = self._rows(question.incident_id)
        self.assertEqual(row.date_waiting, question.create_date)
        self.assertEqual(row.user_id, self.care_user)
