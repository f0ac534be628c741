"""Care plans: the four-step care sequence on every channel (brief §2, §4)."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged, warmup

from odoo.addons.sms.tests.common import SMSCommon

CARE_USER_GROUPS = "base.group_user,customer_care.group_care_user"

KANBAN_SPEC = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "channel": {},
    "trigger": {},
    "state": {},
    "date_deadline": {},
    "step_closed_count": {},
    "current_step": {},
    "activity_ids": {},
    "activity_state": {},
    "user_id": {"fields": {"display_name": {}}},
    "color": {},
}


class CarePlanCase(TransactionCase):
    """A care team (two care users, a manager), a monthly care group and customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.care_user = new_test_user(
            cls.env, login="plan_care_user", name="Cara Carer", groups=CARE_USER_GROUPS
        )
        cls.other_care_user = new_test_user(
            cls.env, login="plan_other_user", name="Otto Other", groups=CARE_USER_GROUPS
        )
        cls.care_manager = new_test_user(
            cls.env,
            login="plan_care_manager",
            name="Mara Manager",
            groups="base.group_user,customer_care.group_care_manager",
        )
        cls.monthly = cls.env["customer.care.group"].create(
            {"name": "Monthly care", "code": "test_monthly", "cadence_days": 30, "channel": "email"}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Xavier Client",
                "email": "xavier.client@example.com",
                "phone": "+32456010203",
                "care_group_id": cls.monthly.id,
            }
        )
        cls.bike = cls.env["product.product"].create({"name": "City bike", "list_price": 250.0})

    def _plan(self, user=None, **vals):
        user = self.care_user if user is None else user
        return (
            self.env["customer.care.plan"]
            .with_user(user or self.care_user)
            .create({"partner_id": self.customer.id, "user_id": user.id, **vals})
        )

    @staticmethod
    def _steps(plan):
        return {step.step: step for step in plan.step_ids}


