"""Routing of new inbound work: each care team says who takes the
incidents customers open through a door (email, website form, chat apps,
live chat): the customer's care responsible first, then in turn (round
robin) or the least busy, among the members who are in (working hours,
public holidays, time off), never beyond the cap of open incidents per
person; the team's working hours run its SLA clocks (issue #26)."""

from datetime import datetime

from freezegun import freeze_time
from hypothesis import given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import BaseCase, Form, new_test_user, tagged

from odoo.addons.customer_care.logic import routing
from odoo.addons.customer_care.logic.routing import LEAST_BUSY, RESPONSIBLE, ROUND_ROBIN

from .test_inbound_mail import InboundMailCase
from .test_incident import IncidentCommon

CARE = "base.group_user,customer_care.group_care_user"
# Monday 2 March 2026, UTC (the test calendars are in UTC)
MONDAY_9 = datetime(2026, 3, 2, 9, 0)
MONDAY_14 = datetime(2026, 3, 2, 14, 0)
MONDAY_18 = datetime(2026, 3, 2, 18, 0)


def team(members=(1, 2, 3), method=ROUND_ROBIN, cap=0, responsible_first=True, present=None):
    return routing.TeamRouting(
        members=tuple(members),
        method=method,
        cap=cap,
        responsible_first=responsible_first,
        present=frozenset(members if present is None else present),
    )


