"""Personal data, manager-only actions over real RPC, and companies kept
apart (data model "Security groups"; brief §1, §5, §8)."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.mail.tests.common import MockEmail

from .common import CareCommon
from .test_access_matrix import PERSONAL_FIELDS, AccessCommon

CARE_GROUPS = {"customer_care.group_care_user", "customer_care.group_care_manager"}
ACCESS_ERROR = "odoo.exceptions.AccessError"


@tagged("post_install", "-at_install")
class TestPersonalData(AccessCommon):
    def test_every_care_field_of_the_partner_is_for_care_groups_only(self):
        partner_fields = self.env["res.partner"]._fields
        care_fields = [
            name
            for name in partner_fields
            if name.startswith("care_") or name in ("birthdate_date", "gender")
        ]
        self.assertGreaterEqual(len(care_fields), 30)
        for name in care_fields:
            with self.subTest(field=name):
                groups = set((partner_fields[name].groups or "").split(","))
                self.assertTrue(groups and groups <= CARE_GROUPS, f"{name}: {groups}")

    def test_portal_user_reads_none_of_them_not_even_on_itself(self):
        own = self.portal_user.partner_id
        own.write({"birthdate_date": date(1990, 5, 1), "care_family_note": "Private"})
        for record in (own, self.customer):
            for name in PERSONAL_FIELDS:
                with (
                    self.subTest(partner=record.name, field=name),
                    self.assertRaises(AccessError),
                ):
                    record.with_user(self.portal_user).read([name])
        visible = own.with_user(self.portal_user).fields_get()
        self.assertFalse(set(PERSONAL_FIELDS) & set(visible))
        # nor through a search that would reveal them one guess at a time
        with self.assertRaises(AccessError):
            own.with_user(self.portal_user).search([("birthdate_date", "=", "1990-05-01")])

    def test_portal_forms_cannot_write_them(self):
        writable = self.env["res.partner"]._get_frontend_writable_fields()
        self.assertFalse(writable & (set(PERSONAL_FIELDS) | {"care_state", "care_group_id"}))


@tagged("post_install", "-at_install")
class TestPortalPages(HttpCase, AccessCommon):
    def test_my_account_page_shows_no_personal_data(self):
        own = self.portal_user.partner_id
        own.write(
            {
                "birthdate_date": date(1979, 11, 23),
                "care_family_note": "Secret family note",
                "care_life_events": "Secret life event",
                "care_occupation": "Secret occupation",
            }
        )
        self.authenticate(self.portal_user.login, self.portal_user.login)
        for url in ("/my", "/my/account", "/my/addresses"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                for secret in ("1979-11-23", "11/23/1979", "Secret"):
                    self.assertNotIn(secret, response.text)

    def test_address_form_ignores_personal_fields(self):
        own = self.portal_user.partner_id
        own.write({"birthdate_date": date(1979, 11, 23), "country_id": self.env.ref("base.vn").id})
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.url_open(
            "/my/address/submit",
            data={
                "csrf_token": Request.csrf_token(self),
                "partner_id": own.id,
                "name": own.name,
                "email": "porta@example.com",
                "phone": "+84 912 345 678",
                "street": "1 Le Loi",
                "city": "Hue",
                "country_id": self.env.ref("base.vn").id,
                "birthdate_date": "2001-01-01",
                "care_family_note": "Injected",
                "care_state": "dropped",
            },
        )
        self.env.invalidate_all()
        self.assertEqual(own.birthdate_date, date(1979, 11, 23))
        self.assertFalse(own.care_family_note)
        self.assertEqual(own.care_state, "active")


@tagged("post_install", "-at_install")
class TestManagerActionsOverRpc(HttpCase, AccessCommon):
    """Manager-only actions called as a care user through the web client's
    JSON-RPC endpoint, with a real authenticated session."""

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def _refused(self, model, method, args, kwargs=None):
        with self.assertRaises(JsonRpcException) as caught:
            self._call(model, method, args, kwargs)
        return str(caught.exception)

    def test_care_user_is_refused_every_manager_action(self):
        incident = self.env["customer.care.incident"].create(
            {"name": "RPC complaint", "partner_id": self.customer.id, "user_id": self.care_user.id}
        )
        incident.action_acknowledge()
        incident.action_request_decline("Not our trade")
        policy = self.env["customer.care.sla.policy"].create({"name": "RPC policy"})
        rule = self.env["customer.care.outreach.rule"].create(
            {
                "name": "RPC rule",
                "trigger": "custom",
                "channel": "email",
                "mail_template_id": self.template.id,
            }
        )
        group = self.env.ref("customer_care.care_group_vip")
        self.authenticate(self.care_user.login, self.care_user.login)
        refusals = {
            "approve decline": ("customer.care.incident", "action_approve_decline", [incident.id]),
            "reject decline": ("customer.care.incident", "action_reject_decline", [incident.id]),
            "undecline by write": (
                "customer.care.incident",
                "write",
                [incident.id, {"state": "in_progress"}],
            ),
            "drop customer": (
                "res.partner",
                "action_care_drop",
                [self.customer.id, "no_profit", "No margin"],
            ),
            "reinstate customer": ("res.partner", "action_care_reinstate", [self.customer.id]),
            "edit SLA policy": (
                "customer.care.sla.policy",
                "write",
                [policy.id, {"response_hours": 48}],
            ),
            "create SLA policy": ("customer.care.sla.policy", "create", [{"name": "Mine"}]),
            "edit outreach rule": (
                "customer.care.outreach.rule",
                "write",
                [rule.id, {"domain": "[]", "cooldown_days": 0}],
            ),
            "run outreach rule": ("customer.care.outreach.rule", "action_run", [rule.id]),
            "edit care group": (
                "customer.care.group",
                "write",
                [group.id, {"cadence_days": 1}],
            ),
        }
        for action, (model, method, args) in refusals.items():
            with self.subTest(action=action):
                self.assertEqual(self._refused(model, method, args), ACCESS_ERROR)
        # the engine's private entry points are not callable over RPC at all
        for model, method, args in (
            ("customer.care.outreach.rule", "_run", [[rule.id]]),
            ("customer.care.facts", "_cron_refresh_facts", []),
            ("customer.care.incident", "_cron_check_sla", []),
        ):
            with self.subTest(method=method):
                # refused as private before the arguments are even read
                self.assertEqual(self._refused(model, method, args), ACCESS_ERROR)
        self.env.invalidate_all()
        self.assertEqual(incident.state, "pending_decline")
        self.assertEqual(self.customer.care_state, "active")
        self.assertEqual(policy.response_hours, 1.0)
        self.assertEqual(rule.domain, "[]")
        self.assertFalse(rule.run_ids)

        # the same call as a care manager goes through
        self.authenticate(self.care_manager.login, self.care_manager.login)
        self._call("customer.care.incident", "action_approve_decline", [incident.id])
        self.env.invalidate_all()
        self.assertEqual(incident.state, "declined")


@tagged("post_install", "-at_install")
class TestCompaniesApart(CareCommon, MockEmail):
    """Two companies, each with its own care user, policy and rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_a.partner_id.tz = "UTC"
        cls.company_b = cls.env["res.company"].create({"name": "Care Co B"})
        cls.company_b.partner_id.tz = "UTC"
        cls.user_b = new_test_user(
            cls.env,
            login="care_user_b",
            name="Bao B",
            groups="base.group_user,customer_care.group_care_user",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="care_manager_b",
            name="Binh Manager B",
            groups="base.group_user,customer_care.group_care_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.customer_a = cls._partner(
            "MC Anh", company_id=cls.company_a.id, email="anh@a.example.com"
        )
        cls.customer_b = cls._partner(
            "MC Bich", company_id=cls.company_b.id, email="bich@b.example.com"
        )
        cls.shared = cls._partner("MC Shared", email="shared@example.com")
        template = cls.env.ref("customer_care.mail_template_care_checkin")
        Rule = cls.env["customer.care.outreach.rule"]
        cls.rules = {
            company: Rule.with_company(company).create(
                {
                    "name": f"Check-in {company.name}",
                    "trigger": "custom",
                    "period": "day",
                    "domain": "[('name', '=like', 'MC %')]",
                    "channel": "email",
                    "mail_template_id": template.id,
                    "company_id": company.id,
                }
            )
            for company in (cls.company_a, cls.company_b)
        }

    def _run(self, rule):
        with self.committing_batches():
            return rule._run()

    def test_each_rule_contacts_its_own_company_only(self):
        with self.mock_mail_gateway():
            for rule in self.rules.values():
                self._run(rule)
        logs = self.env["customer.care.outreach.log"].search(
            [("rule_id", "in", [r.id for r in self.rules.values()])]
        )
        contacted = {(log.rule_id.company_id, log.partner_id) for log in logs}
        self.assertEqual(
            contacted,
            {
                (self.company_a, self.customer_a),
                (self.company_a, self.shared),
                (self.company_b, self.customer_b),
                (self.company_b, self.shared),
            },
        )

    def test_a_care_user_sees_nothing_of_the_other_company(self):
        with self.mock_mail_gateway():
            self._run(self.rules[self.company_a])
        plan = self.env["customer.care.plan"].create(
            {"partner_id": self.customer_a.id, "user_id": False}
        )
        incident = self.env["customer.care.incident"].create(
            {"name": "A's complaint", "partner_id": self.customer_a.id, "user_id": False}
        )
        policy = self.env["customer.care.sla.policy"].create(
            {"name": "A only", "company_id": self.company_a.id}
        )
        group = self.env["customer.care.group"].create(
            {"name": "A only", "code": "a_only", "company_id": self.company_a.id}
        )
        records = {
            "customer.care.plan": plan,
            "customer.care.plan.step": plan.step_ids,
            "customer.care.incident": incident,
            "customer.care.sla.policy": policy,
            "customer.care.group": group,
            "customer.care.outreach.rule": self.rules[self.company_a],
            "customer.care.outreach.log": self.rules[self.company_a].log_ids,
            "customer.care.outreach.run": self.rules[self.company_a].run_ids,
            "res.partner": self.customer_a,
        }
        for model, record in records.items():
            with self.subTest(model=model):
                self.assertTrue(record)
                as_b = self.env[model].with_user(self.user_b)
                self.assertFalse(as_b.search([("id", "in", record.ids)]))
                with self.assertRaises(AccessError):
                    record.with_user(self.user_b).read(["display_name"])
        # while the user of the first company does see them (unassigned plan,
        # incident)
        self.assertEqual(
            self.env["customer.care.incident"]
            .with_user(self.care_user)
            .search([("id", "=", incident.id)]),
            incident,
        )

    def test_sla_check_uses_each_companys_policy(self):
        Policy = self.env["customer.care.sla.policy"]
        Policy.search([]).write({"active": False})
        policy_a = Policy.create(
            {
                "name": "A: one hour",
                "company_id": self.company_a.id,
                "response_hours": 1,
                "escalation_user_id": self.care_manager.id,
            }
        )
        policy_b = Policy.create(
            {
                "name": "B: three hours",
                "company_id": self.company_b.id,
                "response_hours": 3,
                "escalation_user_id": self.manager_b.id,
            }
        )
        start = datetime(2026, 3, 2, 8, 0)
        Incident = self.env["customer.care.incident"]
        with freeze_time(start):
            incident_a = Incident.create(
                {"name": "A late", "partner_id": self.customer_a.id, "user_id": False}
            )
            incident_b = Incident.with_company(self.company_b).create(
                {
                    "name": "B late",
                    "partner_id": self.customer_b.id,
                    "company_id": self.company_b.id,
                    "user_id": False,
                }
            )
        self.assertEqual(incident_a.sla_policy_id, policy_a)
        self.assertEqual(incident_b.sla_policy_id, policy_b)
        self.assertEqual(incident_a.response_deadline, start + timedelta(hours=1))
        self.assertEqual(incident_b.response_deadline, start + timedelta(hours=3))
        for hours, state_a, state_b in ((2, "breached", "on_track"), (4, "breached", "breached")):
            with freeze_time(start + timedelta(hours=hours)):
                Incident._sla_check_due()
            self.assertEqual((incident_a.sla_state, incident_b.sla_state), (state_a, state_b))
        self.assertEqual(incident_a.activity_ids.user_id, self.care_manager)
        self.assertEqual(incident_b.activity_ids.user_id, self.manager_b)
