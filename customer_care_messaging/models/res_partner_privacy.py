from odoo import models
from odoo.tools import SQL


class ResPartner(models.Model):
    """The chat apps' part of a customer's data rights: the copy lists
    their chat identities and chat messages; the erasure wipes the
    identities (the provider's user id no longer leads to the person, and
    nothing is sent to it again) and the text of their chat events and of
    the messages sent to them."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _care_personal_data(self):
        data = super()._care_personal_data()
        domain = self._care_privacy_domain()
        identities = self.env["customer.care.messaging.identity"].search(domain, order="id")
        events = self.env["customer.care.messaging.event"].search(
            [("identity_id", "in", identities.ids)], order="id"
        )
        outbound = self.env["customer.care.messaging.outbound"].search(domain, order="id")
        data["chat_identities"] = [
            {
                **self._care_privacy_values(identity, ["provider", "account_id", "user_ref"]),
                **self._care_privacy_values(identity, ["date_last_inbound", "opted_out"]),
            }
            for identity in identities
        ]
        data["chat_messages"] = [
            {
                "direction": "received",
                **self._care_privacy_values(event, ["provider", "kind", "date_event"]),
                **self._care_privacy_values(event, ["sender_name", "text", "attachments"]),
            }
            for event in events
        ] + [
            {
                "direction": "sent",
                "provider": self._care_privacy_label(message.account_id, "provider"),
                **self._care_privacy_values(message, ["origin", "date_sent"]),
                **self._care_privacy_values(message, ["state", "body"]),
            }
            for message in outbound
        ]
        return data

    def _care_anonymize_records(self, marker):
        result = super()._care_anonymize_records(marker)
        identities = (
            self.env["customer.care.messaging.identity"]
            .with_context(active_test=False)
            .search([("partner_id", "in", self.ids)])
        )
        if not identities:
            return result
        self.env.flush_all()
        ids = identities.ids
        # the events of these chat users, processed or not (a pending one
        # would otherwise bring the person back)
        self.env.execute_query(
            SQL(
                """UPDATE customer_care_messaging_event e
                      SET sender_ref = NULL, sender_name = NULL, raw = NULL, attachments = NULL,
                          text = CASE WHEN e.text IS NULL THEN NULL ELSE %(m)s END,
                          error = NULL,
                          state = CASE WHEN e.state = 'pending' THEN 'ignored' ELSE e.state END
                     FROM customer_care_messaging_identity i
                    WHERE i.id = ANY(%(ids)s)
                      AND (e.identity_id = i.id
                           OR (e.account_id = i.account_id AND e.sender_ref = i.user_ref))""",
                m=marker,
                ids=ids,
            )
        )
        self.env.execute_query(
            SQL(
                """UPDATE customer_care_messaging_outbound
                      SET body = CASE WHEN body IS NULL THEN NULL ELSE %(m)s END, error = NULL
                    WHERE identity_id = ANY(%(ids)s)""",
                m=marker,
                ids=ids,
            )
        )
        # the provider's user id no longer leads to the person; opted out:
        # nothing is sent to it again
        self.env.execute_query(
            SQL(
                """UPDATE customer_care_messaging_identity
                      SET user_ref = 'anonymized-' || id, opted_out = TRUE,
                          date_opt_change = now() AT TIME ZONE 'UTC'
                    WHERE id = ANY(%s)""",
                ids,
            )
        )
        self.env.invalidate_all()
        return result
