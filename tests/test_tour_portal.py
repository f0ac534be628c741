"""The browser path of a portal customer: open a request from the portal
home, see the promised times, reply in the conversation (with a photo),
and rate the answer from the resolution email's link."""

import re

from odoo.tests import HttpCase, new_test_user, tagged

from .common import CareCommon


@tagged("post_install", "-at_install")
class TestPortalTour(CareCommon, HttpCase):
    def _portal_customer(self, login, name, company_name):
        company = self._partner(company_name, is_company=True)
        customer = new_test_user(
            self.env,
            login=login,
            name=name,
            email=f"{login}@example.com",
            groups="base.group_portal",
        )
        customer.partner_id.parent_id = company
        return customer

    def test_portal_customer_replies(self):
        customer = self._portal_customer("care_portal_tour", "Tia Tour", "Tour Portal Co")
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Portal tour desk",
                "partner_id": customer.partner_id.parent_id.id,
                "user_id": self.care_user.id,
            }
        )
        self.assertTrue(incident.response_deadline)
        self.start_tour("/my", "customer_care_portal_tour", login=customer.login)
        reply = incident.message_ids.filtered(lambda m: "still wobbles" in (m.body or ""))
        self.assertEqual(reply.author_id, customer.partner_id)

    def test_portal_customer_asks_replies_with_a_photo_and_rates_the_answer(self):
        customer = self._portal_customer("care_portal_photo", "Pia Photo", "Photo Portal Co")
        Incident = self.env["customer.care.incident"]
        self.start_tour("/my", "customer_care_portal_request_tour", login=customer.login)

        incident = Incident.search([("name", "=", "The bell of my bike rattles")])
        self.assertEqual(len(incident), 1)
        self.assertEqual((incident.partner_id, incident.channel), (customer.partner_id, "portal"))
        self.assertIn("It started after the first ride.", incident.description)
        self.assertTrue(incident.response_deadline)
        reply = incident.message_ids.filtered(lambda m: "photo of the bell" in (m.body or ""))
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, customer.partner_id)
        photo = reply.attachment_ids
        self.assertEqual(photo.mapped("name"), ["bell-photo.png"])
        self.assertEqual(photo.mimetype, "image/png")
        self.assertEqual((photo.res_model, photo.res_id), (incident._name, incident.id))

        # the care team answers and offers the resolution by email
        cause = self.env["customer.care.root.cause"].create({"name": "Loose bell screw"})
        incident.write(
            {"user_id": self.care_user.id, "resolution_type": "instant", "root_cause_id": cause.id}
        )
        incident.with_user(self.care_user).action_resolve()
        resolution = incident.with_user(self.care_user).message_post_with_source(
            self.env.ref("customer_care.mail_template_care_incident_resolution"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn(customer.partner_id, resolution.partner_ids | incident.message_partner_ids)
        # the customer clicks the neutral face of the email, then submits a happy one
        link = re.search(r"/rate/[\w-]+/3", str(resolution.body))
        self.assertTrue(link, "the resolution email carries the rating faces")
        self.start_tour(link.group(0), "customer_care_portal_rating_tour", login=customer.login)

        incident.invalidate_recordset()
        rating = self.env["rating.rating"].search(
            [("res_model", "=", incident._name), ("res_id", "=", incident.id)]
        )
        self.assertEqual(len(rating), 1)
        self.assertTrue(rating.consumed)
        self.assertEqual((rating.rating, rating.feedback), (5, "The new bell is quiet"))
        self.assertEqual(incident.satisfaction, 5)
        feedback = self.env["customer.care.feedback"].search([("incident_id", "=", incident.id)])
        self.assertEqual((feedback.sentiment, feedback.text), ("positive", "The new bell is quiet"))
