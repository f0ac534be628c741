"""Unfollowing a chat app account withdraws the customer's consent to chat
app messages (PDPA, PIPL: withdrawal as easy as giving); following again
gives it.  The entry is recorded where the follow state changes, whatever
changed it (the provider's event, a refused delivery)."""

from odoo.tests import tagged

from .common import MessagingCommon


@tagged("post_install", "-at_install")
class TestChatConsent(MessagingCommon):
    def _chat_state(self, partner):
        return partner.with_company(self.company)._care_consent_state("chat", "chat")[partner.id]

    def test_unfollow_withdraws_and_follow_gives_chat_consent(self):
        identity = self._identity("zalo", "u-consent")
        self.assertFalse(self._chat_state(self.customer))
        identity.write({"opted_out": True})
        self.assertEqual(self._chat_state(self.customer), "withdrawn")
        entry = self.env["customer.care.consent"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            (entry.purpose, entry.channel, entry.source, entry.company_id),
            ("chat", "chat", "chat", self.company),
        )
        # the same state again records nothing
        identity.write({"opted_out": True})
        self.assertEqual(
            self.env["customer.care.consent"].search_count([("partner_id", "=", self.customer.id)]),
            1,
        )
        identity.write({"opted_out": False})
        self.assertEqual(self._chat_state(self.customer), "given")

    def test_identities_opted_out_together_each_withdraw(self):
        identities = self._identity("line", "u-one") | self._identity(
            "zalo", "u-two", partner=self._partner("Hoa Two")
        )
        identities.write({"opted_out": True})
        states = identities.partner_id.with_company(self.company)._care_consent_state(
            "chat", "chat"
        )
        self.assertEqual(set(states.values()), {"withdrawn"})
