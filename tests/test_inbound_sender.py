"""Inbound email: who gets the acknowledgement, what it repeats, and which
team and company an email to a team's address is filed under.

Anybody can write any address in ``From:``.  The acknowledgement goes only
to a sender the receiving mail server vouches for (DMARC passed for the
sender's domain, in its ``Authentication-Results``) or to a verified
customer, and it repeats nothing of the email.  The team's routing values
come from the team, never from defaults someone wrote on its address.
"""

from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care.logic import inbound

from .test_inbound_mail import InboundMailCase

SERVER = "mx.shop.example"


@tagged("post_install", "-at_install")
class TestSenderAuthenticated(BaseCase):
    """The pure rule reading the receiving server's verdict."""

    def test_dmarc_pass_for_the_senders_domain(self):
        results = [f"{SERVER}; spf=pass; dkim=pass; dmarc=pass (p=NONE) header.from=example.com"]
        self.assertTrue(inbound.sender_authenticated(results, "kim@example.com"))
        self.assertTrue(inbound.sender_authenticated(results, "kim@EXAMPLE.com"))
        # the check was made for another domain
        self.assertFalse(inbound.sender_authenticated(results, "kim@example.org"))

    def test_anything_but_a_pass_is_not_authenticated(self):
        for verdict in ("fail", "none", "temperror", "permerror", "bestguesspass"):
            with self.subTest(verdict=verdict):
                results = [f"{SERVER}; dmarc={verdict} header.from=example.com"]
                self.assertFalse(inbound.sender_authenticated(results, "kim@example.com"))
        self.assertFalse(inbound.sender_authenticated([], "kim@example.com"))
        self.assertFalse(
            inbound.sender_authenticated([f"{SERVER}; spf=pass; dkim=pass"], "kim@example.com")
        )
        self.assertFalse(inbound.sender_authenticated([f"{SERVER}; dmarc=pass"], "no-domain"))

    def test_a_header_written_by_the_sender_does_not_count(self):
        # the receiving server's verdict is on top; the forged one below it
        results = [
            f"{SERVER}; dmarc=fail header.from=example.com",
            "forged.example; dmarc=pass header.from=example.com",
        ]
        self.assertFalse(inbound.sender_authenticated(results, "kim@example.com"))
        # with the trusted servers named, only theirs count, wherever they are
        self.assertFalse(
            inbound.sender_authenticated(list(reversed(results)), "kim@example.com", [SERVER])
        )
        results = ["forged.example; dmarc=pass header.from=example.com"]
        self.assertFalse(inbound.sender_authenticated(results, "kim@example.com", [SERVER]))
        results.append(f"{SERVER}; dmarc=pass header.from=example.com")
        self.assertTrue(inbound.sender_authenticated(results, "kim@example.com", [SERVER]))


@tagged("post_install", "-at_install")
class TestInboundSender(InboundMailCase):
    def _acknowledgements(self, incident):
        return incident.message_ids.filtered(lambda m: m.message_type == "auto_comment")

    def test_forged_unknown_sender_gets_no_acknowledgement(self):
        incident = self._receive(
            "Cheap pills at spam.example",
            "Buy now",
            email_from="Buy Pills Now <victim@third.example>",
            authenticated=False,
        )
        self.assertEqual(len(incident), 1)
        self.assertFalse(incident.is_acknowledgement_pending)
        self._send_acknowledgements()
        self.assertFalse(self._acknowledgements(incident))
        note = incident.message_ids.filtered(
            lambda m: "No acknowledgement was sent" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertTrue(note.subtype_id.internal)

    def test_results_forged_below_the_servers_verdict_get_no_acknowledgement(self):
        incident = self._receive(
            "Hello",
            "Hi",
            email_from="victim@third.example",
            authenticated=False,
            extra=(
                f"Authentication-Results: {SERVER}; dmarc=fail header.from=third.example\n"
                "Authentication-Results: forged.example; dmarc=pass header.from=third.example"
            ),
        )
        self.assertFalse(incident.is_acknowledgement_pending)

    def test_authenticated_sender_is_acknowledged(self):
        incident = self._receive("Bell", "Hello", email_from="nina.new@example.com")
        self.assertTrue(incident.is_acknowledgement_pending)

    def test_verified_customer_is_acknowledged_without_the_servers_verdict(self):
        incident = self._receive(
            "Saddle", "Hi", email_from="kim.known@example.com", authenticated=False
        )
        self.assertTrue(incident.is_acknowledgement_pending)
        # a contact who never bought nor signed in is not verified
        self._partner("Una Unverified", email="una@example.com", company_id=self.company.id)
        incident = self._receive("Saddle", "Hi", email_from="una@example.com", authenticated=False)
        self.assertFalse(incident.is_acknowledgement_pending)

    def test_acknowledgement_repeats_nothing_of_the_email(self):
        incident = self._receive(
            "Cheap pills at spam.example",
            "Buy now",
            email_from="Buy Pills Now <nina.new@example.com>",
        )
        self._send_acknowledgements()
        acknowledgement = self._acknowledgements(incident)
        self.assertEqual(len(acknowledgement), 1)
        self.assertIn("we received your message", acknowledgement.subject)
        for text in (acknowledgement.subject, acknowledgement.body):
            self.assertNotIn("pills", text.lower())
            self.assertNotIn("Buy Pills Now", text)

    def test_alias_defaults_naming_another_company_are_ignored(self):
        company_b = self.env["res.company"].create({"name": "Second shop"})
        team_b = self.env["customer.care.team"].create(
            {"name": "Second care", "alias_name": "second-care", "company_id": company_b.id}
        )
        self.team.alias_id.sudo().alias_defaults = repr(
            {"team_id": team_b.id, "company_id": company_b.id}
        )
        incident = self._receive("Saddle", "Hi", email_from="kim.known@example.com")
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.team_id, self.team)
        self.assertEqual(incident.company_id, self.company)
        self.assertEqual(incident.partner_id, self.known)
        # the team's own company, even when only the company is rewritten
        self.team.alias_id.sudo().alias_defaults = repr(
            {"team_id": self.team.id, "company_id": company_b.id}
        )
        incident = self._receive("Bell", "Hi", email_from="kim.known@example.com")
        self.assertEqual((incident.team_id, incident.company_id), (self.team, self.company))
