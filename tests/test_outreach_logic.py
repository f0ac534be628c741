"""The pure rules of the scheduled outreach (brief §3, §8)."""

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care.logic import outreach


@tagged("post_install", "-at_install")
class TestOutreachRules(BaseCase):
    def test_leap_day_birthdays_fall_on_28_february_in_common_years(self):
        born = date(2000, 2, 29)
        self.assertEqual(outreach.yearly_due(born, date(2027, 2, 28)), date(2027, 2, 28))
        self.assertIsNone(outreach.yearly_due(born, date(2027, 3, 1)))
        self.assertIsNone(outreach.yearly_due(born, date(2028, 2, 28)))
        self.assertEqual(outreach.yearly_due(born, date(2028, 2, 29)), date(2028, 2, 29))
        self.assertIn("02-29", outreach.candidate_month_days(date(2027, 2, 28)))
        self.assertNotIn("02-29", outreach.candidate_month_days(date(2028, 2, 10)))

    def test_lead_time_contacts_before_the_day(self):
        born = date(1990, 7, 4)
        self.assertEqual(outreach.yearly_due(born, date(2026, 7, 1), lead_days=3), date(2026, 7, 4))
        self.assertIsNone(outreach.yearly_due(born, date(2026, 7, 4), lead_days=3))
        self.assertIn("07-04", outreach.candidate_month_days(date(2026, 7, 1), lead_days=3))

    def test_an_anniversary_needs_a_full_year(self):
        since = date(2026, 3, 10)
        self.assertIsNone(outreach.yearly_due(since, date(2026, 3, 10), min_years=1))
        self.assertEqual(
            outreach.yearly_due(since, date(2027, 3, 10), min_years=1), date(2027, 3, 10)
        )

    def test_period_keys(self):
        day = date(2026, 11, 23)
        self.assertEqual(outreach.bucket_key(day, "day"), "2026-11-23")
        self.assertEqual(outreach.bucket_key(day, "week"), "2026-W48")
        self.assertEqual(outreach.bucket_key(day, "month"), "2026-11")
        self.assertEqual(outreach.bucket_key(day, "quarter"), "2026-Q4")
        self.assertEqual(outreach.bucket_key(day, "year"), "2026")

    def test_sending_window(self):
        self.assertTrue(outreach.in_sending_window(3.0, 0, 0, all_day=True))
        self.assertTrue(outreach.in_sending_window(3.0, 8, 20, all_day=True))
        # equal hours without "any hour" are an empty window, not "always"
        self.assertFalse(outreach.in_sending_window(3.0, 0, 0))
        self.assertTrue(outreach.in_sending_window(8.0, 8, 20))
        self.assertFalse(outreach.in_sending_window(20.0, 8, 20))
        self.assertFalse(outreach.in_sending_window(7.99, 8, 20))
        # a window over midnight
        self.assertTrue(outreach.in_sending_window(23.0, 20, 8))
        self.assertTrue(outreach.in_sending_window(1.0, 20, 8))
        self.assertFalse(outreach.in_sending_window(12.0, 20, 8))

    def test_consent_and_addresses(self):
        skip = outreach.contact_skip_reason
        self.assertEqual(skip("email", None, False, "+1", False), "no_email")
        self.assertEqual(skip("email", "a@b.c", True, None, False), "blacklisted")
        self.assertIsNone(skip("email", "a@b.c", False, None, True))
        self.assertEqual(skip("sms", "a@b.c", False, None, False), "no_phone")
        self.assertEqual(skip("sms", None, False, "+84912345678", True), "blacklisted")
        # a number too short or too long for any phone is no number
        self.assertEqual(skip("sms", None, False, "12", False), "no_phone")
        self.assertEqual(skip("sms", None, False, "+84 1234567890123456", False), "no_phone")
        self.assertIsNone(skip("sms", None, False, "+84 912 345 678", False))
        self.assertIsNone(skip("phone", None, False, None, False))

    def test_cap(self):
        self.assertFalse(outreach.over_cap(5, 0))
        self.assertFalse(outreach.over_cap(2, 3))
        self.assertTrue(outreach.over_cap(3, 3))

    def test_assignment_policies(self):
        members = [11, 12, 13]
        self.assertEqual(outreach.assign("care_responsible", 5, 6, members), (5, 0))
        self.assertEqual(outreach.assign("care_responsible", None, 6, members), (6, 0))
        self.assertEqual(outreach.assign("care_responsible", None, None, members, 4), (12, 5))
        self.assertEqual(outreach.assign("salesperson", 5, 6, members), (6, 0))
        self.assertEqual(outreach.assign("round_robin", 5, 6, members, 2), (13, 3))
        self.assertEqual(outreach.assign("round_robin", 5, 6, [], 2), (None, 2))

    def test_tenure(self):
        self.assertEqual(outreach.tenure_years(date(2020, 11, 24), date(2026, 11, 23)), 5)
        self.assertEqual(outreach.tenure_years(date(2020, 11, 23), date(2026, 11, 23)), 6)

    @settings(max_examples=300, deadline=None)
    @given(
        st.dates(min_value=date(1920, 1, 1), max_value=date(2030, 12, 31)),
        st.integers(min_value=2000, max_value=2040),
    )
    def test_a_yearly_occasion_is_due_exactly_once_a_year(self, origin, year):
        if year < origin.year:
            return  # not born yet: never due, checked below
        due = [
            d
            for d in (
                date(year, 1, 1).fromordinal(date(year, 1, 1).toordinal() + i) for i in range(366)
            )
            if d.year == year and outreach.yearly_due(origin, d)
        ]
        self.assertEqual(len(due), 1)

    def test_no_occasion_before_its_origin(self):
        self.assertIsNone(outreach.yearly_due(date(2001, 1, 1), date(2000, 1, 1)))

    @settings(max_examples=300, deadline=None)
    @given(st.dates(), st.sampled_from([p for p, _label in outreach.PERIODS]))
    def test_period_key_is_one_per_period(self, day, period):
        key = outreach.bucket_key(day, period)
        self.assertEqual(key, outreach.bucket_key(day, period))
        if period == "year":
            self.assertEqual(outreach.bucket_key(day.replace(month=1, day=1), period), key)
        # the key changes exactly where a new period starts (calendar rules
        # written here, not the function's)
        assume(day < date.max)
        following = day + timedelta(days=1)
        starts = {
            "day": True,
            "week": following.weekday() == 0,
            "month": following.day == 1,
            "quarter": following.day == 1 and following.month % 3 == 1,
            "year": (following.month, following.day) == (1, 1),
        }
        self.assertEqual(outreach.bucket_key(following, period) != key, starts[period])
