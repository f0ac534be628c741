"""Escalations are written through Odoo's mail API (activities, followers,
notes), with a bounded number of queries per batch, and level 2 reaches the
whole senior group (brief §5)."""

from math import ceil
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.models.mail_activity import MailActivity

from .test_incident import SLA_BATCH_QUERIES, SLA_QUERIES_PER_HUNDRED, T0, IncidentCommon, at

# queries of each further recipient of a batch's escalations (its subscription)
PER_EXTRA_RECIPIENT = 5


@tagged("post_install", "-at_install")
class TestEscalationMailApi(IncidentCommon):
    def _check(self, moment):
        with freeze_time(moment):
            self.Incident._sla_check_due()

    def test_activities_are_created_by_mail_activity_create_quietly(self):
        with freeze_time(T0):
            incidents = self._incident() | self._incident(name="Second")
        contexts = []
        original = MailActivity.create

        def spy(records, vals_list):
            contexts.append((dict(records.env.context), len(vals_list)))
            return original(records, vals_list)

        with patch.object(MailActivity, "create", spy):
            self._check(at(1, 0))
        # one create for the whole batch, without assignment emails
        self.assertEqual(len(contexts), 1)
        context, count = contexts[0]
        self.assertEqual(count, 2)
        self.assertTrue(context.get("mail_activity_quick_update"))
        for incident in incidents:
            self.assertEqual(self._escalations(incident).user_id, self.care_manager)

    def test_notes_go_through_message_log_batch_and_followers_through_subscribe(self):
        with freeze_time(T0):
            incidents = self._incident() | self._incident(name="Second")
        Incident = type(self.Incident)
        logged, subscribed = [], []
        log_batch, subscribe = Incident._message_log_batch, Incident.message_subscribe

        def spy_log(records, bodies, *args, **kwargs):
            logged.append(dict(bodies))
            return log_batch(records, bodies, *args, **kwargs)

        def spy_subscribe(records, partner_ids=None, *args, **kwargs):
            subscribed.append((set(records.ids), set(partner_ids or ())))
            return subscribe(records, partner_ids, *args, **kwargs)

        with (
            patch.object(Incident, "_message_log_batch", spy_log),
            patch.object(Incident, "message_subscribe", spy_subscribe),
        ):
            self._check(at(1, 0))
        self.assertEqual(len(logged), 1)
        self.assertEqual(set(logged[0]), set(incidents.ids))
        self.assertIn(
            (set(incidents.ids), {self.care_manager.partner_id.id}),
            subscribed,
            "the recipient follows every incident of the batch in one subscription",
        )
        for incident in incidents:
            self.assertIn(self.care_manager.partner_id, incident.message_partner_ids)
            note = incident.message_ids.filtered(lambda m: "breached: escalated to" in m.body)
            self.assertEqual(len(note), 1)

    def test_an_override_of_mail_activity_sees_the_escalations(self):
        # other modules extend mail.activity.create: the check must go through it
        with freeze_time(T0):
            incident = self._incident()
        seen = []
        original = MailActivity.create

        def override(records, vals_list):
            activities = original(records, vals_list)
            seen.extend(activities.ids)
            return activities

        with patch.object(MailActivity, "create", override):
            self._check(at(1, 0))
        self.assertEqual(seen, self._escalations(incident).ids)

    def test_a_batch_escalates_each_level_once_per_incident(self):
        """Incidents of one batch at different stages (one level reached
        before, both levels at once, the first level only), each check run
        twice: one activity and one note per level and incident."""
        with freeze_time(T0):
            earlier = self.Incident.union(*(self._incident(name=f"A{i}") for i in range(3)))
        self._check(at(1, 0))  # the first level of the earlier ones
        with freeze_time(T0):
            unchecked = self.Incident.union(*(self._incident(name=f"C{i}") for i in range(3)))
        with freeze_time(at(4, 0)):
            later = self.Incident.union(*(self._incident(name=f"B{i}") for i in range(3)))
        for moment in (at(5, 0), at(5, 0), at(30, 0), at(30, 0)):
            self._check(moment)
        for incident in earlier | unchecked | later:
            self.assertEqual(incident.escalation_level, 2)
            self.assertEqual(
                sorted(self._escalations(incident).mapped("summary")),
                ["SLA breach: senior management", "SLA breached"],
                incident.name,
            )
            bodies = incident.message_ids.mapped("body")
            self.assertEqual(len([b for b in bodies if "breached: escalated to" in b]), 1)
            self.assertEqual(len([b for b in bodies if "reaches senior management" in b]), 1)

    def _spent(self, count, moment):
        with freeze_time(T0):
            incidents = self.Incident.create(
                [{"name": f"Case {i}", "partner_id": self.customer.id} for i in range(count)]
            )
        self.env.flush_all()
        self.env.invalidate_all()
        with freeze_time(moment):
            before = self.env.cr.sql_log_count
            self.Incident._sla_check_due(batch_size=1000)
            self.env.flush_all()
            spent = self.env.cr.sql_log_count - before
        escalations = len(incidents.activity_ids)
        incidents.write(
            {"state": "closed", "resolution_type": "instant", "root_cause_id": self.cause.id}
        )
        self.env.flush_all()
        return spent, escalations

    def test_both_levels_at_once_stay_within_the_bound(self):
        self._spent(3, at(30, 0))  # warm the caches
        small, small_escalations = self._spent(5, at(30, 0))
        large, large_escalations = self._spent(150, at(30, 0))
        # each incident escalates twice: to the manager and to senior management
        self.assertEqual((small_escalations, large_escalations), (10, 300))
        # the second recipient costs its own subscription (mail.activity
        # subscribes each assignee to their records in one call)
        base = SLA_BATCH_QUERIES + PER_EXTRA_RECIPIENT
        per_hundred = SLA_QUERIES_PER_HUNDRED
        self.assertLessEqual(small, base + per_hundred * ceil(small_escalations / 100))
        self.assertLessEqual(large, base + per_hundred * ceil(large_escalations / 100))


