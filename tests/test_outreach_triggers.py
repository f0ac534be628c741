"""Outreach trigger kinds are hooks of the rule: each kind of the rule's
selection has its ``_trigger_<kind>``, and a kind an addon adds runs
through the same engine (contacts once per period, plans, figures)."""

import json
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.customer_care.models.customer_care_outreach_trigger import Trigger
from odoo.addons.mail.tests.common import MockEmail

from .test_outreach import NOW, OutreachCommon


@tagged("post_install", "-at_install")
class TestOutreachTriggers(OutreachCommon, MockEmail):
    def test_every_trigger_kind_has_its_hook(self):
        Rule = self.env["customer.care.outreach.rule"]
        kinds = [kind for kind, _label in Rule._fields["trigger"]._description_selection(self.env)]
        self.assertIn("warranty", kinds)
        for kind in kinds:
            with self.subTest(kind=kind):
                self.assertTrue(callable(getattr(Rule, f"_trigger_{kind}", None)))

    @freeze_time(NOW)
    def test_a_trigger_added_by_another_addon_runs_through_the_engine(self):
        """A kind an addon adds (here the customers whose name starts with
        "Zed", once a month): the engine contacts them, plans the contact
        and counts the run, without knowing the kind."""
        zed = self._born("Zed Nguyen", date(1990, 1, 1))
        self._born("Anna Le", date(1990, 1, 1))

        def _trigger_named_zed(rule, today):
            return Trigger(
                conditions=[SQL("p.name LIKE 'Zed%%'")],
                period_key=lambda row, today, local_today: f"zed-{today:%Y-%m}",
            )

        self.rule.create_plan = True
        # the kind is stored as an addon's selection_add would store it
        self.env.cr.execute(
            "UPDATE customer_care_outreach_rule SET trigger = 'named_zed' WHERE id = %s",
            [self.rule.id],
        )
        self.rule.invalidate_recordset(["trigger"])
        Rule = type(self.env["customer.care.outreach.rule"])
        with (
            patch.object(Rule, "_trigger_named_zed", _trigger_named_zed, create=True),
            self.mock_mail_gateway(),
        ):
            run = self._run()
            again = self._run()
        logs = self._logs()
        self.assertEqual(logs.partner_id, zed)
        self.assertEqual(logs.period_key, "zed-2026-06")
        self.assertEqual((run.selected, run.contacted), (1, 1))
        self.assertEqual(logs.plan_id.partner_id, zed)
        self.assertEqual(
            logs.plan_id.step_ids.sorted("sequence").mapped("step"),
            ["recall", "needs", "answer", "offer"],
        )
        self.assertFalse(again, "nobody is contacted twice in the same period")


@tagged("post_install", "-at_install")
class TestOutreachAddressesPersons(OutreachCommon, MockEmail):
    @freeze_time(NOW)
    def test_birthday_and_anniversary_greet_persons_never_a_company(self):
        person = self._born("Lan Pham", date(1990, 6, 15), care_customer_since=date(2020, 6, 15))
        company = self._born(
            "Lumber Inc", date(1990, 6, 15), is_company=True, care_customer_since=date(2020, 6, 15)
        )
        anniversary = self.rule.copy(
            {"name": "Anniversary test", "trigger": "anniversary", "domain": self.only_new}
        )
        with self.mock_mail_gateway():
            self._run()
            self._run(anniversary)
        self.assertEqual(self._logs().partner_id, person)
        self.assertEqual(self._logs(anniversary).partner_id, person)
        self.assertNotIn(company, self._new_mails.recipient_ids)


@tagged("post_install", "-at_install")
class TestRunNowIsReported(OutreachCommon, MockEmail):
    def _notifications(self, user):
        self.env.cr.precommit.run()  # the bus records are written at commit
        messages = (
            self.env["bus.bus"]
            .sudo()
            .search([("channel", "like", f'"res.partner",{user.partner_id.id}]')])
        )
        return [
            json.loads(message.message)["payload"]
            for message in messages
            if json.loads(message.message)["type"] == "simple_notification"
        ]

    @freeze_time(NOW)
    def test_the_manager_who_asked_is_told_when_the_run_finishes(self):
        self._born("Binh Vo", date(1991, 6, 15))
        self._partner("No Mail", birthdate_date=date(1992, 6, 15))
        with self.committing_batches():
            self.rule.with_user(self.care_manager).action_run()
        self.assertEqual(self.rule.run_requested_by_id, self.care_manager)
        self.assertFalse(self._notifications(self.care_manager), "nothing before the run")
        with self.mock_mail_gateway(), self.committing_batches():
            self.rule._cron_run()
        (told,) = self._notifications(self.care_manager)
        self.assertEqual(told["title"], "Outreach run finished")
        self.assertIn("Birthday test", told["message"])
        self.assertIn("2 selected, 1 contacted, 1 skipped, 0 failed", told["message"])
        self.assertFalse(self.rule.run_requested_by_id)
        # the next scheduled run tells nobody
        with self.mock_mail_gateway(), self.committing_batches():
            self.rule._cron_run()
        self.assertEqual(len(self._notifications(self.care_manager)), 1)

    def test_nobody_names_who_asked_for_a_run(self):
        self.rule.with_user(self.care_manager).write(
            {"run_requested_by_id": self.care_user.id, "name": "Renamed"}
        )
        self.assertFalse(self.rule.run_requested_by_id)
        self.assertEqual(self.rule.name, "Renamed")
