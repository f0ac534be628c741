"""Bad input on the email gateway: a huge attachment, a sender pretending
to be a known customer, an email to the address of an archived team or of a
team of an archived company.  Nothing is lost, nothing crashes.

Decided behaviour: a huge attachment is kept whole; a sender is matched by
address only, never by the name shown, and a known customer's name from
another address gets a warning note; an archived team's address (or a team
of an archived company) still opens the incident, for that team and
company, with a note telling the care user to hand it over or remove the
address.  Archiving does not remove the address: the customer's email is
never lost."""

import base64

from odoo.tests import tagged

from .test_inbound_mail import InboundMailCase

HUGE = """Return-Path: {return_path}
To: {to}
From: {email_from}
Subject: {subject}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="ZZZ"
Date: {date}
Message-ID: {msg_id}
{extra}

--ZZZ
Content-Type: text/plain; charset="utf-8"

{body}
--ZZZ
Content-Type: application/octet-stream; name="video.bin"
Content-Disposition: attachment; filename="video.bin"
Content-Transfer-Encoding: base64

{payload}
--ZZZ--
"""

# a few megabytes, as a phone video of the damage would be
HUGE_SIZE = 4 * 1024 * 1024


@tagged("post_install", "-at_install")
class TestInboundBadInput(InboundMailCase):
    def _notes(self, incident, text):
        return incident.message_ids.filtered(
            lambda m: m.subtype_id.internal and text in (m.body or "")
        )

    def test_huge_attachment_is_kept(self):
        raw = bytes(range(256)) * (HUGE_SIZE // 256)
        payload = base64.encodebytes(raw).decode()
        incident = self._receive(
            "Video of the damage",
            "The video is attached",
            email_from="kim.known@example.com",
            template=HUGE,
            payload=payload,
        )
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.partner_id, self.known)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", incident._name), ("res_id", "=", incident.id)]
        )
        self.assertEqual(attachment.name, "video.bin")
        self.assertEqual(attachment.file_size, len(raw))
        self.assertEqual(attachment.raw, raw)

    def test_known_name_with_another_address_is_not_that_customer(self):
        incident = self._receive(
            "Refund to this account please",
            "Send my refund to the new account",
            email_from='"Kim Known" <kim.known@evil.example.net>',
        )
        self.assertEqual(len(incident), 1)
        self.assertNotEqual(incident.partner_id, self.known)
        self.assertEqual(incident.partner_id.email_normalized, "kim.known@evil.example.net")
        self.assertNotIn(self.known, incident.message_partner_ids)
        # the known customer's record is untouched, the care user warned
        self.assertEqual(self.known.email, "kim.known@example.com")
        warnings = self._notes(incident, "uses the name of the customer Kim Known")
        self.assertEqual(len(warnings), 1)
        self.assertIn("kim.known@evil.example.net", warnings.body)

    def test_known_name_in_another_case_is_noticed_too(self):
        """The name is compared without case; an archived contact or one of
        another company is nobody's namesake here."""
        other_company = self.env["res.company"].create({"name": "Namesake Other Co"})
        for name, values in (
            ("Lee Archived", {"active": False}),
            ("Lee Elsewhere", {"company_id": other_company.id}),
        ):
            self.env["res.partner"].create(
                {"name": name, "email": f"{name.split()[1].lower()}@example.com", **values}
            )
        incident = self._receive(
            "Refund please", "New account", email_from='"KIM known" <kim@evil.example.net>'
        )
        self.assertEqual(len(self._notes(incident, "uses the name of the customer Kim Known")), 1)
        for name in ("Lee Archived", "Lee Elsewhere"):
            with self.subTest(name=name):
                address = f"{name.split()[1].lower()}@evil.example.net"
                incident = self._receive(
                    "Refund please", "New account", email_from=f'"{name}" <{address}>'
                )
                self.assertFalse(self._notes(incident, "uses the name"))

    def test_unknown_sender_without_a_name_gets_a_new_customer(self):
        incident = self._receive("Hello", "Hi", email_from="<nobody.known@example.org>")
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.partner_id.email_normalized, "nobody.known@example.org")
        self.assertNotEqual(incident.partner_id, self.known)
        self.assertFalse(self._notes(incident, "uses the name"))

    def test_the_real_customer_is_not_warned_about(self):
        incident = self._receive("Hello", "Hi", email_from='"Kim Known" <kim.known@example.com>')
        self.assertEqual(incident.partner_id, self.known)
        self.assertFalse(self._notes(incident, "uses the name"))

    def test_archived_team_still_receives(self):
        self.team.with_user(self.care_manager).action_archive()
        incident = self._receive("After archiving", "Hi", email_from="kim.known@example.com")
        self.assertEqual(len(incident), 1)
        self.assertEqual((incident.team_id, incident.partner_id), (self.team, self.known))
        self.assertEqual(incident.company_id, self.company)
        self.assertIn("Hi", incident.message_ids.filtered(lambda m: m.message_type == "email").body)
        self.assertTrue(self._notes(incident, "archived care team Bike care"))

    def test_team_of_an_archived_company_still_receives(self):
        other = self.env["res.company"].create({"name": "Closed shop"})
        team = self.env["customer.care.team"].create(
            {"name": "Closed shop care", "alias_name": "closed-care", "company_id": other.id}
        )
        other.action_archive()
        incident = self._receive(
            "Are you still there?",
            "Hi",
            email_from="kim.known@example.com",
            to=f"closed-care@{self.alias_domain}",
        )
        self.assertEqual(len(incident), 1)
        self.assertEqual((incident.team_id, incident.company_id), (team, other))
        self.assertTrue(self._notes(incident, "archived company Closed shop"))
        self.assertFalse(self._notes(incident, "archived care team"))
