"""The browser path of a customer to their personal data: the portal home
leads to the privacy page, where they give and withdraw a consent, find the
copy of their data and ask for its deletion; the consents are recorded
from the portal, the care managers get the request as an activity."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CareCommon


@tagged("post_install", "-at_install")
class TestPrivacyTour(CareCommon, HttpCase):
    def test_portal_customer_changes_a_consent_and_asks_to_delete_their_data(self):
        customer = new_test_user(
            self.env,
            login="care_privacy_tour",
            name="Tam Privacy",
            email="care_privacy_tour@example.com",
            groups="base.group_portal",
        )
        partner = customer.partner_id
        self.start_tour("/my", "customer_care_portal_privacy_tour", login=customer.login)
        entries = self.env["customer.care.consent"].search(
            [("partner_id", "=", partner.id)], order="id"
        )
        self.assertEqual(
            [(e.purpose, e.channel, e.state, e.source) for e in entries],
            [
                ("marketing", "any", "given", "portal"),
                ("marketing", "any", "withdrawn", "portal"),
            ],
        )
        self.assertEqual(entries.recorded_by_id, customer)
        self.assertEqual(partner._care_consent_state("marketing")[partner.id], "withdrawn")
        erasure = self.env.ref("customer_care.mail_activity_type_care_erasure")
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        self.assertEqual(activities.activity_type_id, erasure)
        self.assertIn(self.care_manager, activities.user_id)
        self.assertFalse(activities.user_id.filtered("share"))
        # nothing was deleted: the request waits for a care manager
        self.assertEqual(partner.name, "Tam Privacy")
        self.assertFalse(partner.care_anonymized)
