"""Care rules hold on every write path: RPC, imports and code writing the
ORM directly get the same refusals as the screens (hardening of the care
state, the care steps, the incident clocks and the plan links)."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CareCommon


class WritePathCommon(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._partner("Wanda Writepath", email="wanda@example.com")
        cls.other_customer = cls._partner("Oscar Other", email="oscar@example.com")
        cls.cause = cls.env["customer.care.root.cause"].create({"name": "Write path cause"})

    def _plan(self, state="in_progress", **vals):
        plan = self.env["customer.care.plan"].create(
            {"partner_id": self.customer.id, "user_id": self.care_user.id, **vals}
        )
        plan.state = state
        return plan

    def _incident(self, partner=None, **vals):
        return self.env["customer.care.incident"].create(
            {
                "name": "Write path complaint",
                "partner_id": (partner or self.customer).id,
                "user_id": self.care_user.id,
                **vals,
            }
        )


@tagged("post_install", "-at_install")
class TestCareStateWritePaths(WritePathCommon):
    def test_care_user_cannot_drop_by_writing_the_state(self):
        partner = self.customer.with_user(self.care_user)
        for vals in (
            {"care_state": "dropped"},
            {"care_drop_reason": "no_profit"},
            {"care_drop_note": "Never pays"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, "Drop Customer"):
                partner.write(vals)
        self.assertEqual(self.customer.care_state, "active")
        self.assertFalse(self.customer.care_drop_reason)

    def test_even_a_manager_drops_only_through_the_action(self):
        with self.assertRaisesRegex(AccessError, "Drop Customer"):
            self.customer.with_user(self.care_manager).write({"care_state": "dropped"})
        self.assertEqual(self.customer.care_state, "active")

    def test_care_user_cannot_reinstate_by_writing_the_state(self):
        self.customer.with_user(self.care_manager).action_care_drop("illegal", "Fake invoices")
        with self.assertRaisesRegex(AccessError, "Drop Customer"):
            self.customer.with_user(self.care_user).write(
                {"care_state": "active", "care_drop_reason": False}
            )
        self.assertEqual(self.customer.care_state, "dropped")
        self.assertEqual(self.customer.care_drop_reason, "illegal")

    def test_unchanged_state_in_a_write_goes_through(self):
        # an import or a form saving the current state changes nothing
        self.customer.with_user(self.care_user).write(
            {"care_state": "active", "care_family_note": "Two sons"}
        )
        self.assertEqual(self.customer.care_family_note, "Two sons")

    def test_create_refuses_a_dropped_customer(self):
        Partner = self.env["res.partner"].with_user(self.care_user)
        for vals in (
            {"care_state": "lost"},
            {"care_state": "dropped", "care_drop_reason": "no_profit"},
            {"care_drop_note": "Rude"},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, "Drop Customer"):
                Partner.create({"name": "Imported", **vals})
        created = Partner.create({"name": "Imported", "care_state": "active"})
        self.assertEqual(created.care_state, "active")

    def test_drop_reason_reaches_care_users_only(self):
        # as at a commit: the customer created with tracking disabled in this
        # transaction would have its tracking discarded until then
        self.env.cr.precommit.clear()
        self.customer.with_user(self.care_manager).action_care_drop(
            "unethical", "Asked for a bribe"
        )
        self.env.cr.precommit.run()
        messages = self.customer.message_ids
        self.assertTrue(messages)
        note = self.env.ref("mail.mt_note")
        self.assertEqual(set(messages.subtype_id.ids), {note.id})
        self.assertEqual(messages[0].author_id, self.care_manager.partner_id)
        for message in messages:
            self.assertNotIn("bribe", message.body or "")
        trackings = messages.tracking_value_ids
        care_env = self.env(user=self.care_user)
        seen = trackings._filter_has_field_access(care_env)
        self.assertIn("Asked for a bribe", seen.mapped("new_value_text"))
        # a plain employee reads the customer's chatter, not why it was dropped
        plain_env = self.env(user=self.plain_user)
        self.assertTrue(self.customer.with_user(self.plain_user).message_ids)
        self.assertFalse(trackings._filter_has_field_access(plain_env))


@tagged("post_install", "-at_install")
class TestStepWritePaths(WritePathCommon):
    def test_direct_write_of_a_step_state_is_refused(self):
        plan = self._plan()
        steps = {step.step: step.with_user(self.care_user) for step in plan.step_ids}
        with self.assertRaisesRegex(UserError, "buttons"):
            steps["offer"].write({"state": "done"})
        steps["recall"].action_done()
        for vals in ({"state": "todo"}, {"user_id": self.care_manager.id}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "buttons"):
                steps["recall"].write(vals)
        with self.assertRaisesRegex(UserError, "buttons"):
            steps["needs"].with_user(self.care_manager).write({"state": "skipped"})
        self.assertEqual(
            plan.step_ids.mapped("state"), ["done", "todo", "todo", "todo"]
        )  # recall, needs, answer, offer
        self.assertEqual(plan.step_ids[0].user_id, self.care_user)

    def test_a_step_is_not_created_closed(self):
        plan = self._plan("planned", step_ids=[Command.create({"step": "recall"})])
        with self.assertRaisesRegex(UserError, "buttons"):
            self.env["customer.care.plan.step"].with_user(self.care_user).create(
                {"plan_id": plan.id, "step": "needs", "state": "done"}
            )

    def test_reopen_keeps_the_order(self):
        plan = self._plan()
        steps = {step.step: step.with_user(self.care_user) for step in plan.step_ids}
        steps["recall"].action_done()
        steps["needs"].action_skip("Customer in a hurry")
        with self.assertRaisesRegex(UserError, "Reopen"):
            steps["recall"].action_reopen()
        steps["needs"].action_reopen()
        steps["recall"].action_reopen()
        self.assertEqual(set(plan.step_ids.mapped("state")), {"todo"})


@tagged("post_install", "-at_install")
class TestIncidentWritePaths(WritePathCommon):
    def test_received_in_the_future_is_refused(self):
        future = fields.Datetime.now() + timedelta(hours=2)
        with self.assertRaisesRegex(ValidationError, "future"):
            self._incident(date_received=future)
        incident = self._incident()
        with self.assertRaisesRegex(ValidationError, "future"):
            incident.write({"date_received": future})
        # a clock a minute ahead is still "now"
        incident.write({"date_received": fields.Datetime.now() + timedelta(minutes=1)})

    def test_care_user_cannot_set_the_clocks_or_the_score(self):
        incident = self._incident().with_user(self.care_user)
        now = fields.Datetime.now()
        for vals in (
            {"date_first_response": now},
            {"date_resolved": now},
            {"satisfaction": 5},
        ):
            with self.subTest(vals=vals), self.assertRaisesRegex(AccessError, "care manager"):
                incident.write(vals)
        with self.assertRaisesRegex(AccessError, "care manager"):
            self.env["customer.care.incident"].with_user(self.care_user).create(
                {"name": "Pre-answered", "partner_id": self.customer.id, "satisfaction": 5}
            )
        self.assertFalse(incident.date_first_response)

    def test_the_buttons_still_stop_the_clocks(self):
        incident = self._incident().with_user(self.care_user)
        incident.action_acknowledge()
        self.assertTrue(incident.date_first_response)
        incident.write({"resolution_type": "explanation", "root_cause_id": self.cause.id})
        incident.action_resolve()
        self.assertEqual(incident.state, "resolved")
        self.assertTrue(incident.date_resolved)

    def test_manager_correction_is_traced(self):
        incident = self._incident()
        incident.action_acknowledge()
        before = incident.message_ids
        earlier = incident.date_received + timedelta(minutes=10)
        incident.with_user(self.care_manager).write(
            {"date_first_response": earlier, "satisfaction": 4}
        )
        self.assertEqual(incident.satisfaction, 4)
        logged = incident.message_ids - before
        self.assertEqual(len(logged), 1)
        self.assertEqual(logged.subtype_id, self.env.ref("mail.mt_note"))
        self.assertIn("Satisfaction: 0 → 4", logged.body)
        self.assertIn("First Response:", logged.body)
        self.assertIn("Manny Manager", logged.body)

    def test_survey_path_records_the_score(self):
        incident = self._incident()
        incident.with_user(self.care_user)._record_satisfaction(5, "Great")
        self.assertEqual(incident.satisfaction, 5)


@tagged("post_install", "-at_install")
class TestPlanLinks(WritePathCommon):
    def test_plan_keeps_the_incident_it_came_from(self):
        first = self._incident()
        second = self._incident()
        plan = self._plan(incident_id=first.id)
        with self.assertRaisesRegex(UserError, "came from"):
            plan.with_user(self.care_user).write({"incident_id": second.id})
        with self.assertRaisesRegex(UserError, "came from"):
            plan.with_user(self.care_manager).write({"incident_id": False})
        self.assertEqual(plan.incident_id, first)

    def test_plan_cannot_follow_up_another_customers_incident(self):
        theirs = self._incident(partner=self.other_customer)
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self.env["customer.care.plan"].create(
                {"partner_id": self.customer.id, "incident_id": theirs.id}
            )

    def test_plan_cannot_take_another_customers_opportunity(self):
        lead = self.env["crm.lead"].create(
            {"name": "Oscar's bike", "type": "opportunity", "partner_id": self.other_customer.id}
        )
        plan = self._plan()
        with self.assertRaisesRegex(UserError, "came from"):
            plan.with_user(self.care_user).write({"lead_id": lead.id})
        with self.assertRaises(ValidationError):
            self.env["customer.care.plan"].create(
                {"partner_id": self.customer.id, "lead_id": lead.id}
            )

    def test_plan_refuses_an_incident_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Write path Co B"})
        incident = self._incident(company_id=company_b.id, user_id=False)
        with self.assertRaises(UserError):
            self.env["customer.care.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.env.company.id,
                    "incident_id": incident.id,
                }
            )

    def test_internal_paths_still_link(self):
        # the opportunity from the needs step, as a care user without sales rights
        plan = self._plan()
        needs = plan.step_ids.filtered(lambda s: s.step == "needs").with_user(self.care_user)
        needs.note = "Wants an e-bike"
        needs.needs_note = "Wants an e-bike"
        needs.action_create_opportunity()
        self.assertTrue(plan.lead_id)
        self.assertEqual(plan.lead_id.partner_id, self.customer)
        # the follow-up plan of a resolved incident
        incident = self._incident(channel="phone").with_user(self.care_user)
        incident.action_acknowledge()
        incident.write({"resolution_type": "explanation", "root_cause_id": self.cause.id})
        incident.action_resolve()
        self.assertEqual(incident.followup_plan_id.incident_id, incident)

    def test_open_questions_become_incidents_as_the_care_user(self):
        plan = self._plan()
        steps = {step.step: step.with_user(self.care_user) for step in plan.step_ids}
        steps["recall"].action_done()
        steps["needs"].action_done()
        steps["answer"].question_ids = [
            Command.create(
                {"name": "Child seat?", "date_promised": fields.Date.today() + timedelta(days=2)}
            )
        ]
        steps["answer"].action_done()
        question = steps["answer"].question_ids
        self.assertTrue(question.incident_id)
        self.assertEqual(question.incident_id.create_uid, self.care_user)


@tagged("post_install", "-at_install")
class TestReceivedAndState(WritePathCommon):
    """The date received moves the deadlines and the state follows the
    buttons: neither is a care user's to write."""

    def _breached(self):
        incident = self._incident(date_received=fields.Datetime.now() - timedelta(days=3))
        self.assertEqual(incident.sla_state, "breached")
        return incident

    def test_care_user_cannot_move_the_date_received_back_on_track(self):
        incident = self._breached()
        received = incident.date_received
        mine = incident.with_user(self.care_user)
        for when in (fields.Datetime.now(), received - timedelta(hours=1)):
            with self.subTest(when=when), self.assertRaisesRegex(AccessError, "care manager"):
                mine.write({"date_received": when})
        self.assertEqual(incident.date_received, received)
        self.assertEqual(incident.sla_state, "breached")
        # writing the same value changes nothing and is no correction
        mine.write({"date_received": received, "description": "Called twice"})

    def test_care_user_still_records_when_the_customer_called(self):
        called = fields.Datetime.now() - timedelta(hours=2)
        incident = (
            self.env["customer.care.incident"]
            .with_user(self.care_user)
            .create(
                {"name": "Phoned earlier", "partner_id": self.customer.id, "date_received": called}
            )
        )
        self.assertEqual(incident.date_received, called.replace(microsecond=0))

    def test_manager_correction_of_the_date_received_is_traced(self):
        incident = self._breached()
        before = incident.message_ids
        later = fields.Datetime.now() - timedelta(minutes=10)
        incident.with_user(self.care_manager).write({"date_received": later})
        self.assertEqual(incident.sla_state, "on_track")
        logged = incident.message_ids - before
        self.assertEqual(len(logged), 1)
        self.assertIn("Received:", logged.body)
        self.assertIn("Manny Manager", logged.body)

    def test_received_after_the_first_response_is_refused(self):
        received = fields.Datetime.now() - timedelta(hours=5)
        incident = self._incident(date_received=received)
        manager = incident.with_user(self.care_manager)
        manager.write({"date_first_response": received + timedelta(minutes=10)})
        with self.assertRaisesRegex(ValidationError, "after its first response"):
            manager.write({"date_received": received + timedelta(hours=1)})
        # within a clock's tolerance it still holds
        manager.write({"date_received": received + timedelta(minutes=12)})

    def _resolved(self):
        incident = self._incident(channel="phone").with_user(self.care_user)
        incident.action_acknowledge()
        incident.write({"resolution_type": "explanation", "root_cause_id": self.cause.id})
        incident.action_resolve()
        return incident

    def test_state_is_not_written_by_hand(self):
        incident = self._resolved()
        for user in (self.care_user, self.care_manager):
            for state in ("closed", "followed_up", "new"):
                with (
                    self.subTest(user=user.login, state=state),
                    self.assertRaisesRegex(AccessError, "cannot be set by hand"),
                ):
                    incident.with_user(user).write({"state": state})
        self.assertEqual(incident.state, "resolved")
        fresh = self._incident().with_user(self.care_user)
        with self.assertRaisesRegex(AccessError, "cannot be set by hand"):
            fresh.write({"state": "resolved"})
        self.assertEqual(fresh.state, "new")
        self.assertFalse(fresh.date_resolved)

    def test_incident_is_not_created_in_a_later_state(self):
        Incident = self.env["customer.care.incident"].with_user(self.care_user)
        vals = {"name": "Born closed", "partner_id": self.customer.id}
        with self.assertRaisesRegex(AccessError, "cannot be set by hand"):
            Incident.create({**vals, "state": "closed"})
        with self.assertRaisesRegex(AccessError, "cannot be set by hand"):
            Incident.with_context(default_state="resolved").create(vals)
        self.assertEqual(Incident.create(vals).state, "new")

    def test_the_follow_up_still_moves_the_state(self):
        incident = self._resolved()
        plan = incident.followup_plan_id.with_user(self.care_user)
        plan.action_start()
        for step in plan.step_ids.sorted("sequence"):
            step.action_skip("Follow-up call, nothing to add")
        plan.outcome = "positive"
        plan.action_done()
        self.assertEqual(incident.state, "followed_up")
        incident._record_satisfaction(5, "Fixed")
        self.assertEqual(incident.state, "closed")


