"""Measuring care, incident side: complaint rate, satisfaction, overview
tiles (brief §6)."""

from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care.logic import kpi

from .test_incident import IncidentCommon


@tagged("post_install", "-at_install")
class TestIncidentKpiRules(BaseCase):
    def test_satisfaction_trend(self):
        self.assertEqual(kpi.satisfaction_trend(3.5, 4.0), "up")
        self.assertEqual(kpi.satisfaction_trend(4.0, 3.5), "down")
        self.assertEqual(kpi.satisfaction_trend(4.0, 4.1), "flat")
        # an empty window says nothing: neither a score of 0 nor a steady trend
        self.assertEqual(kpi.satisfaction_trend(0.0, 4.5), "none")
        self.assertEqual(kpi.satisfaction_trend(4.5, None), "none")

    def test_rates_and_sentiment(self):
        self.assertEqual(kpi.rate_per_hundred(3, 40), 7.5)
        self.assertIsNone(kpi.rate_per_hundred(3, 0))
        self.assertEqual(
            [kpi.satisfaction_sentiment(s) for s in (1, 2, 3, 4, 5)],
            ["negative", "negative", "neutral", "positive", "positive"],
        )


@tagged("post_install", "-at_install")
class TestComplaintRate(IncidentCommon):
    def test_complaints_per_hundred_customers_and_orders(self):
        company = self.env["res.company"].create({"name": "Rate Co"})
        self.env.user.company_ids |= company
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        month = datetime(2025, 5, 1)
        # 4 customers buy 5 orders in May 2025 in this company
        buyers = env["res.partner"].create([{"name": f"Buyer {i}"} for i in range(4)])
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [(0, 0, {"product_id": self.bike.id, "price_unit": 50.0})],
                }
                for partner in (*buyers, buyers[0])
            ]
        )
        orders.action_confirm()
        orders.write({"date_order": month + timedelta(days=10)})
        # 2 complaints and 1 question received in May 2025
        policy = env["customer.care.sla.policy"].create(
            {"name": "Rate policy", "company_id": company.id}
        )
        env["customer.care.incident"].create(
            [
                {
                    "name": f"Case {kind}",
                    "partner_id": buyers[i].id,
                    "kind": kind,
                    "company_id": company.id,
                    "sla_policy_id": policy.id,
                    "date_received": month + timedelta(days=12),
                }
                for i, kind in enumerate(("complaint", "complaint", "question"))
            ]
        )
        self.env.flush_all()
        self.env["customer.care.report.purchase"]._refresh()
        row = env["customer.care.report.complaint"].search(
            [("company_id", "=", company.id), ("period", "=", "2025-05-01")]
        )
        self.assertEqual(
            (row.complaint_count, row.incident_count, row.customer_count, row.order_count),
            (2, 3, 4, 5),
        )
        self.assertAlmostEqual(row.rate_customers, 50.0)  # 2 per 4 customers
        self.assertAlmostEqual(row.rate_orders, 40.0)  # 2 per 5 orders

    def test_care_users_cannot_open_the_rate(self):
        with self.assertRaises(AccessError):
            self.env["customer.care.report.complaint"].with_user(self.care_user).search([])


@tagged("post_install", "-at_install")
class TestSurveyFeedback(IncidentCommon):
    def test_a_survey_answer_is_kept_as_feedback(self):
        incident = self._incident(resolution_type="instant", root_cause_id=self.cause.id)
        incident.action_resolve()
        incident._record_satisfaction(2, "The part broke again")
        feedback = self.env["customer.care.feedback"].search([("incident_id", "=", incident.id)])
        self.assertEqual(
            (feedback.source, feedback.sentiment, feedback.partner_id, feedback.text),
            ("survey", "negative", self.customer, "The part broke again"),
        )
