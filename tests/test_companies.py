"""Companies stay apart: a shared root cause counts and alerts each
company's customers on their own, where only that company reads them."""

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .test_incident import T0, IncidentCommon, at


@tagged("post_install", "-at_install")
class TestRecurrencePerCompany(IncidentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Second Shop"})
        cls.manager_a = new_test_user(
            cls.env,
            login="manager_a",
            name="Anna A",
            groups="base.group_user,customer_care.group_care_manager",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, cls.company_a.ids)],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="manager_b",
            name="Bao B",
            groups="base.group_user,customer_care.group_care_manager",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.company_a.care_escalation_user_id = cls.manager_a
        cls.company_b.care_escalation_user_id = cls.manager_b
        # a cause shared between the companies
        cls.cause.write({"recurrence_threshold": 2, "recurrence_window_days": 30})
        cls.alert_type = cls.env.ref("customer_care.mail_activity_type_care_recurrence")

    def _hit(self, name, company):
        partner = self._partner(name, company_id=company.id)
        return self.Incident.create(
            {
                "name": "Late parcel",
                "partner_id": partner.id,
                "company_id": company.id,
                "kind": "complaint",
                "root_cause_id": self.cause.id,
            }
        )

    def _alerts(self):
        return (
            self.env["mail.activity"]
            .sudo()
            .search([("activity_type_id", "=", self.alert_type.id)])
            .filtered(lambda a: a.user_id in (self.manager_a | self.manager_b))
        )

    def test_other_company_incidents_neither_count_nor_show(self):
        with freeze_time(T0):
            self._hit("Alice Alpha", self.company_a)
            self._hit("Bruno Beta", self.company_b)
        # one customer each: no company reached the threshold of 2
        self.assertFalse(self._alerts())
        self.assertFalse(self.cause.date_last_alert)
        with freeze_time(at(1)):
            last_b = self._hit("Bich Beta", self.company_b)
        alert = self._alerts()
        self.assertEqual(alert.user_id, self.manager_b)
        # on company B's incident, not on the cause every company reads
        self.assertEqual((alert.res_model, alert.res_id), (last_b._name, last_b.id))
        self.assertIn("Bruno Beta", alert.note)
        self.assertIn("Bich Beta", alert.note)
        self.assertNotIn("Alice Alpha", alert.note)
        self.assertFalse(self.cause.activity_ids)
        for message in self.cause.message_ids:
            self.assertNotIn("Beta", message.body)
        # what company A's manager can read names none of company B's customers
        Message = self.env["mail.message"].with_user(self.manager_a)
        self.assertFalse(Message.search([("body", "ilike", "Bruno Beta")]))
        Activity = self.env["mail.activity"].with_user(self.manager_a)
        self.assertFalse(Activity.search([("note", "ilike", "Bruno Beta")]))
        with freeze_time(at(1)):
            self.assertEqual(self.cause.with_user(self.manager_a).recurrence_customer_count, 1)
        # company A reaches its own threshold with its own customers only
        with freeze_time(at(2)):
            last_a = self._hit("Alan Alpha", self.company_a)
        alert_a = self._alerts().filtered(lambda a: a.user_id == self.manager_a)
        self.assertEqual((alert_a.res_model, alert_a.res_id), (last_a._name, last_a.id))
        self.assertIn("Alice Alpha", alert_a.note)
        self.assertNotIn("Beta", alert_a.note)
        # once per company and window
        with freeze_time(at(3)):
            self._hit("Binh Beta", self.company_b)
        self.assertEqual(len(self._alerts()), 2)

    def test_cause_of_one_company_alerts_on_its_own_chatter(self):
        self.cause.company_id = self.company_b
        with freeze_time(T0):
            self._hit("Bruno Beta", self.company_b)
            self._hit("Bich Beta", self.company_b)
        alert = self.cause.activity_ids
        self.assertEqual(alert.user_id, self.manager_b)
        self.assertIn("Bich Beta", self.cause.message_ids[0].body)
