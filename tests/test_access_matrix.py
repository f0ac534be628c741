"""Who may see and do what: the access matrix of every care model, operation
and role, asserted case by case (data model "Security groups").

The matrix below is the specification: one line per model and operation,
one column per role, ``Y`` allowed, ``N`` refused with an AccessError (for
``fields_get``: the personal fields are absent).  Every record a case acts
on belongs to the first company and, where records have a responsible, to
the care user, so that a refusal comes from the role and not from the
record.  The other-company role is a care *manager* whose only company is
the second one: even a manager never reaches another company's care data.
"""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CareCommon

ROLES = ("care_user", "care_manager", "plain_user", "portal_user", "other_company")

MATRIX = """
model                               operation               care  mgr  plain  portal  other
customer.care.group                 read                    Y     Y    N      N       N
customer.care.group                 create                  N     Y    N      N       N
customer.care.group                 write                   N     Y    N      N       N
customer.care.group                 unlink                  N     Y    N      N       N
customer.care.team                  read                    Y     Y    N      N       N
customer.care.team                  create                  N     Y    N      N       N
customer.care.team                  write                   N     Y    N      N       N
customer.care.team                  unlink                  N     Y    N      N       N
customer.care.hobby                 read                    Y     Y    N      N       Y
customer.care.hobby                 create                  Y     Y    N      N       Y
customer.care.hobby                 write                   Y     Y    N      N       Y
customer.care.hobby                 unlink                  N     Y    N      N       Y
customer.care.point                 read                    Y     Y    N      N       Y
customer.care.point                 create                  Y     Y    N      N       Y
customer.care.point                 write                   Y     Y    N      N       Y
customer.care.point                 unlink                  N     Y    N      N       Y
res.partner[care]                   read                    Y     Y    N      N       N
res.partner[care]                   fields_get              Y     Y    N      N       Y
res.partner[care]                   create                  Y     Y    N      N       N
res.partner[care]                   write                   Y     Y    N      N       N
res.partner[care]                   action_care_drop        N     Y    N      N       N
res.partner[care]                   action_care_reinstate   N     Y    N      N       N
res.partner[care]                   action_care_refresh     Y     Y    N      N       N
customer.care.drop.wizard           action_confirm          N     Y    N      N       N
res.partner[care]                   action_care_export_personal_data N Y N   N       N
res.partner[care]                   action_care_anonymize   N     Y    N      N       N
customer.care.anonymize.wizard      action_confirm          N     Y    N      N       N
customer.care.plan                  read                    Y     Y    N      N       N
customer.care.plan                  read_others             N     Y    N      N       N
customer.care.plan                  create                  Y     Y    N      N       N
customer.care.plan                  write                   Y     Y    N      N       N
customer.care.plan                  unlink                  N     Y    N      N       N
customer.care.plan                  action_plan             Y     Y    N      N       N
customer.care.plan                  action_start            Y     Y    N      N       N
customer.care.plan                  action_done             Y     Y    N      N       N
customer.care.plan                  action_cancel           Y     Y    N      N       N
customer.care.plan                  action_reset_draft      Y     Y    N      N       N
customer.care.plan.log.wizard       action_confirm          Y     Y    N      N       N
customer.care.plan.step             read                    Y     Y    N      N       N
customer.care.plan.step             create                  Y     Y    N      N       N
customer.care.plan.step             write                   Y     Y    N      N       N
customer.care.plan.step             unlink                  N     Y    N      N       N
customer.care.plan.step             action_done             Y     Y    N      N       N
customer.care.plan.step             action_skip             Y     Y    N      N       N
customer.care.plan.step.skip.wizard action_confirm          Y     Y    N      N       N
customer.care.plan.question         read                    Y     Y    N      N       N
customer.care.plan.question         create                  Y     Y    N      N       N
customer.care.plan.question         write                   Y     Y    N      N       N
customer.care.plan.question         unlink                  Y     Y    N      N       N
customer.care.plan.offer            read                    Y     Y    N      N       N
customer.care.plan.offer            create                  Y     Y    N      N       N
customer.care.plan.offer            write                   Y     Y    N      N       N
customer.care.plan.offer            unlink                  Y     Y    N      N       N
customer.care.incident              read                    Y     Y    N      N       N
customer.care.incident              read_others             N     Y    N      N       N
customer.care.incident              create                  Y     Y    N      N       N
customer.care.incident              write                   Y     Y    N      N       N
customer.care.incident              unlink                  N     Y    N      N       N
customer.care.incident              action_assign_to_me     Y     Y    N      N       N
customer.care.incident              action_acknowledge      Y     Y    N      N       N
customer.care.incident              action_start            Y     Y    N      N       N
customer.care.incident              action_resolve          Y     Y    N      N       N
customer.care.incident              action_wait_for_customer Y    Y    N      N       N
customer.care.incident              action_resume_waiting   Y     Y    N      N       N
customer.care.incident              action_request_decline  Y     Y    N      N       N
customer.care.incident              action_approve_decline  N     Y    N      N       N
customer.care.incident              action_reject_decline   N     Y    N      N       N
customer.care.incident              write_state_declined    N     N    N      N       N
customer.care.incident              write_state_undecline   N     N    N      N       N
customer.care.decline.wizard        action_confirm          Y     Y    N      N       N
customer.care.answer                read                    Y     Y    N      N       N
customer.care.answer                create                  Y     Y    N      N       N
customer.care.answer                write                   Y     Y    N      N       N
customer.care.answer                unlink                  N     Y    N      N       N
customer.care.answer                action_approve          N     Y    N      N       N
customer.care.answer                write_answer_approved   N     Y    N      N       N
customer.care.answer                write_answer_usage      N     N    N      N       N
customer.care.answer.use            action_send             Y     Y    N      N       N
customer.care.sla.policy            read                    Y     Y    N      N       N
customer.care.sla.policy            create                  N     Y    N      N       N
customer.care.sla.policy            write                   N     Y    N      N       N
customer.care.sla.policy            unlink                  N     Y    N      N       N
customer.care.root.cause            read                    Y     Y    N      N       N
customer.care.root.cause            create                  Y     Y    N      N       N
customer.care.root.cause            write                   N     Y    N      N       N
customer.care.root.cause            unlink                  N     Y    N      N       N
customer.care.outreach.rule         read                    Y     Y    N      N       N
customer.care.outreach.rule         create                  N     Y    N      N       N
customer.care.outreach.rule         write                   N     Y    N      N       N
customer.care.outreach.rule         unlink                  N     Y    N      N       N
customer.care.outreach.rule         action_run              N     Y    N      N       N
customer.care.outreach.log          read                    Y     Y    N      N       N
customer.care.outreach.log          create                  N     N    N      N       N
customer.care.outreach.log          write                   N     N    N      N       N
customer.care.outreach.log          unlink                  N     N    N      N       N
customer.care.outreach.run          read                    Y     Y    N      N       N
customer.care.outreach.run          create                  N     N    N      N       N
customer.care.outreach.run          write                   N     N    N      N       N
customer.care.outreach.run          unlink                  N     N    N      N       N
customer.care.feedback              read                    Y     Y    N      N       N
customer.care.feedback              create                  Y     Y    N      N       N
customer.care.feedback              write                   Y     Y    N      N       N
customer.care.feedback              unlink                  N     Y    N      N       N
customer.care.consent               read                    Y     Y    N      N       N
customer.care.consent               create                  Y     Y    N      N       N
customer.care.consent               write                   N     N    N      N       N
customer.care.consent               unlink                  N     N    N      N       N
customer.care.consent.wizard        create                  Y     Y    N      N       Y
customer.care.lost.reason           read                    Y     Y    N      N       Y
customer.care.lost.reason           create                  N     Y    N      N       Y
customer.care.lost.reason           write                   N     Y    N      N       Y
customer.care.lost.reason           unlink                  N     Y    N      N       Y
customer.care.lost.reason.wizard    create                  Y     Y    N      N       Y
customer.care.overview              search                  Y     Y    N      N       Y
customer.care.inbox                 search                  Y     Y    N      N       Y
customer.care.top.snapshot          search                  N     Y    N      N       Y
customer.care.report.purchase       search                  N     Y    N      N       Y
customer.care.report.referral       search                  N     Y    N      N       Y
customer.care.report.activity       search                  N     Y    N      N       Y
customer.care.report.point          search                  N     Y    N      N       Y
customer.care.report.value          search                  N     Y    N      N       Y
customer.care.report.complaint      search                  N     Y    N      N       Y
customer.care.report.service        search                  N     Y    N      N       Y
customer.care.facts.run             search                  N     N    N      N       N
res.partner[care]                   write_care_state        N     N    N      N       N
res.partner[care]                   write_care_reinstate    N     N    N      N       N
res.partner[care]                   write_care_drop_reason  N     N    N      N       N
res.partner[care]                   write_care_drop_note    N     N    N      N       N
res.partner[care]                   create_care_dropped     N     N    N      N       N
customer.care.plan.step             write_step_state        N     N    N      N       N
customer.care.plan.step             write_step_closed_by    N     N    N      N       N
customer.care.incident              write_first_response    N     Y    N      N       N
customer.care.incident              write_date_resolved     N     Y    N      N       N
customer.care.incident              write_satisfaction      N     Y    N      N       N
customer.care.plan                  write_plan_incident     N     N    N      N       N
customer.care.plan                  write_plan_lead         N     N    N      N       N
customer.care.outreach.rule         write_nextcall          N     Y    N      N       N
"""