@tagged("post_install", "-at_install")
class TestPlanOrigin(WritePathCommon):
    """A plan is tied to an incident or an opportunity by the code that
    makes it only: closing it moves nothing else."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.care_user_b = new_test_user(
            cls.env,
            login="care_user_b",
            name="Bea Other",
            groups="base.group_user,customer_care.group_care_user",
        )

    def _resolved_of(self, user):
        incident = self._incident(channel="phone", user_id=user.id).with_user(user)
        incident.action_acknowledge()
        incident.write({"resolution_type": "explanation", "root_cause_id": self.cause.id})
        incident.action_resolve()
        return incident.sudo()

    def _close(self, plan):
        plan.action_start()
        for step in plan.step_ids.sorted("sequence"):
            step.action_skip("Nothing to add")
        plan.outcome = "positive"
        plan.action_done()

    def test_care_user_cannot_create_a_plan_on_someone_elses_incident(self):
        incident = self._resolved_of(self.care_user_b)
        Plan = self.env["customer.care.plan"].with_user(self.care_user)
        with self.assertRaisesRegex(UserError, "without the incident"):
            Plan.create({"partner_id": self.customer.id, "incident_id": incident.id})
        with self.assertRaisesRegex(UserError, "without the incident"):
            Plan.with_context(default_incident_id=incident.id).create(
                {"partner_id": self.customer.id}
            )
        self.assertEqual(incident.state, "resolved")

    def test_care_user_cannot_create_a_plan_on_an_opportunity(self):
        lead = self.env["crm.lead"].create({"name": "Wanda's lead", "partner_id": self.customer.id})
        with self.assertRaisesRegex(UserError, "without the incident"):
            self.env["customer.care.plan"].with_user(self.care_user).create(
                {"partner_id": self.customer.id, "lead_id": lead.id}
            )

    def test_closing_a_plan_moves_only_the_incident_it_follows_up(self):
        incident = self._resolved_of(self.care_user_b)
        # a stray plan on the incident (made before the guard, or by code)
        stray = self.env["customer.care.plan"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.care_user.id,
                "incident_id": incident.id,
            }
        )
        self._close(stray.with_user(self.care_user))
        self.assertEqual(stray.state, "done")
        self.assertEqual(incident.state, "resolved")
        # the incident's own follow-up does move it
        self._close(incident.followup_plan_id.with_user(self.care_user_b))
        self.assertEqual(incident.state, "followed_up")

    def test_a_plan_cannot_take_an_opportunity_without_customer(self):
        lead = self.env["crm.lead"].create({"name": "Anonymous walk-in"})
        with self.assertRaisesRegex(ValidationError, "another customer"):
            self.env["customer.care.plan"].create(
                {"partner_id": self.customer.id, "lead_id": lead.id}
            )


@tagged("post_install", "-at_install")
class TestRuleNextCall(WritePathCommon):
    def _rule(self):
        return self.env["customer.care.outreach.rule"].create(
            {
                "name": "Next call rule",
                "trigger": "birthday",
                "channel": "email",
                "mail_template_id": self.env.ref("customer_care.mail_template_care_birthday").id,
            }
        )

    def test_manager_sets_the_next_run(self):
        rule = self._rule()
        when = fields.Datetime.now().replace(microsecond=0) + timedelta(days=3)
        rule.with_user(self.care_manager).write({"nextcall": when})
        self.assertEqual(rule.cron_id.nextcall, when)
        self.assertEqual(rule.with_user(self.care_manager).nextcall, when)

    def test_care_user_cannot_set_the_next_run(self):
        rule = self._rule()
        before = rule.cron_id.nextcall
        with self.assertRaises(AccessError):
            rule.with_user(self.care_user).write({"nextcall": before + timedelta(days=3)})
        self.assertEqual(rule.cron_id.nextcall, before)

    def test_other_company_user_is_refused(self):
        company_b = self.env["res.company"].create({"name": "Next call Co B"})
        stranger = new_test_user(
            self.env,
            login="nextcall_stranger",
            groups="base.group_user,customer_care.group_care_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        rule = self._rule()
        with self.assertRaises(AccessError):
            rule.with_user(stranger).write({"nextcall": fields.Datetime.now()})
