"""The website form's part of a customer's data rights: the contact
details a visitor typed are in the copy, wiped by the erasure, and found
by Odoo's privacy lookup even on a request linked to another contact."""

import base64
import json

from odoo.tests import tagged

from ..common import CareCommon


@tagged("post_install", "-at_install")
class TestWebsiteFormPrivacy(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._partner("Hoa Web", email="hoa.web@example.com")
        cls.incident = cls.env["customer.care.incident"].create(
            {
                "name": "Broken pedal",
                "partner_id": cls.customer.id,
                "channel": "website",
                "contact_name": "Hoa from the web",
                "contact_email": "hoa.web@example.com",
                "contact_phone": "+84 933 111 222",
            }
        )
        # the same person, typing her address on a colleague's request
        cls.other = cls.env["customer.care.incident"].create(
            {
                "name": "Squeaky brake",
                "partner_id": cls.care_user.partner_id.id,
                "channel": "website",
                "contact_name": "Hoa Web",
                "contact_email": "hoa.web@example.com",
            }
        )

    def test_the_copy_holds_what_the_visitor_typed(self):
        self.customer.with_user(self.care_manager).action_care_export_personal_data()
        data = json.loads(base64.b64decode(self.customer.sudo().care_personal_data_file))
        (form,) = data["website_forms"]
        self.assertEqual(
            (form["contact_name"], form["contact_email"], form["contact_phone"]),
            ("Hoa from the web", "hoa.web@example.com", "+84 933 111 222"),
        )

    def test_erasure_wipes_what_the_visitor_typed(self):
        self.customer.with_user(self.care_manager).action_care_anonymize("Asked by email")
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT contact_name, contact_email, contact_phone
                 FROM customer_care_incident WHERE id = %s""",
            [self.incident.id],
        )
        self.assertEqual(self.env.cr.fetchone(), (None, None, None))

    def test_privacy_lookup_finds_the_form_typed_on_another_contact(self):
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": "Hoa Web", "email": "hoa.web@example.com"}
        )
        wizard.action_lookup()
        found = [(line.res_model, line.res_id) for line in wizard.line_ids]
        self.assertIn(("customer.care.incident", self.incident.id), found)
        self.assertIn(("customer.care.incident", self.other.id), found)
        self.assertEqual(len(found), len(set(found)))
