"""The browser path of a portal customer: open a request from the portal
home, see the promised times, reply in the conversation."""

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CareCommon


@tagged("post_install", "-at_install")
class TestPortalTour(CareCommon, HttpCase):
    def test_portal_customer_replies(self):
        company = self._partner("Tour Portal Co", is_company=True)
        customer = new_test_user(
            self.env, login="care_portal_tour", name="Tia Tour", groups="base.group_portal"
        )
        customer.partner_id.parent_id = company
        incident = self.env["customer.care.incident"].create(
            {"name": "Portal tour desk", "partner_id": company.id, "user_id": self.care_user.id}
        )
        self.assertTrue(incident.response_deadline)
        self.start_tour("/my", "customer_care_portal_tour", login=customer.login)
        reply = incident.message_ids.filtered(lambda m: "still wobbles" in (m.body or ""))
        self.assertEqual(reply.author_id, customer.partner_id)
