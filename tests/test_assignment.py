"""Work goes only to those who can take it: active internal care users of
the record's company, else the documented fallback (brief §3, §5, §6)."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo import SUPERUSER_ID
from odoo.tests import new_test_user, tagged

from odoo.addons.customer_care.logic import outreach

from .test_incident import T0, IncidentCommon, at
from .test_incident_followup import RESOLVED
from .test_outreach import OutreachCommon

CARE = "base.group_user,customer_care.group_care_user"


class AssignmentWorld:
    @classmethod
    def _world(cls):
        cls.other_company = cls.env["res.company"].create({"name": "Other Care Co"})
        cls.gone = new_test_user(cls.env, login="care_gone", name="Gone Carer", groups=CARE)
        cls.gone.active = False
        cls.elsewhere = new_test_user(
            cls.env,
            login="care_elsewhere",
            name="Else Where",
            groups=CARE,
            company_id=cls.other_company.id,
            company_ids=[(6, 0, cls.other_company.ids)],
        )


@tagged("post_install", "-at_install")
class TestAssignRule(AssignmentWorld, IncidentCommon):
    def test_pure_rule_passes_over_users_who_cannot_take_the_work(self):
        eligible = {12, 14}
        self.assertEqual(outreach.assign("care_responsible", 5, 12, [], eligible=eligible), (12, 0))
        self.assertEqual(
            outreach.assign("care_responsible", 5, 6, [11, 12, 13, 14], 1, eligible=eligible),
            (14, 2),
        )
        self.assertEqual(outreach.assign("salesperson", 5, 6, [11], eligible=eligible), (None, 0))

    def test_eligible_users_are_read_in_one_query(self):
        self._world()
        users = self.care_user | self.care_manager | self.plain_user | self.gone | self.elsewhere
        companies = self.env.company | self.other_company
        companies._care_assignable(self.care_user)  # the groups implying care user, cached
        self.env.flush_all()
        with self.assertQueryCount(1):
            pairs = companies._care_assignable(users)
        self.assertEqual(
            pairs,
            {
                (self.care_user.id, self.env.company.id),
                (self.care_manager.id, self.env.company.id),
                (self.elsewhere.id, self.other_company.id),
            },
        )

    def test_escalation_passes_over_archived_and_foreign_managers(self):
        self._world()
        self.policy.escalation_user_id = self.gone
        self.env.company.care_escalation_user_id = self.elsewhere
        with freeze_time(T0):
            incident = self._incident()
        with freeze_time(at(1, 0)):
            self.Incident._sla_check_due()
        # neither the archived manager nor a user of another company: the
        # company's first care manager
        first = self.env.company._care_first_manager()
        self.assertTrue(first)
        self.assertEqual(self._escalations(incident).user_id, first)

    def test_escalation_passes_over_a_user_who_is_no_care_user(self):
        self.policy.escalation_user_id = self.plain_user
        self.env.company.care_escalation_user_id = self.senior
        with freeze_time(T0):
            incident = self._incident()
        with freeze_time(at(1, 0)):
            self.Incident._sla_check_due()
        self.assertEqual(self._escalations(incident).user_id, self.senior)

    def test_check_back_goes_to_an_active_care_user_of_the_company(self):
        self._world()
        self.env.company.care_escalation_user_id = self.senior
        with freeze_time(RESOLVED):
            incident = self._incident(
                channel="phone",
                resolution_type="instant",
                root_cause_id=self.cause.id,
                user_id=self.care_user.id,
            )
            incident.action_resolve()
        plan = incident.followup_plan_id
        with freeze_time(datetime(2026, 3, 3, 9, 0)):
            self._complete(plan)
        # the handler left, the plan's responsible works for another company
        incident.user_id.active = False
        plan.user_id = self.elsewhere
        with freeze_time(datetime(2026, 3, 7, 9, 0)):
            self.assertEqual(self.Incident._cron_check_back(), 1)
        calls = incident.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(calls.user_id, self.senior)


@tagged("post_install", "-at_install")
class TestOutreachAssignment(AssignmentWorld, OutreachCommon):
    @freeze_time("2026-06-15 09:00:00")
    def test_outreach_plans_go_only_to_care_users_of_the_company(self):
        self._world()
        since = date(2016, 6, 15)
        gone_carer = self._partner("Left", care_customer_since=since, care_user_id=self.gone.id)
        foreign = self._partner(
            "Foreign", care_customer_since=since, care_user_id=self.elsewhere.id
        )
        plain = self._partner("Plain", care_customer_since=since, user_id=self.plain_user.id)
        rule = self.env.ref("customer_care.outreach_rule_tenure")
        ids = [gone_carer.id, foreign.id, plain.id]
        rule.write(
            {
                "active": True,
                "domain": f"[('id', 'in', {ids})]",
                "assign_policy": "care_responsible",
                # the archived user and the foreign user are skipped in turn
                "team_user_ids": [(6, 0, [self.gone.id, self.care_user.id, self.elsewhere.id])],
            }
        )
        self._run(rule)
        plans = self._logs(rule).plan_id
        self.assertEqual(len(plans), 3)
        self.assertEqual(set(plans.user_id.ids), {self.care_user.id})
        for plan in plans:
            self.assertEqual(plan.step_ids.mapped("step"), ["recall", "needs", "answer", "offer"])
            self.assertEqual(set(plan.step_ids.mapped("state")), {"todo"})
            self.assertEqual(plan.step_ids.company_id, plan.company_id)
            self.assertEqual(plan.current_step, "recall")

    @freeze_time("2026-06-15 09:00:00")
    def test_nobody_eligible_leaves_the_plan_unassigned(self):
        self._world()
        partner = self._partner(
            "Lonely", care_customer_since=date(2016, 6, 15), care_user_id=self.gone.id
        )
        rule = self.env.ref("customer_care.outreach_rule_tenure")
        rule.write(
            {
                "active": True,
                "domain": f"[('id', 'in', {[partner.id]})]",
                "team_user_ids": [(6, 0, [self.elsewhere.id])],
            }
        )
        self._run(rule)
        plan = self._logs(rule).plan_id
        self.assertEqual(len(plan), 1)
        self.assertFalse(plan.user_id)


@tagged("post_install", "-at_install")
class TestFollowupAndReplyAssignment(AssignmentWorld, IncidentCommon):
    """Follow-up plans, win-back plans and reply to-dos go to care users of
    the company, else stay unassigned (open to every care user): never to
    OdooBot, a warehouse user or an accountant who happened to trigger them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._world()

    def _exchange(self, **vals):
        with freeze_time(RESOLVED):
            incident = self._incident(
                channel="phone",
                resolution_type="exchange",
                root_cause_id=self.cause.id,
                **vals,
            )
            incident.action_resolve()
        self.assertTrue(incident.waiting_delivery)
        return incident

    def _assert_open_to_care_users(self, plan):
        self.assertTrue(plan)
        self.assertFalse(plan.user_id)
        Plan = self.env["customer.care.plan"]
        for user in (self.care_user, self.other_user):
            with self.subTest(user=user.login):
                self.assertEqual(Plan.with_user(user).search([("id", "=", plan.id)]), plan)

    def test_received_from_the_portal_does_not_give_the_plan_to_odoobot(self):
        incident = self._exchange(user_id=False)
        # the portal's "I received it" runs on the record as superuser
        incident.with_user(SUPERUSER_ID).action_confirm_received()
        self._assert_open_to_care_users(incident.followup_plan_id)

    def test_delivery_validated_by_a_warehouse_user_leaves_the_plan_unassigned(self):
        incident = self._exchange(user_id=False)
        incident.date_customer_received = RESOLVED
        # the delivery hook: the incidents found as superuser, the user kept
        incident.with_user(self.plain_user).sudo()._confirm_deliveries()
        self._assert_open_to_care_users(incident.followup_plan_id)
        self.assertNotIn(self.plain_user.partner_id, incident.followup_plan_id.message_partner_ids)

    def test_refund_paid_by_an_accountant_leaves_the_plan_unassigned(self):
        accountant = new_test_user(
            self.env,
            login="care_accountant",
            groups="base.group_user,account.group_account_manager",
        )
        with freeze_time(RESOLVED):
            incident = self._incident(
                channel="email", resolution_type="refund", root_cause_id=self.cause.id
            )
            incident.action_resolve()
        refund = self._posted_refund()
        incident.refund_move_id = refund
        self.env["account.payment.register"].with_user(accountant).with_context(
            active_model="account.move", active_ids=refund.ids
        ).create({})._create_payments()
        self._assert_open_to_care_users(incident.followup_plan_id)

    def test_scheduled_check_leaves_the_plan_unassigned(self):
        incident = self._exchange(user_id=self.gone.id)
        incident.write(
            {
                "date_customer_received": RESOLVED,
                "replacement_order_id": self._order(self.customer).id,
            }
        )
        self.Incident._cron_check_back()
        self._assert_open_to_care_users(incident.followup_plan_id)

    def test_follow_up_goes_to_the_handler_else_the_resolver(self):
        mine = self._incident(
            channel="phone",
            user_id=self.care_user.id,
            resolution_type="instant",
            root_cause_id=self.cause.id,
        )
        mine.with_user(self.care_manager).action_resolve()
        self.assertEqual(mine.followup_plan_id.user_id, self.care_user)
        # the handler left: the care user who resolves it follows it up
        left = self._incident(
            channel="phone",
            user_id=self.gone.id,
            resolution_type="instant",
            root_cause_id=self.cause.id,
        )
        left.with_user(self.care_manager).action_resolve()
        self.assertEqual(left.followup_plan_id.user_id, self.care_manager)

    def test_win_back_plan_skips_who_cannot_take_it(self):
        lost = self._partner("Lost on us", care_user_id=self.plain_user.id, user_id=self.gone.id)
        action = lost.with_user(self.care_user).action_care_create_win_back()
        plan = self.env["customer.care.plan"].search(action["domain"])
        self.assertEqual(plan.user_id, self.care_user)
        # nobody who can take it (the superuser clicking): unassigned
        other = self._partner("Lost too", care_user_id=self.elsewhere.id)
        action = other.with_user(SUPERUSER_ID).action_care_create_win_back()
        self._assert_open_to_care_users(self.env["customer.care.plan"].search(action["domain"]))

    def test_customer_reply_goes_to_a_care_member_of_the_team(self):
        team = self.env["customer.care.team"].create(
            {
                "name": "Reply team",
                "member_ids": [(6, 0, [self.plain_user.id, self.other_user.id])],
            }
        )
        incident = self._incident(
            channel="email",
            user_id=self.gone.id,
            team_id=team.id,
            resolution_type="instant",
            root_cause_id=self.cause.id,
        )
        incident.action_resolve()
        incident._reopen_on_reply()
        todo = incident.activity_ids.filtered(lambda a: "replied" in (a.summary or ""))
        self.assertEqual(todo.user_id, self.other_user)
        # nobody who can take it: no to-do at all
        team.member_ids = self.plain_user
        incident.action_resolve()
        incident.activity_ids.unlink()
        incident._reopen_on_reply()
        self.assertEqual(incident.state, "in_progress")
        self.assertFalse(incident.activity_ids)
