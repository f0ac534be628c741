"""Inbound: signed webhook requests of the four chat apps posted through
the real route (``HttpCase.url_open``).  A valid signature is accepted and
the event stored, a forged or stale one refused (403) with nothing stored,
the same message twice processed once; the processing job turns an unknown
sender into a new contact and threads a known one's message into their open
incident."""

import json
import time
from urllib.parse import urlencode

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import (
    MessagingCommon,
    line_event,
    loopback_test_server,
    messenger_event,
    seal_wechat,
    sign_line,
    sign_messenger,
    sign_wechat,
    sign_zalo,
    wechat_xml,
    zalo_event,
)
from .stub import IMAGE

ROUTE_LOGGER = "odoo.addons.customer_care_messaging.controllers.main"


@tagged("post_install", "-at_install")
class TestWebhooks(MessagingCommon, HttpCase):
    def _url(self, provider):
        return f"/customer_care/messaging/{provider}/{self.accounts[provider].sudo().webhook_key}"

    def _post(self, provider, sender, text, msg_id, forged=False, ts=None):
        """Post one signed message event as the provider does; the response."""
        if provider == "zalo":
            body = json.dumps(zalo_event(sender, text, msg_id, ts=ts)).encode()
            headers = sign_zalo(body, "forged" if forged else None)
            return self.url_open(self._url(provider), data=body, headers=headers)
        if provider == "line":
            body = json.dumps(line_event(sender, text, msg_id, ts=ts)).encode()
            headers = sign_line(body, "forged" if forged else None)
            return self.url_open(self._url(provider), data=body, headers=headers)
        if provider == "messenger":
            body = json.dumps(messenger_event(sender, text, msg_id, ts=ts)).encode()
            headers = sign_messenger(body, "forged" if forged else None)
            return self.url_open(self._url(provider), data=body, headers=headers)
        # safe mode (the account's): the XML encrypted and signed with it
        xml = wechat_xml(sender, text, msg_id, ts=ts and ts // 1000)
        query, body = seal_wechat(xml, ts and ts // 1000, token="forged" if forged else None)
        return self.url_open(
            f"{self._url(provider)}?{urlencode(query)}",
            data=body,
            headers={"Content-Type": "text/xml"},
        )

    def _incidents(self, partner):
        return self.env["customer.care.incident"].search([("partner_id", "=", partner.id)])

    # -- the four providers, the same rules ---------------------------------------
    def _check_provider(self, provider, ack):
        Partner = self.env["res.partner"]
        # a valid signature: accepted, stored, the answer is the bare acknowledgement
        response = self._post(provider, f"{provider}-u1", "Tôi muốn khiếu nại: hàng bị hỏng", "m1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, ack)
        events = self._events(provider)
        self.assertEqual(len(events), 1)
        self.assertEqual(events.state, "pending")
        # forged: refused, nothing stored
        with mute_logger(ROUTE_LOGGER):
            response = self._post(provider, f"{provider}-u1", "forged", "m-forged", forged=True)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.text, "")
        self.assertEqual(len(self._events(provider)), 1)
        # the provider retries the same message: stored once
        response = self._post(provider, f"{provider}-u1", "Tôi muốn khiếu nại: hàng bị hỏng", "m1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self._events(provider)), 1)
        # the job: an unknown sender becomes a new contact with an incident
        self._process()
        event = self._events(provider)
        self.assertEqual(event.state, "done")
        newcomer = event.identity_id.partner_id
        self.assertTrue(newcomer.care_messaging_unknown)
        self.assertEqual(newcomer.company_id, self.company)
        incident = self._incidents(newcomer)
        self.assertEqual(len(incident), 1)
        self.assertEqual(incident.channel, "social")
        self.assertEqual(incident.messaging_account_id, self.accounts[provider])
        self.assertEqual(incident.kind, "complaint")
        self.assertTrue(incident.response_deadline)
        messages = incident.message_ids.filtered(lambda m: m.message_type == "care_chat")
        self.assertEqual(len(messages), 1)
        self.assertEqual(messages.author_id, newcomer)
        self.assertIn("hàng bị hỏng", messages.body)
        # a known customer writing while their incident is open: threaded into it
        self._identity(provider, f"{provider}-known")
        open_incident = self.env["customer.care.incident"].create(
            {
                "name": "Late delivery",
                "partner_id": self.customer.id,
                "kind": "question",
                "channel": "social",
                "messaging_account_id": self.accounts[provider].id,
            }
        )
        partners_before = Partner.search_count([])
        self._post(provider, f"{provider}-known", "Any news?", "m2")
        self._post(provider, f"{provider}-known", "Hello?", "m3")
        self._process()
        self.assertEqual(Partner.search_count([]), partners_before)
        self.assertEqual(self._incidents(self.customer), open_incident)
        bodies = open_incident.message_ids.filtered(lambda m: m.message_type == "care_chat")
        self.assertEqual(len(bodies), 2)
        self.assertEqual(bodies.author_id, self.customer)

    def test_zalo(self):
        self._check_provider("zalo", "OK")

    def test_line(self):
        self._check_provider("line", "OK")

    def test_messenger(self):
        self._check_provider("messenger", "EVENT_RECEIVED")

    def test_wechat(self):
        self._check_provider("wechat", "success")

    # -- replays, handshakes, unknown addresses -----------------------------------------
    def test_stale_request_is_refused_as_a_replay(self):
        two_hours_ago = int((time.time() - 7200) * 1000)
        with mute_logger(ROUTE_LOGGER):
            for provider in ("zalo", "wechat", "line", "messenger"):
                response = self._post(provider, "u-old", "old", f"old-{provider}", ts=two_hours_ago)
                self.assertEqual(response.status_code, 403, provider)
                self.assertFalse(self._events(provider), provider)

    def test_unknown_address_is_refused_without_data(self):
        body = json.dumps(zalo_event("u1", "hi")).encode()
        with mute_logger(ROUTE_LOGGER):
            response = self.url_open(
                "/customer_care/messaging/zalo/not-a-key", data=body, headers=sign_zalo(body)
            )
            self.assertEqual(response.status_code, 404)
            self.assertEqual(response.text, "")
            response = self.url_open(
                f"/customer_care/messaging/nochat/{self.accounts['zalo'].sudo().webhook_key}",
                data=body,
                headers=sign_zalo(body),
            )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._events("zalo"))

    def test_archived_account_receives_nothing(self):
        self.accounts["zalo"].active = False
        body = json.dumps(zalo_event("u1", "hi")).encode()
        with mute_logger(ROUTE_LOGGER):
            response = self.url_open(self._url("zalo"), data=body, headers=sign_zalo(body))
        self.assertEqual(response.status_code, 404)

    def test_messenger_subscription_handshake(self):
        query = {"hub.mode": "subscribe", "hub.verify_token": "meta-verify", "hub.challenge": "42"}
        response = self.url_open(f"{self._url('messenger')}?{urlencode(query)}")
        self.assertEqual((response.status_code, response.text), (200, "42"))
        query["hub.verify_token"] = "guess"
        with mute_logger(ROUTE_LOGGER):
            response = self.url_open(f"{self._url('messenger')}?{urlencode(query)}")
        self.assertEqual((response.status_code, response.text), (403, ""))

    def test_wechat_server_check(self):
        query = {**sign_wechat(), "echostr": "echo-7"}
        response = self.url_open(f"{self._url('wechat')}?{urlencode(query)}")
        self.assertEqual((response.status_code, response.text), (200, "echo-7"))
        query["signature"] = "0" * 40
        with mute_logger(ROUTE_LOGGER):
            response = self.url_open(f"{self._url('wechat')}?{urlencode(query)}")
        self.assertEqual(response.status_code, 403)

    # -- what the job does beyond the message ---------------------------------------------
    def test_image_becomes_an_attachment(self):
        attachment = {"type": "image", "payload": {"url": f"{self.stub.url}/files/photo.jpg"}}
        body = json.dumps(zalo_event("u-img", "", "zimg", attachments=[attachment])).encode()
        self.url_open(self._url("zalo"), data=body, headers=sign_zalo(body))
        with loopback_test_server():  # the stub stands for the test server on 127.0.0.1
            self._process()
        incident = self._events("zalo").incident_id
        self.assertTrue(incident, "an image alone opens an incident")
        self.assertIn("Zalo message from", incident.name)
        message = incident.message_ids.filtered(lambda m: m.message_type == "care_chat")
        self.assertEqual(message.attachment_ids.raw, IMAGE)

    def test_resolved_incident_is_reopened_by_a_message(self):
        self._identity("zalo", "u-res")
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Broken lamp",
                "partner_id": self.customer.id,
                "channel": "social",
                "messaging_account_id": self.accounts["zalo"].id,
                "user_id": self.care_user.id,
            }
        )
        cause = self.env["customer.care.root.cause"].create({"name": "Packing"})
        incident.sudo().write(
            {"state": "resolved", "resolution_type": "explanation", "root_cause_id": cause.id}
        )
        body = json.dumps(zalo_event("u-res", "Still broken", "zres")).encode()
        self.url_open(self._url("zalo"), data=body, headers=sign_zalo(body))
        self._process()
        self.assertEqual(incident.state, "in_progress")
        self.assertEqual(incident.activity_ids.user_id, self.care_user)

    def test_waiting_incident_works_again_on_a_chat_message(self):
        self._identity("zalo", "u-wait")
        incident = self.env["customer.care.incident"].create(
            {
                "name": "Scratched lamp",
                "partner_id": self.customer.id,
                "channel": "social",
                "messaging_account_id": self.accounts["zalo"].id,
                "user_id": self.care_user.id,
            }
        )
        incident.with_user(self.care_user).action_wait_for_customer()
        self.assertEqual(incident.state, "waiting")
        body = json.dumps(zalo_event("u-wait", "Here is the photo", "zwait")).encode()
        self.url_open(self._url("zalo"), data=body, headers=sign_zalo(body))
        self._process()
        self.assertEqual(self._events("zalo").incident_id, incident, "threaded, no new incident")
        self.assertEqual(incident.state, "in_progress")
        self.assertFalse(incident.date_waiting_since)

    def test_message_threads_into_an_open_social_plan(self):
        self._identity("line", "u-plan")
        plan = self.env["customer.care.plan"].create(
            {"partner_id": self.customer.id, "channel": "social", "state": "planned"}
        )
        body = json.dumps(line_event("u-plan", "Thanks for the call", "lplan")).encode()
        self.url_open(self._url("line"), data=body, headers=sign_line(body))
        self._process()
        self.assertEqual(self._events("line").plan_id, plan)
        self.assertFalse(self._incidents(self.customer))
        self.assertIn(
            "Thanks for the call", "".join(plan.message_ids.mapped("body")), "threaded in the plan"
        )

    def test_follow_greets_and_unfollow_opts_out(self):
        self.accounts["zalo"].greeting = "Xin chào {name}, cảm ơn đã quan tâm {company}!"
        for event, msg_id in (("follow", "f1"), ("unfollow", "f2")):
            payload = zalo_event("u-fan", event=event, msg_id=msg_id)
            payload["timestamp"] = str(int(payload["timestamp"]) + len(msg_id))
            body = json.dumps(payload).encode()
            response = self.url_open(self._url("zalo"), data=body, headers=sign_zalo(body))
            self.assertEqual(response.status_code, 200)
            self._process()
            identity = self._events("zalo")[:1].identity_id
            if event == "follow":
                self.assertFalse(identity.opted_out)
                greeting = self.env["customer.care.messaging.outbound"].search(
                    [("identity_id", "=", identity.id)]
                )
                self.assertEqual(greeting.origin, "greeting")
                self.assertIn(identity.partner_id.name, greeting.body)
                self.assertEqual(greeting.state, "queued")
        self.assertTrue(identity.opted_out)
        self.assertFalse(self._incidents(identity.partner_id), "following is not an incident")

    def test_the_scheduled_job_processes_in_committed_batches(self):
        for index in range(5):
            self._post("line", f"u-batch-{index}", f"question {index}", f"lb{index}")
        Event = self.env["customer.care.messaging.event"]
        with self.committing_batches():
            Event._cron_process(batch_size=2)
        self.assertEqual(set(self._events("line").mapped("state")), {"done"})
        self.assertEqual(len(self._events("line").incident_id), 5)
