"""SLA clock arithmetic, called directly (brief §5): calendar time, working
time across nights, weekends and holidays, states, escalation levels."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care.logic import sla
from odoo.addons.customer_care.logic.incidents import recurring_customers

from .sla_schedules import hours_between, weekly_intervals

# Monday to Friday, 08:00-12:00 and 13:00-17:00 local time
OFFICE = [(day, 8.0, 12.0) for day in range(5)] + [(day, 13.0, 17.0) for day in range(5)]
# 2026-03-02 is a Monday
MONDAY = date(2026, 3, 2)
STANDARD = sla.SlaTerms(response_hours=1, resolution_hours=24, target_hours=12, at_risk_share=0.8)


def office_time(tz="UTC", holidays=()):
    return sla.WorkingTime(
        weekly_intervals(OFFICE, MONDAY, MONDAY + timedelta(days=27), tz, holidays)
    )


@tagged("post_install", "-at_install")
class TestCalendarTime(BaseCase):
    def test_standard_policy_deadlines(self):
        received = datetime(2026, 3, 6, 22, 30)  # Friday night
        deadlines = sla.compute_deadlines(received, STANDARD)
        self.assertEqual(deadlines.response, datetime(2026, 3, 6, 23, 30))
        self.assertEqual(deadlines.response_risk, datetime(2026, 3, 6, 23, 18))
        self.assertEqual(deadlines.target, datetime(2026, 3, 7, 10, 30))
        self.assertEqual(deadlines.resolution, datetime(2026, 3, 7, 22, 30))
        # 80 % of 24 h is 19.2 h, but the 12 h target comes first
        self.assertEqual(deadlines.resolution_risk, datetime(2026, 3, 7, 10, 30))

    def test_loose_target_leaves_the_share_deciding(self):
        terms = sla.SlaTerms(
            response_hours=2, resolution_hours=10, target_hours=10, at_risk_share=0.5
        )
        deadlines = sla.compute_deadlines(datetime(2026, 3, 2, 8, 0), terms)
        self.assertEqual(deadlines.resolution_risk, datetime(2026, 3, 2, 13, 0))
        self.assertEqual(deadlines.response_risk, datetime(2026, 3, 2, 9, 0))


@tagged("post_install", "-at_install")
class TestWorkingTime(BaseCase):
    def test_within_a_working_morning(self):
        self.assertEqual(
            office_time().add(datetime(2026, 3, 2, 9, 15), 1), datetime(2026, 3, 2, 10, 15)
        )

    def test_lunch_break_is_skipped(self):
        self.assertEqual(
            office_time().add(datetime(2026, 3, 2, 11, 30), 1), datetime(2026, 3, 2, 13, 30)
        )

    def test_night_is_skipped(self):
        # 16:30 Tuesday + 1 h = 30 min on Tuesday + 30 min on Wednesday
        self.assertEqual(
            office_time().add(datetime(2026, 3, 3, 16, 30), 1), datetime(2026, 3, 4, 8, 30)
        )

    def test_received_at_night_starts_next_morning(self):
        self.assertEqual(
            office_time().add(datetime(2026, 3, 3, 21, 0), 1), datetime(2026, 3, 4, 9, 0)
        )

    def test_weekend_is_skipped(self):
        # Friday 16:00 + 24 working hours: 1 h Friday, 8 h Mon, 8 h Tue, 7 h Wed
        self.assertEqual(
            office_time().add(datetime(2026, 3, 6, 16, 0), 24), datetime(2026, 3, 11, 16, 0)
        )
        # received on Saturday: the clock starts on Monday morning
        self.assertEqual(
            office_time().add(datetime(2026, 3, 7, 10, 0), 1), datetime(2026, 3, 9, 9, 0)
        )

    def test_public_holiday_is_skipped(self):
        holiday = [(datetime(2026, 3, 9, 0, 0), datetime(2026, 3, 10, 0, 0))]  # Monday off
        working = office_time(holidays=holiday)
        self.assertEqual(working.add(datetime(2026, 3, 6, 16, 30), 1), datetime(2026, 3, 10, 8, 30))

    def test_half_day_holiday_cuts_the_afternoon(self):
        holiday = [(datetime(2026, 3, 4, 12, 0), datetime(2026, 3, 4, 23, 59))]
        working = office_time(holidays=holiday)
        self.assertEqual(working.add(datetime(2026, 3, 4, 11, 0), 2), datetime(2026, 3, 5, 9, 0))

    def test_time_zone_of_the_schedule(self):
        # 08:00 in Ho Chi Minh City (UTC+7) is 01:00 UTC
        working = office_time("Asia/Ho_Chi_Minh")
        self.assertEqual(working.add(datetime(2026, 3, 2, 0, 0), 1), datetime(2026, 3, 2, 2, 0))
        # Friday 16:30 local (09:30 UTC) + 1 h = Monday 08:30 local (01:30 UTC)
        self.assertEqual(working.add(datetime(2026, 3, 6, 9, 30), 1), datetime(2026, 3, 9, 1, 30))

    def test_standard_policy_in_working_time(self):
        deadlines = sla.compute_deadlines(datetime(2026, 3, 6, 16, 0), STANDARD, office_time())
        # 16:00-17:00 on Friday is working time
        self.assertEqual(deadlines.response, datetime(2026, 3, 6, 17, 0))
        self.assertEqual(deadlines.response_risk, datetime(2026, 3, 6, 16, 48))
        # 12 working hours: 1 h Friday, 8 h Monday, 3 h Tuesday
        self.assertEqual(deadlines.target, datetime(2026, 3, 10, 11, 0))
        self.assertEqual(deadlines.resolution, datetime(2026, 3, 11, 16, 0))

    def test_intervals_running_out_give_no_deadline(self):
        working = sla.WorkingTime([(datetime(2026, 3, 2, 8), datetime(2026, 3, 2, 12))])
        self.assertIsNone(working.add(datetime(2026, 3, 2, 9), 5))
        self.assertIsNone(sla.compute_deadlines(datetime(2026, 3, 2, 9), STANDARD, working))

    def test_working_hours_between(self):
        self.assertEqual(
            hours_between(office_time(), datetime(2026, 3, 6, 16, 0), datetime(2026, 3, 9, 9, 0)),
            2.0,
        )

    def test_subtract_and_merge(self):
        d = datetime(2026, 3, 2)
        self.assertEqual(
            sla.subtract_intervals(
                [(d, d + timedelta(hours=10))], [(d + timedelta(hours=2), d + timedelta(hours=3))]
            ),
            [(d, d + timedelta(hours=2)), (d + timedelta(hours=3), d + timedelta(hours=10))],
        )
        self.assertEqual(
            sla.merge_intervals(
                [(d + timedelta(hours=1), d + timedelta(hours=3)), (d, d + timedelta(hours=2))]
            ),
            [(d, d + timedelta(hours=3))],
        )


@tagged("post_install", "-at_install")
class TestClockStates(BaseCase):
    received = datetime(2026, 3, 2, 8, 0)

    def clocks(self, responded=None, resolved=None):
        deadlines = sla.compute_deadlines(self.received, STANDARD)
        return [
            sla.Clock(deadlines.response_risk, deadlines.response, responded),
            sla.Clock(deadlines.resolution_risk, deadlines.resolution, resolved),
        ]

    def at(self, hours, minutes=0):
        return self.received + timedelta(hours=hours, minutes=minutes)

    def test_on_track_then_at_risk_then_breached(self):
        clocks = self.clocks()
        self.assertEqual(sla.sla_state(self.at(0, 47), clocks), sla.ON_TRACK)
        self.assertEqual(sla.sla_state(self.at(0, 48), clocks), sla.AT_RISK)
        self.assertEqual(sla.sla_state(self.at(1), clocks), sla.BREACHED)

    def test_acknowledged_in_time_runs_the_resolution_clock(self):
        clocks = self.clocks(responded=self.at(0, 30))
        self.assertEqual(sla.sla_state(self.at(5), clocks), sla.ON_TRACK)
        self.assertEqual(sla.sla_state(self.at(12), clocks), sla.AT_RISK)
        self.assertEqual(sla.sla_state(self.at(24), clocks), sla.BREACHED)

    def test_a_late_response_stays_breached(self):
        clocks = self.clocks(responded=self.at(2), resolved=self.at(3))
        self.assertEqual(sla.sla_state(self.at(100), clocks), sla.BREACHED)

    def test_resolved_in_time_is_on_track_for_good(self):
        clocks = self.clocks(responded=self.at(0, 10), resolved=self.at(20))
        self.assertEqual(sla.sla_state(self.at(100), clocks), sla.ON_TRACK)

    def test_escalation_levels(self):
        clocks = self.clocks()
        self.assertEqual(sla.escalation_level(self.at(0, 59), clocks, 4), 0)
        self.assertEqual(sla.escalation_level(self.at(1), clocks, 4), 1)
        self.assertEqual(sla.escalation_level(self.at(4, 59), clocks, 4), 1)
        # the breach lasted the extra 4 hours
        self.assertEqual(sla.escalation_level(self.at(5), clocks, 4), 2)

    def test_second_breached_clock_reaches_senior_management(self):
        clocks = self.clocks(responded=self.at(2))  # late response, then
        self.assertEqual(sla.escalation_level(self.at(23), clocks, 48), 1)
        self.assertEqual(sla.escalation_level(self.at(24), clocks, 48), 2)

    def test_next_check_walks_the_transitions(self):
        clocks = self.clocks()
        self.assertEqual(sla.next_check(self.received, clocks, 4), self.at(0, 48))
        self.assertEqual(sla.next_check(self.at(0, 48), clocks, 4), self.at(1))
        self.assertEqual(sla.next_check(self.at(1), clocks, 4), self.at(5))
        self.assertEqual(sla.next_check(self.at(5), clocks, 4), self.at(12))
        self.assertEqual(sla.next_check(self.at(12), clocks, 4), self.at(24))
        self.assertIsNone(sla.next_check(self.at(24), clocks, 4))

    def test_duration_text(self):
        self.assertEqual(sla.duration_text(125), "2h 05m")
        self.assertEqual(sla.duration_text(-(26 * 60 + 10)), "1d 2h")


@tagged("post_install", "-at_install")
class TestRecurrence(BaseCase):
    now = datetime(2026, 3, 31, 12, 0)

    def test_enough_distinct_customers_in_the_window(self):
        hits = {1: datetime(2026, 3, 30), 2: datetime(2026, 3, 20), 3: datetime(2026, 3, 2)}
        self.assertEqual(recurring_customers(hits, self.now, 30, 3), [1, 2, 3])

    def test_customers_outside_the_window_do_not_count(self):
        hits = {1: datetime(2026, 3, 30), 2: datetime(2026, 3, 20), 3: datetime(2026, 2, 1)}
        self.assertEqual(recurring_customers(hits, self.now, 30, 3), [])

    def test_one_alert_per_window(self):
        hits = {1: datetime(2026, 3, 30), 2: datetime(2026, 3, 20), 3: datetime(2026, 3, 10)}
        self.assertEqual(recurring_customers(hits, self.now, 30, 3, datetime(2026, 3, 15)), [])
        self.assertEqual(
            recurring_customers(hits, self.now, 30, 3, datetime(2026, 2, 15)), [1, 2, 3]
        )


moments = st.datetimes(min_value=datetime(2026, 3, 2), max_value=datetime(2026, 3, 13))
hours = st.floats(min_value=0, max_value=40, allow_nan=False)


@tagged("post_install", "-at_install")
class TestSlaProperties(BaseCase):
    working = office_time("Asia/Bangkok", holidays=[(datetime(2026, 3, 10), datetime(2026, 3, 11))])

    @settings(max_examples=200, deadline=None)
    @given(moments, hours)
    def test_deadline_never_before_reception(self, received, spent):
        for working in (None, self.working):
            deadline = sla.add_hours(received, spent, working)
            self.assertGreaterEqual(deadline, received)

    @settings(max_examples=200, deadline=None)
    @given(moments, moments, hours)
    def test_deadline_monotonic_in_reception(self, first, second, spent):
        first, second = sorted((first, second))
        for working in (None, self.working):
            self.assertLessEqual(
                sla.add_hours(first, spent, working), sla.add_hours(second, spent, working)
            )

    @settings(max_examples=200, deadline=None)
    @given(moments, hours, hours)
    def test_deadline_monotonic_in_hours(self, received, few, many):
        few, many = sorted((few, many))
        for working in (None, self.working):
            self.assertLessEqual(
                sla.add_hours(received, few, working), sla.add_hours(received, many, working)
            )

    @settings(max_examples=200, deadline=None)
    @given(moments, hours)
    def test_working_hours_added_are_worked(self, received, spent):
        deadline = self.working.add(received, spent)
        self.assertAlmostEqual(hours_between(self.working, received, deadline), spent, places=4)
