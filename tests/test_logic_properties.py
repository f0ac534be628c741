"""Properties of the pure rules not pinned elsewhere: SLA clocks in working
time and in time order, the care sequence, follow-up channels, cadence and
age, phone numbers and assignment (brief §2, §3, §5, §8)."""

from datetime import date, datetime, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care.logic import cadence, care_sequence, followup, outreach, sla
from odoo.addons.customer_care.logic.channels import CHANNELS

from .sla_schedules import weekly_intervals

# Monday to Friday 08:00-12:00 and 13:00-17:00 UTC; 2026-03-02 is a Monday
OFFICE = [(day, 8.0, 12.0) for day in range(5)] + [(day, 13.0, 17.0) for day in range(5)]
MONDAY = date(2026, 3, 2)
HOLIDAY = date(2026, 3, 10)  # a Tuesday
WORKING = sla.WorkingTime(
    weekly_intervals(
        OFFICE,
        MONDAY,
        MONDAY + timedelta(days=41),
        "UTC",
        holidays=[(datetime(2026, 3, 10), datetime(2026, 3, 11))],
    )
)
moments = st.datetimes(min_value=datetime(2026, 3, 2), max_value=datetime(2026, 3, 20))
positive_hours = st.floats(min_value=0.01, max_value=60, allow_nan=False)
CHANNEL_CODES = [code for code, _label in CHANNELS]


def clocks_strategy():
    """One or two clocks, each with its risk moment before its deadline,
    some already stopped."""
    clock = st.builds(
        lambda start, risk, rest, done: sla.Clock(
            start + timedelta(hours=risk),
            start + timedelta(hours=risk + rest),
            None if done is None else start + timedelta(hours=done),
        ),
        moments,
        st.floats(min_value=0, max_value=30, allow_nan=False),
        st.floats(min_value=0.01, max_value=30, allow_nan=False),
        st.none() | st.floats(min_value=-10, max_value=70, allow_nan=False),
    )
    return st.lists(clock, min_size=1, max_size=2)


@tagged("post_install", "-at_install")
class TestSlaClockProperties(BaseCase):
    @settings(max_examples=200, deadline=None)
    @given(moments, positive_hours)
    def test_a_working_time_deadline_falls_in_office_hours(self, received, spent):
        deadline = sla.add_hours(received, spent, WORKING)
        hour = deadline.hour + deadline.minute / 60 + deadline.second / 3600
        self.assertLess(deadline.weekday(), 5, "never on a weekend")
        self.assertNotEqual(deadline.date(), HOLIDAY, "never on a public holiday")
        self.assertTrue(8 <= hour <= 17 and not 12 < hour < 13, deadline)

    @settings(max_examples=200, deadline=None)
    @given(moments, positive_hours)
    def test_working_time_never_runs_faster_than_the_clock(self, received, spent):
        self.assertGreaterEqual(
            sla.add_hours(received, spent, WORKING), sla.add_hours(received, spent)
        )

    @settings(max_examples=200, deadline=None)
    @given(clocks_strategy(), moments, moments)
    def test_state_and_escalation_never_go_back(self, clocks, first, second):
        first, second = sorted((first, second))
        # a stopped clock stopped in the past: the moments come after it
        assume(all(c.done_at is None or c.done_at <= first for c in clocks))
        severity = {sla.ON_TRACK: 0, sla.AT_RISK: 1, sla.BREACHED: 2}
        running = [c for c in clocks if c.done_at is None]
        if running == clocks:
            self.assertLessEqual(
                severity[sla.sla_state(first, clocks)], severity[sla.sla_state(second, clocks)]
            )
        self.assertLessEqual(
            sla.escalation_level(first, clocks, 4), sla.escalation_level(second, clocks, 4)
        )
        if sla.sla_state(first, clocks) == sla.BREACHED:
            self.assertEqual(sla.sla_state(second, clocks), sla.BREACHED)

    @settings(max_examples=200, deadline=None)
    @given(clocks_strategy(), moments)
    def test_next_check_is_in_the_future_and_nothing_changes_before_it(self, clocks, now):
        assume(all(c.done_at is None or c.done_at <= now for c in clocks))
        upcoming = sla.next_check(now, clocks, 4)
        if upcoming is None:
            later = now + timedelta(days=30)
            self.assertEqual(sla.sla_state(later, clocks), sla.sla_state(now, clocks))
            return
        self.assertGreater(upcoming, now)
        just_before = max(now, upcoming - timedelta(microseconds=1))
        self.assertEqual(sla.sla_state(just_before, clocks), sla.sla_state(now, clocks))
        self.assertEqual(
            sla.escalation_level(just_before, clocks, 4), sla.escalation_level(now, clocks, 4)
        )


@tagged("post_install", "-at_install")
class TestCareRuleProperties(BaseCase):
    states = st.dictionaries(
        st.sampled_from(care_sequence.STEP_CODES), st.sampled_from(["todo", "done", "skipped"])
    )

    @settings(max_examples=200, deadline=None)
    @given(states)
    def test_the_next_step_is_the_only_one_that_may_close(self, states):
        remaining = care_sequence.open_steps(states)
        self.assertEqual(remaining, [c for c in care_sequence.STEP_CODES if c in remaining])
        if remaining:
            self.assertIsNone(care_sequence.blocking_step(remaining[0], states))
            for later in remaining[1:]:
                self.assertIsNotNone(care_sequence.blocking_step(later, states))

    @settings(max_examples=200, deadline=None)
    @given(
        st.sampled_from(CHANNEL_CODES),
        st.dictionaries(
            st.sampled_from(CHANNEL_CODES), st.lists(st.sampled_from(CHANNEL_CODES), max_size=3)
        ),
    )
    def test_a_follow_up_always_uses_another_channel(self, channel, rules):
        self.assertNotEqual(followup.followup_channel(channel, rules), channel)

    @settings(max_examples=200, deadline=None)
    @given(st.dates(), st.dates(), st.integers(min_value=-5, max_value=400))
    def test_next_care_date_and_age(self, birthdate, today, cadence_days):
        age = cadence.age_on(birthdate, today)
        if birthdate <= today:
            self.assertGreaterEqual(age, 0)
            self.assertLessEqual(cadence.age_on(birthdate, today + timedelta(days=1)) - age, 1)
        due = cadence.next_care_date(None, cadence_days, today)
        self.assertEqual(due, today if cadence_days > 0 else None)

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet="0123456789", min_size=0, max_size=20), st.sampled_from(["", "+"]))
    def test_phone_formatting_does_not_change_reachability(self, digits, prefix):
        spaced = prefix + " ".join(digits[i : i + 3] for i in range(0, len(digits), 3))
        self.assertEqual(outreach.plausible_phone(prefix + digits), 7 <= len(digits) <= 15)
        self.assertEqual(outreach.plausible_phone(spaced), outreach.plausible_phone(digits))

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=6, unique=True),
        st.integers(min_value=0, max_value=100),
        st.integers(min_value=1, max_value=60),
    )
    def test_round_robin_shares_the_plans_evenly(self, members, start, plans):
        counts = dict.fromkeys(members, 0)
        position = start
        for _plan in range(plans):
            user, position = outreach.assign("round_robin", None, None, members, position)
            counts[user] += 1
        self.assertLessEqual(max(counts.values()) - min(counts.values()), 1)
        self.assertEqual(position, start + plans)
