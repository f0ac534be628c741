"""A care user's day in the browser: the app opens on the inbox, they take
an unassigned chat message, answer it from the answer library, set the
incident waiting for the customer, and see it come back when the customer
replies."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestInboxTour(HttpCase):
    def test_a_care_users_day_from_the_inbox(self):
        user = new_test_user(
            self.env,
            login="care_inbox_user",
            password="care_inbox_user",
            name="Ines Inbox",
            groups="base.group_user,customer_care.group_care_user",
        )
        customer = new_test_user(
            self.env,
            login="care_inbox_portal",
            password="care_inbox_portal",
            name="Tour Inbox Customer",
            groups="base.group_portal",
        )
        self.env["customer.care.answer"].create(
            {
                "name": "Sunday deliveries",
                "keywords": "Sunday, weekend",
                "body": "<p>Dear {{customer}}, we deliver on Sundays.</p>",
                "state": "approved",
            }
        )
        Incident = self.env["customer.care.incident"].sudo()
        incident = Incident.create(
            Incident._intake_values(
                "social",
                {"name": "Sunday delivery", "partner_id": customer.partner_id.id},
                "",
                "Do you deliver on Sunday?",
            )
        )
        incident.message_post(
            body="Do you deliver on Sunday?",
            author_id=customer.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertFalse(incident.user_id)

        self.start_tour("/odoo", "customer_care_inbox_day_tour", login=user.login)
        self.assertEqual(incident.user_id, user)
        self.assertEqual(incident.state, "waiting")
        self.assertFalse(incident.date_awaiting_reply)

        self.authenticate(customer.login, customer.login)
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "customer.care.incident",
                "thread_id": incident.id,
                "post_data": {"body": "Sunday is fine, same address", "message_type": "comment"},
                "token": incident._portal_ensure_token(),
            },
        )
        self.env.invalidate_all()
        self.assertEqual(incident.state, "in_progress")
        self.assertTrue(incident.date_awaiting_reply)

        self.start_tour("/odoo", "customer_care_inbox_back_tour", login=user.login)