def parse_matrix(text):
    """``[(model, operation, role, allowed)]`` from the grid above."""
    cases = []
    lines = [line.split() for line in text.strip().splitlines()]
    for model, operation, *marks in lines[1:]:
        assert len(marks) == len(ROLES), (model, operation)
        cases += [
            (model, operation, role, mark == "Y") for role, mark in zip(ROLES, marks, strict=True)
        ]
    return cases


CASES = parse_matrix(MATRIX)
# values only an action, the system or a manager sets, written directly
GUARDED_WRITES = {
    "write_care_state",
    "write_care_reinstate",
    "write_care_drop_reason",
    "write_care_drop_note",
    "create_care_dropped",
    "write_step_state",
    "write_step_closed_by",
    "write_first_response",
    "write_date_resolved",
    "write_satisfaction",
    "write_plan_incident",
    "write_plan_lead",
    "write_nextcall",
}
PERSONAL_FIELDS = [
    "birthdate_date",
    "care_age",
    "gender",
    "care_occupation",
    "care_education",
    "care_marital_status",
    "care_children_count",
    "care_family_note",
    "care_hobby_ids",
    "care_life_events",
]


class AccessCommon(CareCommon):
    """Two companies, the five roles and one customer of the first company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Second Care Co"})
        cls.portal_user = new_test_user(
            cls.env, login="care_portal", name="Porta Portal", groups="base.group_portal"
        )
        cls.other_company_user = new_test_user(
            cls.env,
            login="care_other_company",
            name="Bea Elsewhere",
            groups="base.group_user,customer_care.group_care_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.users = {
            "care_user": cls.care_user,
            "care_manager": cls.care_manager,
            "plain_user": cls.plain_user,
            "portal_user": cls.portal_user,
            "other_company": cls.other_company_user,
        }
        cls.hobby = cls.env["customer.care.hobby"].create({"name": "Matrix fishing"})
        cls.customer = cls._partner(
            "Minh Matrix",
            company_id=cls.company.id,
            email="minh.matrix@example.com",
            birthdate_date="1985-04-12",
            gender="male",
            care_occupation="Teacher",
            care_marital_status="married",
            care_children_count=2,
            care_family_note="Two daughters",
            care_hobby_ids=[Command.set(cls.hobby.ids)],
            care_life_events="Moved to Hue in 2020",
        )
        cls.cause = cls.env["customer.care.root.cause"].create(
            {"name": "Matrix cause", "company_id": cls.company.id}
        )
        cls.template = cls.env.ref("customer_care.mail_template_care_checkin")


@tagged("post_install", "-at_install")
class TestAccessMatrix(AccessCommon):
    # -- fixtures, built as superuser inside each case's savepoint ----------
    def _plan(self, state="draft", user=None, **vals):
        plan = self.env["customer.care.plan"].create(
            {
                "partner_id": self.customer.id,
                "user_id": (user or self.care_user).id,
                "company_id": self.company.id,
                **vals,
            }
        )
        if state != "draft":
            plan.state = state
        return plan

    def _step(self, code="recall"):
        return self._plan("in_progress").step_ids.filtered(lambda s: s.step == code)

    def _incident(self, state="new", user=None):
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Matrix complaint",
                "partner_id": self.customer.id,
                "user_id": (user or self.care_user).id,
                "company_id": self.company.id,
            }
        )
        if state in ("acknowledged", "pending_decline", "waiting"):
            incident.action_acknowledge()
        if state == "waiting":
            incident.action_wait_for_customer()
        if state == "pending_decline":
            incident.action_request_decline("We do not sell that model")
        return incident

    def _rule(self):
        return self.env["customer.care.outreach.rule"].create(
            {
                "name": "Matrix rule",
                "trigger": "custom",
                "period": "day",
                "domain": f"[('id', '=', {self.customer.id})]",
                "channel": "email",
                "mail_template_id": self.template.id,
                "company_id": self.company.id,
            }
        )

    def _answer(self, state="draft"):
        answer = self.env["customer.care.answer"].create(
            {
                "name": "Matrix answer",
                "body": "<p>Hello {{customer}}</p>",
                "company_id": self.company.id,
            }
        )
        if state == "approved":
            answer.action_approve()
        return answer

    def _feedback_vals(self):
        return {
            "partner_id": self.customer.id,
            "company_id": self.company.id,
            "source": "hotline",
            "text": "Called to say thanks",
        }

    def _log(self):
        return self.env["customer.care.outreach.log"].create(self._log_vals())

    def _log_vals(self):
        return {
            "rule_id": self._rule().id,
            "partner_id": self.customer.id,
            "period_key": "matrix",
            "company_id": self.company.id,
            "state": "done",
        }

    def _fixtures(self):
        """model: (build a record, values to create one, values to write)."""
        company = self.company.id
        return {
            "customer.care.group": (
                lambda: self.env["customer.care.group"].create(
                    {"name": "Matrix group", "code": "matrix", "company_id": company}
                ),
                lambda: {"name": "New group", "code": "matrix_new", "company_id": company},
                {"cadence_days": 30},
            ),
            "customer.care.team": (
                lambda: self.env["customer.care.team"].create(
                    {"name": "Matrix team", "company_id": company}
                ),
                lambda: {"name": "New team", "company_id": company},
                {"acknowledge": False},
            ),
            "customer.care.hobby": (
                lambda: self.hobby,
                lambda: {"name": "Matrix chess"},
                {"color": 3},
            ),
            "customer.care.point": (
                lambda: self.env["customer.care.point"].create({"name": "Matrix point"}),
                lambda: {"name": "Matrix quick delivery", "kind": "satisfied"},
                {"color": 3},
            ),
            "res.partner[care]": (
                lambda: self.customer,
                lambda: {
                    "name": "New Matrix",
                    "company_id": company,
                    "birthdate_date": "1990-01-01",
                    "care_family_note": "Single",
                },
                {"care_family_note": "Three daughters", "birthdate_date": "1985-04-13"},
            ),
            "customer.care.plan": (
                self._plan,
                lambda: {
                    "partner_id": self.customer.id,
                    "company_id": company,
                    "user_id": self.care_user.id,
                },
                {"outcome_note": "Went well"},
            ),
            "customer.care.plan.step": (
                self._step,
                lambda: {
                    "plan_id": self._plan(
                        "planned", step_ids=[Command.create({"step": "recall"})]
                    ).id,
                    "step": "needs",
                },
                {"note": "Happy with the bike"},
            ),
            "customer.care.plan.question": (
                lambda: self.env["customer.care.plan.question"].create(
                    {"step_id": self._step("answer").id, "name": "Is there a child seat?"}
                ),
                lambda: {"step_id": self._step("answer").id, "name": "Opening hours?"},
                {"answer": "Yes, from May"},
            ),
            "customer.care.plan.offer": (
                lambda: self.env["customer.care.plan.offer"].create(
                    {"step_id": self._step("offer").id, "name": "Winter service"}
                ),
                lambda: {"step_id": self._step("offer").id, "name": "Rain cover"},
                {"reaction": "interested"},
            ),
            "customer.care.incident": (
                self._incident,
                lambda: {
                    "name": "New complaint",
                    "partner_id": self.customer.id,
                    "company_id": company,
                },
                {"name": "Renamed complaint"},
            ),
            "customer.care.answer": (
                self._answer,
                lambda: {"name": "New answer", "body": "<p>Hi</p>", "company_id": company},
                {"keywords": "matrix, hello"},
            ),
            "customer.care.sla.policy": (
                lambda: self.env["customer.care.sla.policy"].create(
                    {"name": "Matrix policy", "company_id": company}
                ),
                lambda: {"name": "New policy", "company_id": company},
                {"response_hours": 2.0},
            ),
            "customer.care.root.cause": (
                lambda: self.cause,
                lambda: {"name": "New cause", "company_id": company},
                {"description": "Late courier"},
            ),
            "customer.care.outreach.rule": (
                self._rule,
                lambda: {
                    "name": "New rule",
                    "trigger": "birthday",
                    "channel": "email",
                    "mail_template_id": self.template.id,
                    "company_id": company,
                },
                {"cooldown_days": 5},
            ),
            "customer.care.outreach.log": (self._log, self._log_vals, {"state": "skipped"}),
            "customer.care.feedback": (
                lambda: self.env["customer.care.feedback"].create(self._feedback_vals()),
                self._feedback_vals,
                {"sentiment": "negative"},
            ),
            "customer.care.lost.reason": (
                lambda: self.env.ref("customer_care.lost_reason_price"),
                lambda: {"name": "Matrix reason"},
                {"name": "Too expensive"},
            ),
            "customer.care.lost.reason.wizard": (
                None,
                lambda: {
                    "partner_ids": [Command.set(self.customer.ids)],
                    "reason_id": self.env.ref("customer_care.lost_reason_price").id,
                },
                None,
            ),
            "customer.care.consent": (
                lambda: self.env["customer.care.consent"].create(self._consent_vals()),
                self._consent_vals,
                {"state": "withdrawn"},
            ),
            "customer.care.consent.wizard": (None, self._consent_wizard_vals, None),
            "customer.care.outreach.run": (
                lambda: self.env["customer.care.outreach.run"].create({"rule_id": self._rule().id}),
                lambda: {"rule_id": self._rule().id},
                {"contacted": 3},
            ),
        }

    def _consent_vals(self):
        return {
            "partner_id": self.customer.id,
            "purpose": "marketing",
            "state": "given",
            "company_id": self.company.id,
        }

    def _consent_wizard_vals(self):
        return {"partner_id": self.customer.id, "purpose": "marketing", "state": "withdrawn"}

    # -- the operations ----------------------------------------------------
    def _wizard(self, user, model, vals):
        return self.env[model].with_user(user).create(vals).action_confirm()

    def _guarded_write(self, operation, user):
        """The write paths (RPC, import, ORM) to the values that only an
        action, the system or a manager sets.  A guard refusing with a
        UserError ("use the buttons") counts as a refusal like an
        AccessError."""
        now = fields.Datetime.now()
        if operation == "write_care_reinstate":
            self.customer.action_care_drop("no_profit", "Only buys at a loss")
        if operation == "create_care_dropped":
            target = self.env["res.partner"].with_user(user)

            def build(vals):
                return target.create({"name": "Matrix import", **vals})

        else:
            record = {
                "write_care_state": lambda: self.customer,
                "write_care_reinstate": lambda: self.customer,
                "write_care_drop_reason": lambda: self.customer,
                "write_care_drop_note": lambda: self.customer,
                "write_step_state": self._step,
                "write_step_closed_by": self._step,
                "write_first_response": self._incident,
                "write_date_resolved": self._incident,
                "write_satisfaction": self._incident,
                "write_plan_incident": lambda: self._plan(incident_id=self._incident().id),
                "write_plan_lead": self._plan,
                "write_nextcall": self._rule,
            }[operation]().with_user(user)
            build = record.write
        vals = {
            "write_care_state": {"care_state": "dropped"},
            "write_care_reinstate": {"care_state": "active", "care_drop_reason": False},
            "write_care_drop_reason": {"care_drop_reason": "illegal"},
            "write_care_drop_note": {"care_drop_note": "Typed over RPC"},
            "create_care_dropped": {"care_state": "dropped", "care_drop_reason": "illegal"},
            "write_step_state": {"state": "done"},
            "write_step_closed_by": {"user_id": self.care_manager.id},
            "write_first_response": {"date_first_response": now},
            "write_date_resolved": {"date_resolved": now},
            "write_satisfaction": {"satisfaction": 4},
            "write_plan_incident": lambda: {"incident_id": self._incident().id},
            "write_plan_lead": lambda: {
                "lead_id": self.env["crm.lead"].create({"name": "Matrix lead"}).id
            },
            "write_nextcall": {"nextcall": now + timedelta(days=2)},
        }[operation]
        try:
            return build(vals() if callable(vals) else vals)
        except AccessError:
            raise
        except UserError as error:
            raise AccessError(str(error)) from error

    def _action(self, model, operation, user):
        """The action methods that change state, each on a record ready for it."""
        if operation in GUARDED_WRITES:
            return self._guarded_write(operation, user)
        partner = self.customer.with_user(user)
        if operation == "fields_get":
            if not set(PERSONAL_FIELDS) <= set(partner.fields_get(PERSONAL_FIELDS)):
                raise AccessError("personal fields hidden")
            return
        if operation == "search" and model != "res.partner[care]":
            self.env[model].with_user(user).search_count([])
            return
        if operation == "search":
            found = partner.search([("birthdate_date", "=", "1985-04-12")])
            if self.customer not in found:
                raise AccessError("customer not found")
            return
        if operation == "action_care_drop":
            return partner.action_care_drop("no_profit", "Only buys at a loss")
        if operation == "action_care_reinstate":
            self.customer.action_care_drop("no_profit", "Only buys at a loss")
            return partner.action_care_reinstate()
        if operation == "action_care_refresh":
            return partner.action_care_refresh()
        if operation == "action_care_export_personal_data":
            return partner.action_care_export_personal_data()
        if operation == "action_care_anonymize":
            return partner.action_care_anonymize("Asked by email")
        if model == "customer.care.anonymize.wizard":
            vals = {"partner_ids": [Command.set(self.customer.ids)], "reason": "Asked by email"}
            return self._wizard(user, model, vals)
        if model == "customer.care.drop.wizard":
            vals = {"partner_ids": [Command.set(self.customer.ids)], "reason": "illegal"}
            return self._wizard(user, model, {**vals, "note": "Asked for fake invoices"})
        if model == "customer.care.plan":
            if operation == "read_others":
                return self._plan(user=self.care_manager).with_user(user).read(["name"])
            state = {
                "action_plan": "draft",
                "action_start": "planned",
                "action_reset_draft": "cancelled",
            }.get(operation)
            plan = self._plan(state or "in_progress")
            if operation == "action_done":
                plan.step_ids.write({"state": "done"})
                plan.outcome = "positive"
            return getattr(plan.with_user(user), operation)()
        if model == "customer.care.plan.log.wizard":
            vals = {"plan_id": self._plan("planned").id, "call_result": "reached"}
            return self._wizard(user, model, {**vals, "text": "Called, all fine"})
        if model == "customer.care.plan.step":
            step = self._step().with_user(user)
            if operation == "action_skip":
                return step.action_skip("Customer in a hurry")
            return step.action_done()
        if model == "customer.care.plan.step.skip.wizard":
            vals = {"step_id": self._step().id, "reason": "Customer in a hurry"}
            return self._wizard(user, model, vals)
        if model == "customer.care.incident":
            if operation == "read_others":
                return self._incident(user=self.care_manager).with_user(user).read(["name"])
            state = {
                "action_acknowledge": "new",
                "action_start": "new",
                "action_approve_decline": "pending_decline",
                "action_reject_decline": "pending_decline",
                "write_state_undecline": "pending_decline",
                "action_resume_waiting": "waiting",
            }.get(operation, "acknowledged")
            incident = self._incident(state)
            if operation == "action_resolve":
                incident.write({"resolution_type": "explanation", "root_cause_id": self.cause.id})
            if operation == "action_assign_to_me":
                incident.user_id = False
            mine = incident.with_user(user)
            if operation == "action_request_decline":
                return mine.action_request_decline("Not something we sell")
            if operation == "write_state_declined":
                return mine.write({"state": "declined", "decline_reason": "No"})
            if operation == "write_state_undecline":
                return mine.write({"state": "in_progress"})
            return getattr(mine, operation)()
        if model == "customer.care.decline.wizard":
            vals = {
                "incident_ids": [Command.set(self._incident("acknowledged").ids)],
                "reason": "Outside our trade",
            }
            return self._wizard(user, model, vals)
        if model == "customer.care.answer":
            if operation == "action_approve":
                return self._answer().with_user(user).action_approve()
            if operation == "write_answer_approved":
                return self._answer("approved").with_user(user).write({"body": "<p>Changed</p>"})
            if operation == "write_answer_usage":
                return self._answer("approved").with_user(user).write({"usage_count": 99})
        if model == "customer.care.answer.use":
            vals = {"incident_id": self._incident().id, "answer_id": self._answer("approved").id}
            return self.env[model].with_user(user).create(vals).action_send()
        if model == "customer.care.outreach.rule":
            rule = self._rule().with_user(user)
            self.env.flush_all()
            with self.committing_batches():
                return rule.action_run()
        raise AssertionError(f"no operation {operation} on {model}")

    def _perform(self, model, operation, user):
        build, create_vals, write_vals = self._fixtures().get(model, (None, None, None))
        env_model = model.split("[")[0]
        if operation == "read":
            fields = PERSONAL_FIELDS if env_model == "res.partner" else ["display_name"]
            build().with_user(user).read(fields)
        elif operation == "create":
            self.env[env_model].with_user(user).create(create_vals())
        elif operation == "write":
            build().with_user(user).write(write_vals)
        elif operation == "unlink":
            build().with_user(user).unlink()
        else:
            self._action(model, operation, user)
        self.env.flush_all()

    def _try_case(self, model, operation, user):
        """``(True, None)`` when the operation went through, ``(False, error)``
        when it was refused; whatever it did is rolled back."""
        savepoint = self.env.cr.savepoint()
        try:
            self._perform(model, operation, user)
            return True, None
        except AccessError as error:
            return False, error
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)

    def test_access_matrix(self):
        print(f"access matrix: {len(CASES)} model x operation x role cases")
        for model, operation, role, allowed in CASES:
            with self.subTest(model=model, operation=operation, role=role):
                outcome, error = self._try_case(model, operation, self.users[role])
                self.assertEqual(
                    outcome,
                    allowed,
                    f"{role} {'should' if allowed else 'must not'} {operation} {model}: {error}",
                )

    def test_every_care_model_is_in_the_matrix(self):
        models = {
            name
            for name in self.env.registry
            if name.startswith("customer.care.")
            and not self.env[name]._abstract
            # the chat app bridge (not auto-installed) has its own matrix:
            # tests/messaging/test_access_messaging.py
            and not name.startswith("customer.care.messaging.")
        }
        covered = {model for model, *_rest in CASES}
        self.assertEqual(models - covered, set())