@tagged("post_install", "-at_install")
class TestRoutingRule(BaseCase):
    """The pure rule of ``logic/routing.py``."""

    def test_manual_team_assigns_nobody(self):
        self.assertEqual(routing.choose(team(method=routing.MANUAL), {}, None, 1), (None, None))

    def test_responsible_first_when_in_and_under_the_cap(self):
        self.assertEqual(routing.choose(team(present=(1, 2, 3, 9)), {}, 1, 9), (9, RESPONSIBLE))
        # out now, or at the cap: the team's turn
        self.assertEqual(routing.choose(team(), {}, 1, 9), (2, ROUND_ROBIN))
        self.assertEqual(
            routing.choose(team(cap=2, present=(1, 2, 3, 9)), {9: 2}, 1, 9), (2, ROUND_ROBIN)
        )
        # the team does not put the care responsible first
        self.assertEqual(
            routing.choose(team(responsible_first=False, present=(1, 2, 3, 9)), {}, 1, 9),
            (2, ROUND_ROBIN),
        )

    def test_round_robin_goes_on_after_the_last_one_and_wraps(self):
        self.assertEqual(routing.in_turn([1, 2, 3], 2), [3, 1, 2])
        self.assertEqual(routing.in_turn([1, 2, 3], 3), [1, 2, 3])
        # the last one left the team: from the first member
        self.assertEqual(routing.in_turn([1, 2, 3], 7), [1, 2, 3])
        self.assertEqual(routing.choose(team(), {}, None), (1, ROUND_ROBIN))
        self.assertEqual(routing.choose(team(), {}, 3), (1, ROUND_ROBIN))

    def test_round_robin_passes_over_who_is_out_or_at_the_cap(self):
        self.assertEqual(routing.choose(team(present=(1, 3)), {}, 1), (3, ROUND_ROBIN))
        self.assertEqual(routing.choose(team(cap=1), {2: 1}, 1), (3, ROUND_ROBIN))

    def test_least_busy_takes_the_fewest_open_and_ties_in_turn(self):
        least = team(method=LEAST_BUSY)
        self.assertEqual(routing.choose(least, {1: 4, 2: 1, 3: 2}, None), (2, LEAST_BUSY))
        self.assertEqual(routing.choose(least, {1: 1, 2: 1, 3: 1}, 1), (2, LEAST_BUSY))
        self.assertEqual(routing.choose(least, {1: 0, 2: 1, 3: 0}, 1), (3, LEAST_BUSY))

    def test_nobody_when_everyone_is_out_or_at_the_cap(self):
        self.assertEqual(routing.choose(team(present=()), {}, None), (None, None))
        self.assertEqual(routing.choose(team(cap=2), {1: 2, 2: 3, 3: 2}, None), (None, None))
        self.assertEqual(
            routing.choose(team(method=LEAST_BUSY, cap=1), {1: 1, 2: 1, 3: 1}, 9, 1),
            (None, None),
        )

    def test_a_batch_counts_its_own_choices(self):
        teams = {"a": team(method=LEAST_BUSY, cap=2)}
        choices, last = routing.route([("a", None)] * 7, teams, {1: 1}, {})
        self.assertEqual(
            [user for user, _rule in choices], [2, 3, 1, 2, 3, None, None], "cap of 2 each"
        )
        self.assertEqual(last, {"a": 3})

    def test_a_care_responsible_does_not_move_the_turn(self):
        teams = {"a": team(present=(1, 2, 3, 9))}
        choices, last = routing.route(
            [("a", None), ("a", 9), ("a", None), ("b", None)], teams, {}, {"a": 3}
        )
        self.assertEqual(
            choices, [(1, ROUND_ROBIN), (9, RESPONSIBLE), (2, ROUND_ROBIN), (None, None)]
        )
        self.assertEqual(last, {"a": 2})

    def test_is_working(self):
        intervals = [(datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 12))]
        self.assertTrue(routing.is_working(intervals, datetime(2026, 3, 2, 8)))
        self.assertTrue(routing.is_working(intervals, datetime(2026, 3, 2, 11, 59)))
        self.assertFalse(routing.is_working(intervals, datetime(2026, 3, 2, 12)))
        self.assertFalse(routing.is_working([], datetime(2026, 3, 2, 9)))

    @settings(max_examples=200, deadline=None)
    @given(
        members=st.lists(st.integers(1, 8), min_size=1, max_size=6, unique=True),
        present=st.sets(st.integers(1, 8)),
        counts=st.dictionaries(st.integers(1, 8), st.integers(0, 5)),
        cap=st.integers(0, 4),
        method=st.sampled_from([ROUND_ROBIN, LEAST_BUSY]),
        size=st.integers(0, 12),
    )
    def test_never_someone_out_nor_beyond_the_cap(
        self, members, present, counts, cap, method, size
    ):
        teams = {"a": team(members, method, cap, present=present)}
        choices, _last = routing.route([("a", None)] * size, teams, counts, {})
        given_work = {}
        for user, _rule in choices:
            if user is not None:
                self.assertIn(user, present)
                self.assertIn(user, members)
                given_work[user] = given_work.get(user, 0) + 1
        for user, new in given_work.items():
            if cap:
                self.assertLessEqual(counts.get(user, 0) + new, cap)
        # nobody left unassigned while someone in could still take one
        if None in [user for user, _rule in choices] and cap == 0:
            self.assertFalse(set(members) & present)

    @given(members=st.lists(st.integers(1, 50), min_size=1, max_size=8, unique=True))
    def test_round_robin_shares_evenly(self, members):
        teams = {"a": team(members)}
        size = 3 * len(members) + 1
        choices, _last = routing.route([("a", None)] * size, teams, {}, {})
        given_work = [user for user, _rule in choices]
        for user in members:
            self.assertIn(given_work.count(user), (3, 4))