@tagged("post_install", "-at_install")
class TestSeniorGroup(IncidentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.senior_group = cls.env["res.groups"].create({"name": "Senior management"})
        # the board implies senior management: its members are seniors too
        cls.board = cls.env["res.groups"].create(
            {"name": "Board", "implied_ids": [Command.link(cls.senior_group.id)]}
        )
        care = "base.group_user,customer_care.group_care_user"
        cls.direct = new_test_user(cls.env, login="senior_direct", name="Dina Direct", groups=care)
        cls.direct.group_ids = [Command.link(cls.senior_group.id)]
        cls.implied = new_test_user(cls.env, login="senior_board", name="Bao Board", groups=care)
        cls.implied.group_ids = [Command.link(cls.board.id)]
        cls.archived = new_test_user(cls.env, login="senior_gone", name="Gone Senior", groups=care)
        cls.archived.group_ids = [Command.link(cls.senior_group.id)]
        cls.archived.active = False
        cls.policy.senior_user_id = False
        cls.env.company.write(
            {"care_senior_user_id": False, "care_senior_group_id": cls.senior_group.id}
        )

    def test_level_two_reaches_members_through_implied_groups(self):
        self.assertNotIn(self.implied, self.senior_group.user_ids)
        with freeze_time(T0):
            incident = self._incident()
        with freeze_time(at(5, 0)):
            self.Incident._sla_check_due()
        self.assertEqual(incident.escalation_level, 2)
        seniors = self._escalations(incident).filtered(
            lambda a: a.summary == "SLA breach: senior management"
        )
        self.assertEqual(seniors.user_id, self.direct | self.implied)
        note = incident.message_ids.filtered(lambda m: "senior management" in m.body)
        self.assertIn("Bao Board", note.body)
        self.assertNotIn("Gone Senior", note.body)