@tagged("post_install", "-at_install")
class TestCareSequence(CarePlanCase):
    def test_new_plan_gets_the_four_steps_in_order(self):
        plan = self._plan()
        self.assertEqual(plan.step_ids.mapped("step"), ["recall", "needs", "answer", "offer"])
        self.assertEqual(set(plan.step_ids.mapped("state")), {"todo"})
        self.assertEqual(plan.channel, "email", "the care group's channel is the default")
        self.assertEqual(plan.current_step, "recall")

    def test_step_three_refused_before_step_two(self):
        plan = self._plan()
        steps = self._steps(plan)
        steps["recall"].action_done()
        with self.assertRaisesRegex(UserError, "before Learn current needs is done or skipped"):
            steps["answer"].action_done()
        self.assertEqual(steps["answer"].state, "todo")
        steps["needs"].action_done()
        steps["answer"].action_done()
        self.assertEqual(steps["answer"].state, "done")
        self.assertEqual(steps["answer"].user_id, self.care_user)
        self.assertEqual(plan.state, "in_progress", "closing a step starts the plan")
        self.assertEqual((plan.step_closed_count, plan.current_step), (3, "offer"))

    def test_skip_needs_a_reason_and_then_unblocks_the_next_step(self):
        plan = self._plan()
        steps = self._steps(plan)
        with self.assertRaisesRegex(UserError, "reason"):
            steps["recall"].action_skip("   ")
        self.assertEqual(steps["recall"].state, "todo")
        steps["recall"].action_skip("First purchase last week: nothing to recall yet")
        self.assertEqual(steps["recall"].state, "skipped")
        self.assertEqual(
            steps["recall"].skip_reason, "First purchase last week: nothing to recall yet"
        )
        steps["needs"].action_done()
        self.assertEqual(steps["needs"].state, "done")

    def test_skip_wizard_requires_reason_and_skips(self):
        plan = self._plan()
        steps = self._steps(plan)
        wizard = (
            self.env["customer.care.plan.step.skip.wizard"]
            .with_user(self.care_user)
            .create({"step_id": steps["recall"].id, "reason": "Customer in a hurry"})
        )
        wizard.action_confirm()
        self.assertEqual(steps["recall"].state, "skipped")
        self.assertIn("Customer in a hurry", plan.message_ids[0].body)

    def test_plan_cannot_close_while_a_step_is_todo(self):
        plan = self._plan(outcome="positive")
        steps = self._steps(plan)
        steps["recall"].action_done()
        steps["needs"].action_done()
        steps["answer"].action_skip("No questions")
        with self.assertRaisesRegex(UserError, "Introduce new value"):
            plan.action_done()
        self.assertEqual(plan.state, "in_progress")
        steps["offer"].action_done()
        plan.action_done()
        self.assertEqual(plan.state, "done")
        with self.assertRaises(UserError):
            steps["offer"].action_reopen()

    def test_a_plan_without_its_steps_cannot_be_closed(self):
        # every plan is created with its steps; one whose steps were removed
        # has not run them
        plan = self._plan(outcome="positive")
        plan.step_ids.sudo().unlink()
        self.assertFalse(plan.step_ids)
        with self.assertRaisesRegex(UserError, "still to do"):
            plan.action_done()
        self.assertNotEqual(plan.state, "done")

    def test_a_copy_starts_the_sequence_afresh(self):
        plan = self._plan(outcome="positive")
        plan.step_ids.action_done()
        plan.action_done()
        copy = plan.copy()
        self.assertEqual(copy.step_ids.mapped("step"), ["recall", "needs", "answer", "offer"])
        self.assertEqual(set(copy.step_ids.mapped("state")), {"todo"})
        self.assertEqual(len(plan.step_ids), 4)

    def test_plan_needs_an_outcome_to_close(self):
        plan = self._plan()
        plan.step_ids.action_done()
        with self.assertRaisesRegex(UserError, "outcome"):
            plan.action_done()
        plan.outcome = "neutral"
        plan.action_done()
        self.assertEqual(plan.state, "done")

    @freeze_time("2025-03-10 09:00:00")
    def test_closing_sets_last_contact_and_next_date_from_the_cadence(self):
        plan = self._plan(outcome="positive")
        plan.step_ids.action_done()
        plan.action_done()
        customer = self.customer.sudo()
        self.assertEqual(customer.care_last_contact_date, date(2025, 3, 10))
        self.assertEqual(customer.care_next_date, date(2025, 4, 9), "30 days after the contact")

    @freeze_time("2025-12-20 09:00:00")
    def test_next_date_follows_each_group_and_none_without_cadence(self):
        self.monthly.cadence_days = 45
        plan = self._plan(outcome="neutral")
        plan.step_ids.action_done()
        plan.action_done()
        self.assertEqual(self.customer.sudo().care_next_date, date(2026, 2, 3))
        self.monthly.cadence_days = 0
        second = self._plan(outcome="neutral")
        second.step_ids.action_done()
        second.action_done()
        self.assertEqual(self.customer.sudo().care_last_contact_date, date(2025, 12, 20))
        self.assertFalse(self.customer.sudo().care_next_date, "no routine contact")

    def test_needs_become_an_opportunity_linked_to_the_plan(self):
        plan = self._plan()
        steps = self._steps(plan)
        with self.assertRaisesRegex(UserError, "needs"):
            steps["needs"].action_create_opportunity()
        steps["needs"].needs_note = "A cargo bike for the shop\nDelivered before May"
        steps["needs"].action_create_opportunity()
        lead = plan.sudo().lead_id
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, self.customer)
        self.assertEqual(lead.name, "Care: Xavier Client - A cargo bike for the shop")
        self.assertIn("Delivered before May", lead.description)

    def test_offer_interest_updates_the_opportunity(self):
        plan = self._plan()
        steps = self._steps(plan)
        steps["needs"].needs_note = "Wants a bike for commuting"
        steps["needs"].action_create_opportunity()
        lead = plan.sudo().lead_id
        steps["offer"].write(
            {
                "offer_ids": [
                    (0, 0, {"product_id": self.bike.id, "reaction": "interested"}),
                    (0, 0, {"name": "Free helmet", "reaction": "not_interested"}),
                ]
            }
        )
        self.assertEqual(steps["offer"].offer_ids[0].name, "City bike")
        steps["recall"].action_done()
        steps["needs"].action_done()
        steps["answer"].action_done()
        steps["offer"].action_done()
        self.assertEqual(plan.sudo().lead_id, lead, "the same opportunity is updated")
        self.assertEqual(lead.expected_revenue, 250.0)
        self.assertIn("Interested in: City bike", lead.description)
        self.assertNotIn("Free helmet", lead.description)

    def test_offer_interest_creates_an_opportunity_when_none(self):
        plan = self._plan()
        steps = self._steps(plan)
        steps["offer"].offer_ids = [
            (0, 0, {"name": "Spring service pack", "reaction": "interested", "amount": 80.0})
        ]
        plan.step_ids.action_done()
        lead = plan.sudo().lead_id
        self.assertEqual(lead.name, "Care: Xavier Client - Spring service pack")
        self.assertEqual(lead.expected_revenue, 80.0)

    def test_no_interest_no_opportunity(self):
        plan = self._plan()
        self._steps(plan)["offer"].offer_ids = [
            (0, 0, {"name": "Gift card", "reaction": "thinking"})
        ]
        plan.step_ids.action_done()
        self.assertFalse(plan.lead_id)

    def test_unanswered_question_stays_open_with_its_promised_date(self):
        plan = self._plan()
        steps = self._steps(plan)
        steps["answer"].question_ids = [
            (0, 0, {"name": "Opening hours on holidays?", "answer": "9 to 12"}),
            (0, 0, {"name": "Can the frame be repainted?"}),
        ]
        steps["recall"].action_done()
        steps["needs"].action_done()
        with self.assertRaisesRegex(UserError, "Can the frame be repainted"):
            steps["answer"].action_done()
        open_question = steps["answer"].question_ids.filtered(lambda q: not q.answer)
        open_question.date_promised = date(2030, 1, 15)
        steps["answer"].action_done()
        self.assertEqual(open_question.state, "open")
        answered = steps["answer"].question_ids - open_question
        self.assertEqual(answered.state, "answered")
        activity = plan.activity_ids
        self.assertEqual(activity.date_deadline, date(2030, 1, 15))
        self.assertEqual(activity.user_id, self.care_user)
        # still open on the customer's next contact
        steps["offer"].action_done()
        plan.outcome = "positive"
        plan.action_done()
        next_plan = self._plan(channel="phone")
        self.assertEqual(next_plan.open_question_ids, open_question)
        open_question.answer = "Yes, in any colour"
        self.assertEqual(open_question.state, "answered")

    def test_call_script_greets_with_company_and_caller_and_recalls_last_time(self):
        self.env.company.care_call_greeting = "Welcome to {company}! {user} speaking."
        self.env.company.name = "Bikes & Co"
        first = self._plan(outcome="negative")
        recall = self._steps(first)["recall"]
        late = self.env.ref("customer_care.care_point_late_delivery")
        recall.write({"dissatisfied_point_ids": [(4, late.id)], "dissatisfied_note": "Late again"})
        first.step_ids.action_done()
        first.action_done()
        plan = self._plan(channel="phone")
        self.assertEqual(plan.call_greeting, "Welcome to Bikes & Co! Cara Carer speaking.")
        self.assertEqual(plan.last_dissatisfied_point_ids, late)
        self.assertEqual(plan.last_dissatisfied_note, "Late again")
        self.assertEqual(plan.partner_care_group_id, self.monthly)

    def test_default_call_greeting_follows_the_handbook(self):
        self.env.company.name = "Bikes & Co"
        self.env.company.care_call_greeting = False
        plan = self._plan(channel="phone")
        self.assertEqual(
            plan.call_greeting,
            "Thank you for calling Bikes & Co, this is Cara Carer, how can I help you today?",
        )

    def test_greeting_is_a_setting(self):
        settings = self.env["res.config.settings"].create(
            {"care_call_greeting": "Hello from {company}"}
        )
        settings.execute()
        self.assertEqual(self.env.company.care_call_greeting, "Hello from {company}")

    def test_call_outcome_is_logged_on_the_plan(self):
        plan = self._plan(channel="phone")
        wizard = (
            self.env["customer.care.plan.log.wizard"]
            .with_user(self.care_user)
            .create({"plan_id": plan.id, "call_result": "call_back", "text": "Call after 6 pm"})
        )
        wizard.action_confirm()
        body = plan.message_ids[0].body
        self.assertIn("Call: Customer asked to call back", body)
        self.assertIn("Call after 6 pm", body)
        self.assertEqual(plan.state, "in_progress")

    def test_social_exchange_is_logged_with_network_link_and_text(self):
        plan = self._plan(channel="social")
        log = self.env["customer.care.plan.log.wizard"].with_user(self.care_user)
        with self.assertRaisesRegex(UserError, "social network"):
            log.create({"plan_id": plan.id, "text": "Thanks!"}).action_confirm()
        log.create(
            {
                "plan_id": plan.id,
                "network": "zalo",
                "link": "https://example.com/post/42",
                "text": "Answered the comment about delivery times",
            }
        ).action_confirm()
        body = plan.message_ids[0].body
        self.assertIn("Social exchange on Zalo", body)
        self.assertIn("https://example.com/post/42", body)
        self.assertIn("Answered the comment about delivery times", body)

    def test_visit_is_scheduled_in_the_calendar_linked_to_the_plan(self):
        self.care_user.tz = "Asia/Ho_Chi_Minh"
        plan = self._plan(channel="visit", date_deadline=date(2031, 5, 6))
        action = plan.action_schedule_visit()
        event = plan.calendar_event_id
        self.assertEqual(action["res_id"], event.id)
        self.assertEqual(event.res_model, "customer.care.plan")
        self.assertEqual(event.res_id, plan.id)
        self.assertEqual(str(event.start), "2031-05-06 03:00:00", "10:00 in Ho Chi Minh City")
        self.assertIn(self.customer, event.partner_ids)
        plan.action_schedule_visit()
        self.assertEqual(plan.calendar_event_id, event, "a second click opens the same visit")

    def test_no_visit_for_a_dropped_customer(self):
        self.customer.sudo().care_state = "dropped"
        plan = self._plan(channel="visit")
        with self.assertRaisesRegex(UserError, "dropped"):
            plan.action_schedule_visit()
        self.assertFalse(plan.calendar_event_id)

    def test_new_care_plan_from_the_partner(self):
        action = self.customer.with_user(self.care_user).action_care_new_plan()
        form = Form(
            self.env["customer.care.plan"].with_user(self.care_user).with_context(action["context"])
        )
        self.assertEqual(len(form.step_ids), 4, "the new form shows the four steps")
        plan = form.save()
        self.assertEqual(plan.partner_id, self.customer)
        self.assertEqual(plan.step_ids.mapped("step"), ["recall", "needs", "answer", "offer"])
        self.assertEqual(plan.user_id, self.care_user)