class RoutingCommon(IncidentCommon):
    """Two care users in a team working Monday to Friday, 08:00-12:00 and
    13:00-17:00 UTC; ``_intake``: incidents opened as a door opens them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # named so that the team's order (by name) is Anh, then Binh
        cls.anh = new_test_user(cls.env, login="route_anh", name="Anh Route", groups=CARE)
        cls.binh = new_test_user(cls.env, login="route_binh", name="Binh Route", groups=CARE)
        cls.office = cls._calendar("Care office", ((8, 12), (13, 17)))
        cls.team = cls.env["customer.care.team"].create(
            {
                "name": "Routing team",
                "sequence": 1,
                "member_ids": [Command.set((cls.anh | cls.binh).ids)],
                "assignment_method": "round_robin",
                "resource_calendar_id": cls.office.id,
            }
        )
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Routed customer {n}", "email": f"routed{n}@example.com"} for n in range(3)]
        )

    @classmethod
    def _calendar(cls, name, periods, days=range(5), tz="UTC"):
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": stop,
                            "day_period": "morning" if start < 12 else "afternoon",
                        }
                    )
                    for day in days
                    for start, stop in periods
                ],
            }
        )

    def _intake(self, count=1, channel="email", **vals):
        """``count`` incidents opened in one create, as a door opens them."""
        Incident = self.Incident.sudo()
        values = [
            Incident._intake_values(
                channel,
                {
                    "name": f"Routed {n}",
                    "partner_id": self.customers[n % len(self.customers)].id,
                    "team_id": self.team.id,
                    **vals,
                },
            )
            for n in range(count)
        ]
        return Incident.create(values).with_env(self.env)

    def _open_for(self, user, count=1, state=None):
        """``count`` open incidents already given to ``user``."""
        incidents = self._incident_batch(count, user)
        if state:
            incidents.sudo().write({"state": state})
        return incidents

    def _incident_batch(self, count, user):
        return self.Incident.create(
            [
                {"name": f"Open {n}", "partner_id": self.customer.id, "user_id": user.id}
                for n in range(count)
            ]
        )

    def _notes(self, incident):
        return [
            message.body
            for message in incident.message_ids
            if message.message_type == "notification"
            and ("Assigned to" in message.body or "Not assigned" in message.body)
        ]


@tagged("post_install", "-at_install")
class TestRouting(RoutingCommon):
    def test_round_robin_takes_turns_across_doors_and_batches(self):
        with freeze_time(MONDAY_9):
            first = self._intake(3)
            second = self._intake(1, channel="social")
        self.assertEqual(
            [incident.user_id for incident in first + second],
            [self.anh, self.binh, self.anh, self.binh],
        )
        self.assertEqual(self.team.routing_last_user_id, self.binh)
        self.assertEqual(
            self._notes(first[1]),
            [
                "<p>Assigned to Binh Route: next in turn in the care team Routing team "
                "(round robin).</p>"
            ],
        )

    def test_care_responsible_first_even_outside_the_team(self):
        self.customers[0].care_user_id = self.care_manager
        with freeze_time(MONDAY_9):
            incidents = self._intake(2)
        self.assertEqual(incidents[0].user_id, self.care_manager)
        self.assertEqual(
            self._notes(incidents[0]),
            ["<p>Assigned to Manny Manager: the customer's care responsible.</p>"],
        )
        # the responsible's incident does not use the team's turn
        self.assertEqual(incidents[1].user_id, self.anh)

    def test_care_responsible_of_the_company_customer(self):
        company = self.env["res.partner"].create(
            {"name": "Bike Co", "is_company": True, "care_user_id": self.binh.id}
        )
        self.customers[0].parent_id = company
        with freeze_time(MONDAY_9):
            incident = self._intake(1)
        self.assertEqual(incident.user_id, self.binh)

    def test_care_responsible_not_first_when_the_team_says_so(self):
        self.team.assign_care_responsible = False
        self.customers[0].care_user_id = self.binh
        with freeze_time(MONDAY_9):
            incident = self._intake(1)
        self.assertEqual(incident.user_id, self.anh)

    def test_care_responsible_who_cannot_take_it_is_passed_over(self):
        # no care user, or at the cap
        self.customers[0].care_user_id = self.plain_user
        self.customers[1].care_user_id = self.binh
        self.team.write({"assignment_cap": 1})
        self._open_for(self.binh)
        with freeze_time(MONDAY_9):
            incidents = self._intake(2)
        self.assertEqual(incidents.mapped("user_id"), self.anh)
        self.assertEqual(incidents[1].user_id, self.env["res.users"])

    def test_least_busy_counts_open_and_waiting_work_only(self):
        self.team.assignment_method = "least_busy"
        self._open_for(self.anh, 2, state="waiting")
        closed = self._open_for(self.binh, 3)
        closed.sudo().write(
            {"state": "closed", "resolution_type": "instant", "root_cause_id": self.cause.id}
        )
        with freeze_time(MONDAY_9):
            incidents = self._intake(3)
        # Binh has nothing open: twice, then the tie (2 each) goes in turn
        self.assertEqual(
            [incident.user_id for incident in incidents], [self.binh, self.binh, self.anh]
        )
        self.assertEqual(
            self._notes(incidents[2]),
            ["<p>Assigned to Anh Route: the least busy member of the care team Routing team.</p>"],
        )

    def test_cap_reached_by_everyone_leaves_it_unassigned_with_a_note(self):
        self.team.assignment_cap = 2
        self._open_for(self.anh, 2)
        self._open_for(self.binh, 1)
        with freeze_time(MONDAY_9):
            incidents = self._intake(2)
        self.assertEqual(incidents[0].user_id, self.binh)
        self.assertFalse(incidents[1].user_id)
        self.assertEqual(
            self._notes(incidents[1]),
            [
                "<p>Not assigned: nobody of the care team Routing team can take it now (out of "
                "working hours, on time off or at the cap of open incidents). It stays "
                "unassigned for the team to take.</p>"
            ],
        )

    def test_nobody_in_after_hours(self):
        with freeze_time(MONDAY_18):
            incident = self._intake(1)
        self.assertFalse(incident.user_id)
        self.assertTrue(self._notes(incident)[0].startswith("<p>Not assigned"))
        self.assertFalse(self.team.routing_last_user_id)

    def test_public_holiday_of_the_team_calendar(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": self.office.id,
                "date_from": datetime(2026, 3, 2, 0, 0),
                "date_to": datetime(2026, 3, 2, 23, 59, 59),
            }
        )
        with freeze_time(MONDAY_9):
            incident = self._intake(1)
        self.assertFalse(incident.user_id)
        with freeze_time(datetime(2026, 3, 3, 9, 0)):
            self.assertEqual(self._intake(1).user_id, self.anh)

    def test_members_own_working_hours_without_a_team_calendar(self):
        self.team.resource_calendar_id = False
        mornings = self._calendar("Mornings", ((8, 12),))
        afternoons = self._calendar("Afternoons", ((13, 17),))
        self.env["resource.resource"].create(
            [
                {"name": "Anh", "user_id": self.anh.id, "calendar_id": mornings.id, "tz": "UTC"},
                {
                    "name": "Binh",
                    "user_id": self.binh.id,
                    "calendar_id": afternoons.id,
                    "tz": "UTC",
                },
            ]
        )
        with freeze_time(MONDAY_9):
            morning = self._intake(2)
        with freeze_time(MONDAY_14):
            afternoon = self._intake(2)
        self.assertEqual(morning.mapped("user_id"), self.anh)
        self.assertEqual(afternoon.mapped("user_id"), self.binh)

    def test_personal_leave_of_a_member_with_own_hours(self):
        self.team.resource_calendar_id = False
        resource = self.env["resource.resource"].create(
            {"name": "Anh", "user_id": self.anh.id, "calendar_id": self.office.id, "tz": "UTC"}
        )
        self.env["resource.resource"].create(
            {"name": "Binh", "user_id": self.binh.id, "calendar_id": self.office.id, "tz": "UTC"}
        )
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Dentist",
                "calendar_id": self.office.id,
                "resource_id": resource.id,
                "date_from": datetime(2026, 3, 2, 8, 0),
                "date_to": datetime(2026, 3, 2, 12, 0),
            }
        )
        with freeze_time(MONDAY_9):
            incidents = self._intake(2)
        self.assertEqual(incidents.mapped("user_id"), self.binh)

    def test_only_active_care_users_of_the_company_take_work(self):
        gone = new_test_user(self.env, login="route_gone", name="Aaron Gone", groups=CARE)
        gone.active = False
        self.team.member_ids = [Command.link(gone.id), Command.link(self.plain_user.id)]
        with freeze_time(MONDAY_9):
            incidents = self._intake(3)
        self.assertEqual(
            [incident.user_id for incident in incidents], [self.anh, self.binh, self.anh]
        )

    def test_incident_without_team_goes_to_the_first_routing_team(self):
        self.env["customer.care.team"].create(
            {"name": "By hand", "sequence": 0, "member_ids": [Command.set(self.anh.ids)]}
        )
        with freeze_time(MONDAY_9):
            incident = self._intake(1, team_id=False)
        self.assertEqual(incident.team_id, self.team)
        self.assertEqual(incident.user_id, self.anh)

    def test_manual_team_or_a_given_user_is_left_alone(self):
        self.team.assignment_method = "manual"
        with freeze_time(MONDAY_9):
            manual = self._intake(1)
            self.team.assignment_method = "round_robin"
            given = self._intake(1, user_id=self.care_user.id)
        self.assertFalse(manual.user_id)
        self.assertFalse(self._notes(manual))
        self.assertEqual(given.user_id, self.care_user)
        self.assertFalse(self._notes(given))
        self.assertFalse(self.team.routing_last_user_id)

    def test_incident_recorded_by_hand_is_not_routed(self):
        with freeze_time(MONDAY_9):
            incident = self.Incident.with_user(self.care_manager).create(
                {
                    "name": "Phone call",
                    "partner_id": self.customer.id,
                    "team_id": self.team.id,
                    "user_id": False,
                }
            )
        self.assertFalse(incident.user_id)
        self.assertFalse(self._notes(incident))

    def test_archived_team_routes_nothing(self):
        self.team.action_archive()
        with freeze_time(MONDAY_9):
            incident = self._intake(1)
        self.assertEqual(incident.team_id, self.team)
        self.assertFalse(incident.user_id)

    def test_routing_a_batch_costs_the_same_queries_for_3_and_30_incidents(self):
        self.customers[0].care_user_id = self.care_manager
        Incident = self.Incident.sudo()

        def values(count):
            return [
                Incident._intake_values(
                    "social",
                    {
                        "name": f"Chat {n}",
                        "partner_id": self.customers[n % 3].id,
                        "team_id": self.team.id if n % 2 else False,
                    },
                )
                for n in range(count)
            ]

        # the teams, customers, members, who may take work, the calendar
        # and its leaves, the open incidents, the names, the team's turn;
        # with Time Off installed, the people's time off too
        queries = 13 + ("hr.leave" in self.env)
        with freeze_time(MONDAY_9):
            Incident._route_values(values(1))  # the calendars' attendances, cached
            self.env.invalidate_all()
            self.env.flush_all()
            with self.assertQueryCount(queries):
                small = Incident._route_values(values(3))
            self.env.invalidate_all()
            self.env.flush_all()
            with self.assertQueryCount(queries):
                large = Incident._route_values(values(30))
        self.assertEqual(len(small), 3)
        self.assertTrue(all(large))

    def test_cap_cannot_be_negative(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.team.assignment_cap = -1

    def test_managers_configure_routing_in_the_team_form(self):
        with Form(self.team.with_user(self.care_manager)) as form:
            form.assignment_method = "least_busy"
            form.assignment_cap = 4
            form.assign_care_responsible = False
        self.assertEqual(
            (self.team.assignment_method, self.team.assignment_cap),
            ("least_busy", 4),
        )
        self.assertFalse(self.team.assign_care_responsible)


@tagged("post_install", "-at_install")
class TestTeamClocks(RoutingCommon):
    """The team's working hours run the SLA clocks of its incidents
    instead of the policy's (here round the clock)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": cls.office.id,
                "date_from": datetime(2026, 3, 9, 0, 0),
                "date_to": datetime(2026, 3, 9, 23, 59, 59),
            }
        )
        cls.other_team = cls.env["customer.care.team"].create({"name": "Round the clock"})

    def test_team_hours_skip_weekend_and_holiday(self):
        with freeze_time(datetime(2026, 3, 6, 16, 30)):  # Friday
            incident = self._intake(1)
            round_the_clock = self._intake(1, team_id=self.other_team.id)
        self.assertFalse(self.policy.resource_calendar_id)
        self.assertEqual(incident.sla_policy_id, round_the_clock.sla_policy_id)
        # 30 minutes on Friday, Monday is a holiday, 30 minutes on Tuesday
        self.assertEqual(incident.response_deadline, datetime(2026, 3, 10, 8, 30))
        self.assertEqual(incident.target_deadline, datetime(2026, 3, 11, 11, 30))
        self.assertEqual(incident.resolution_deadline, datetime(2026, 3, 12, 16, 30))
        self.assertEqual(round_the_clock.response_deadline, datetime(2026, 3, 6, 17, 30))
        self.assertEqual(round_the_clock.resolution_deadline, datetime(2026, 3, 7, 16, 30))

    def test_a_new_team_calendar_moves_open_incidents_only(self):
        with freeze_time(datetime(2026, 3, 6, 16, 30)):
            open_incident = self._intake(1, team_id=self.other_team.id)
            solved = self._intake(1, team_id=self.other_team.id)
            solved.write({"resolution_type": "instant", "root_cause_id": self.cause.id})
            solved.action_resolve()
            self.other_team.resource_calendar_id = self.office
        self.assertEqual(open_incident.resolution_deadline, datetime(2026, 3, 12, 16, 30))
        self.assertEqual(solved.resolution_deadline, datetime(2026, 3, 7, 16, 30))

    def test_moving_an_incident_to_another_team_moves_its_clocks(self):
        with freeze_time(datetime(2026, 3, 6, 16, 30)):
            incident = self._intake(1, team_id=self.other_team.id)
            self.assertEqual(incident.response_deadline, datetime(2026, 3, 6, 17, 30))
            incident.team_id = self.team
        self.assertEqual(incident.response_deadline, datetime(2026, 3, 10, 8, 30))

    def test_waiting_pauses_the_clock_in_the_team_hours(self):
        with freeze_time(datetime(2026, 3, 3, 16, 0)):  # Tuesday
            incident = self._intake(1)
            incident.action_start()
            incident.action_wait_for_customer()
            resolution = incident.resolution_deadline
        with freeze_time(datetime(2026, 3, 4, 9, 0)):  # Wednesday
            incident.action_resume_waiting()
        # Tuesday 16:00-17:00 and Wednesday 08:00-09:00: two working hours
        self.assertEqual(incident.waiting_clock_hours, 2.0)
        self.assertEqual(incident.waiting_hours, 17.0)
        # 24 working hours from Tuesday 16:00 end Friday 16:00; two more: Monday 9 is a
        # holiday, so Tuesday 10 at 09:00
        self.assertEqual(resolution, datetime(2026, 3, 6, 16, 0))
        self.assertEqual(incident.resolution_deadline, datetime(2026, 3, 10, 9, 0))


@tagged("post_install", "-at_install")
class TestEmailDoorRouting(InboundMailCase):
    def test_an_email_is_assigned_in_the_same_transaction_and_logged(self):
        always = self.env["resource.calendar"].create(
            {
                "name": "Round the clock",
                "tz": "UTC",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day}",
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        self.team.write({"assignment_method": "round_robin", "resource_calendar_id": always.id})
        incident = self._receive("Saddle height", "How do I raise it?")
        self.assertEqual(incident.user_id, self.care_user)
        self.assertEqual(self.team.routing_last_user_id, self.care_user)
        notes = incident.message_ids.filtered(
            lambda m: m.message_type == "notification" and "Assigned to" in m.body
        )
        self.assertEqual(len(notes), 1)
        self.assertIn("Cara User", notes.body)
        self.assertIn("round robin", notes.body)