@tagged("post_install", "-at_install")
class TestCarePlanAccess(CarePlanCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Plan = cls.env["customer.care.plan"]
        cls.own = Plan.create({"partner_id": cls.customer.id, "user_id": cls.care_user.id})
        cls.unassigned = Plan.create({"partner_id": cls.customer.id, "user_id": False})
        cls.others = Plan.create({"partner_id": cls.customer.id, "user_id": cls.other_care_user.id})
        cls.all_plans = cls.own | cls.unassigned | cls.others

    def test_care_user_sees_and_runs_own_and_unassigned_plans_only(self):
        plans = self.env["customer.care.plan"].with_user(self.care_user)
        self.assertEqual(
            plans.search([("id", "in", self.all_plans.ids)]), self.own | self.unassigned
        )
        with self.assertRaises(AccessError):
            self.others.with_user(self.care_user).read(["name"])
        with self.assertRaises(AccessError):
            self.others.step_ids[0].with_user(self.care_user).action_done()
        self.unassigned.with_user(self.care_user).step_ids[0].action_done()
        self.assertEqual(self.unassigned.step_ids[0].state, "done")
        steps = self.env["customer.care.plan.step"].with_user(self.care_user)
        visible_steps = steps.search([("plan_id", "in", self.all_plans.ids)])
        self.assertEqual(visible_steps.plan_id, self.own | self.unassigned)

    def test_care_user_cannot_delete_plans_manager_can(self):
        with self.assertRaises(AccessError):
            self.own.with_user(self.care_user).unlink()
        self.others.with_user(self.care_manager).unlink()
        self.assertFalse(self.others.exists())

    def test_manager_sees_every_plan(self):
        plans = self.env["customer.care.plan"].with_user(self.care_manager)
        self.assertEqual(plans.search([("id", "in", self.all_plans.ids)]), self.all_plans)

    def test_plain_internal_user_is_denied(self):
        plain = new_test_user(self.env, login="plan_plain_user", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["customer.care.plan"].with_user(plain).search([])
        with self.assertRaises(AccessError):
            self.own.with_user(plain).read(["name"])

    def test_portal_user_is_denied(self):
        portal = new_test_user(self.env, login="plan_portal_user", groups="base.group_portal")
        with self.assertRaises(AccessError):
            self.env["customer.care.plan"].with_user(portal).search([])
        with self.assertRaises(AccessError):
            self.env["customer.care.plan.question"].with_user(portal).search([])

    def test_plans_stay_in_their_company(self):
        other_company = self.env["res.company"].create({"name": "Other Care Co"})
        self.care_manager.company_ids = [(4, other_company.id)]
        foreign = self.env["customer.care.plan"].create(
            {"partner_id": self.customer.id, "company_id": other_company.id, "user_id": False}
        )
        plans = self.env["customer.care.plan"].with_user(self.care_manager)
        self.assertNotIn(
            foreign, plans.with_context(allowed_company_ids=[self.env.company.id]).search([])
        )
        self.assertIn(
            foreign,
            plans.with_context(allowed_company_ids=[other_company.id]).search([]),
        )


@tagged("post_install", "-at_install")
class TestCarePlanQueries(CarePlanCase):
    """Screens do not cost one query per plan."""

    def _add_plans(self, count):
        self.env["customer.care.plan"].create(
            [{"partner_id": self.customer.id, "user_id": self.care_user.id}] * count
        )
        self.env.flush_all()
        self.env.invalidate_all()

    @warmup
    def test_partner_plan_count_does_not_grow_with_plans(self):
        partner = self.customer.with_user(self.care_user)
        self._add_plans(1)
        with self.assertQueryCount(2):
            self.assertEqual(partner.web_read({"care_plan_count": {}})[0]["care_plan_count"], 1)
        self._add_plans(9)
        with self.assertQueryCount(2):
            self.assertEqual(partner.web_read({"care_plan_count": {}})[0]["care_plan_count"], 10)

    @warmup
    def test_kanban_read_does_not_grow_with_plans(self):
        plans = self.env["customer.care.plan"].with_user(self.care_user)
        domain = [("partner_id", "=", self.customer.id)]
        self._add_plans(2)
        with self.assertQueryCount(6):
            self.assertEqual(plans.web_search_read(domain, KANBAN_SPEC)["length"], 2)
        self._add_plans(10)
        with self.assertQueryCount(6):
            self.assertEqual(plans.web_search_read(domain, KANBAN_SPEC)["length"], 12)


@tagged("post_install", "-at_install")
class TestCarePlanMessaging(SMSCommon):
    """Email and SMS go through Odoo's gateways (mocked: nothing leaves the machine)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.care_user = new_test_user(
            cls.env,
            login="plan_msg_user",
            name="Cara Carer",
            email="cara@example.com",
            groups=CARE_USER_GROUPS,
        )
        cls.env.company.name = "Bikes & Co"
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Xavier Client",
                "email": "xavier.client@example.com",
                "phone": "+32456010203",
            }
        )
        cls.plan = (
            cls.env["customer.care.plan"]
            .with_user(cls.care_user)
            .create({"partner_id": cls.customer.id, "channel": "email"})
        )

    def _send_email(self):
        action = self.plan.with_user(self.care_user).action_send_email()
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.care_user)
            .with_context(action["context"])
        ).save()
        with self.mock_mail_gateway():
            composer._action_send_mail()

    def test_care_email_greets_the_customer_and_lands_on_the_plan(self):
        self._send_email()
        sent = [mail for mail in self._mails if "xavier.client@example.com" in mail["email_to"][0]]
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["subject"], "A care message from Bikes & Co")
        self.assertIn("Dear Xavier Client", sent[0]["body"])
        self.assertIn("Thank you for your trust in Bikes &amp; Co", sent[0]["body"])
        message = self.plan.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(message.subject, "A care message from Bikes & Co")
        self.assertEqual(message.partner_ids, self.customer)

    def test_care_sms_is_rendered_for_the_customer(self):
        with self.mockSMSGateway():
            self.plan.with_user(self.care_user).action_send_sms()
        self.assertSMSIapSent(["+32456010203"], content="Dear Xavier Client, Bikes & Co")
        message = self.plan.message_ids.filtered(lambda m: m.message_type == "sms")
        self.assertIn("Thank you for your trust", message.body)

    def test_blacklisted_email_is_never_contacted(self):
        self.env["mail.blacklist"].create({"email": "xavier.client@example.com"})
        with self.mock_mail_gateway(), self.assertRaisesRegex(UserError, "opted out of emails"):
            self.plan.with_user(self.care_user).action_send_email()
        self.assertNotSentEmail()

    def test_blacklisted_number_is_never_texted(self):
        self.env["phone.blacklist"].create({"number": "+32456010203"})
        with self.mockSMSGateway(), self.assertRaisesRegex(UserError, "opted out of text"):
            self.plan.with_user(self.care_user).action_send_sms()
        self.assertEqual(self._sms, [])

    def test_dropped_customer_is_never_contacted(self):
        self.customer.care_state = "dropped"
        with self.mock_mail_gateway(), self.assertRaisesRegex(UserError, "dropped"):
            self.plan.with_user(self.care_user).action_send_email()
        with self.mockSMSGateway(), self.assertRaisesRegex(UserError, "dropped"):
            self.plan.with_user(self.care_user).action_send_sms()
        self.assertNotSentEmail()
        self.assertEqual(self._sms, [])
