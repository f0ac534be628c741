"""The pure care rules, called directly (brief §1, §3, §6).

They run under pytest-odoo like the rest of the suite (the addon package
imports through Odoo), but touch no database.
"""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from odoo.tests import BaseCase, tagged

from odoo.addons.customer_care.logic import cadence, care_state, classification, lifetime_value
from odoo.addons.customer_care.logic.classification import GroupRule, PartnerFacts

TODAY = date(2026, 6, 15)

VIP = GroupRule(1, classification.RULE_TOP_REVENUE, sequence=10, top_percent=5, period_days=365)
ACQ = GroupRule(2, classification.RULE_REFERRAL, sequence=20)
ONLINE = GroupRule(3, classification.RULE_ONLINE, sequence=30, online_share=50)
REGULAR = GroupRule(4, classification.RULE_REGULAR, sequence=40, min_orders=3, period_days=365)
OCCASIONAL = GroupRule(5, classification.RULE_OCCASIONAL, sequence=50)
MANUAL = GroupRule(6, classification.RULE_MANUAL, sequence=1)
RULES = classification.sort_rules([OCCASIONAL, REGULAR, ONLINE, ACQ, VIP, MANUAL])


def days_ago(*days):
    return tuple(TODAY - timedelta(days=d) for d in days)


@tagged("post_install", "-at_install")
class TestClassification(BaseCase):
    def test_referral_makes_an_acquaintance(self):
        facts = PartnerFacts(referred=True, order_dates=days_ago(10))
        self.assertEqual(classification.classify(facts, RULES, TODAY), 2)

    def test_majority_of_online_orders_makes_an_online_customer(self):
        facts = PartnerFacts(order_dates=days_ago(1, 2, 3), online_orders=2)
        self.assertEqual(classification.classify(facts, RULES, TODAY), 3)

    def test_half_online_is_not_most(self):
        # 2 of 4 orders online is not "most orders"; 4 recent orders are regular
        facts = PartnerFacts(order_dates=days_ago(1, 2, 3, 4), online_orders=2)
        self.assertEqual(classification.classify(facts, RULES, TODAY), 4)

    def test_regular_needs_enough_orders_inside_the_period(self):
        inside = PartnerFacts(order_dates=days_ago(5, 100, 364))
        self.assertEqual(classification.classify(inside, RULES, TODAY), 4)
        one_too_old = PartnerFacts(order_dates=days_ago(5, 100, 366))
        self.assertEqual(classification.classify(one_too_old, RULES, TODAY), 5)

    def test_outside_home_area_is_occasional_even_when_frequent(self):
        facts = PartnerFacts(order_dates=days_ago(1, 2, 3, 4, 5), outside_home_area=True)
        self.assertEqual(classification.classify(facts, RULES, TODAY), 5)

    def test_top_revenue_rank_makes_a_vip(self):
        facts = PartnerFacts(order_dates=days_ago(1), referred=True, top_group_ids=frozenset({1}))
        self.assertEqual(classification.classify(facts, RULES, TODAY), 1)

    def test_never_bought_nor_referred_has_no_group(self):
        self.assertIsNone(classification.classify(PartnerFacts(), RULES, TODAY))

    def test_manual_group_never_matches_automatically(self):
        facts = PartnerFacts(order_dates=days_ago(1))
        self.assertFalse(classification.rule_matches(MANUAL, facts, TODAY))

    def test_pinned_group_wins_over_every_rule(self):
        facts = PartnerFacts(top_group_ids=frozenset({1}), referred=True, locked_group_id=5)
        self.assertEqual(classification.classify(facts, RULES, TODAY), 5)

    def test_precedence_follows_sequence_then_id(self):
        facts = PartnerFacts(referred=True, order_dates=days_ago(1, 2, 3), online_orders=3)
        self.assertEqual(classification.classify(facts, RULES, TODAY), 2)
        online_first = classification.sort_rules(
            [GroupRule(3, classification.RULE_ONLINE, sequence=15), ACQ, OCCASIONAL]
        )
        self.assertEqual(classification.classify(facts, online_first, TODAY), 3)
        same_sequence = classification.sort_rules(
            [GroupRule(9, classification.RULE_ONLINE, sequence=20), ACQ]
        )
        self.assertEqual([r.group_id for r in same_sequence], [2, 9])

    def test_top_rank_size_rounds_up(self):
        self.assertEqual(classification.top_rank_size(7, 20), 2)
        self.assertEqual(classification.top_rank_size(100, 20), 20)
        self.assertEqual(classification.top_rank_size(3, 5), 1)
        self.assertEqual(classification.top_rank_size(0, 20), 0)
        self.assertEqual(classification.top_rank_size(10, 0), 0)
        self.assertEqual(classification.top_rank_size(10, 250), 10)

    def test_top_revenue_ids_ignores_non_buyers_and_breaks_ties_by_id(self):
        revenues = {1: 100.0, 2: 500.0, 3: 0.0, 4: 500.0, 5: 50.0, 6: -10.0}
        # 4 buyers, top 50 % = 2: the two 500s
        self.assertEqual(classification.top_revenue_ids(revenues, 50), {2, 4})
        # top 25 % = 1: the tie at 500 goes to the lower id
        self.assertEqual(classification.top_revenue_ids(revenues, 25), {2})


@tagged("post_install", "-at_install")
class TestCareStateAndValue(BaseCase):
    def test_usual_interval_is_the_average_gap(self):
        self.assertEqual(
            care_state.usual_interval_days(date(2026, 1, 1), date(2026, 3, 2), 3, 90), 30.0
        )
        self.assertEqual(
            care_state.usual_interval_days(date(2026, 1, 1), date(2026, 1, 1), 1, 90), 90.0
        )

    def test_silence_moves_active_to_at_risk_to_lost(self):
        first, last = TODAY - timedelta(days=200), None
        # two orders 30 days apart: usual interval 30 days
        state = care_state.care_state
        last = TODAY - timedelta(days=45)
        first = last - timedelta(days=30)
        self.assertEqual(state("active", first, last, 2, TODAY), "active")  # 45 = 1.5 x 30
        last, first = TODAY - timedelta(days=46), TODAY - timedelta(days=76)
        self.assertEqual(state("active", first, last, 2, TODAY), "at_risk")
        last, first = TODAY - timedelta(days=91), TODAY - timedelta(days=121)
        self.assertEqual(state("active", first, last, 2, TODAY), "lost")

    def test_single_order_uses_the_default_interval(self):
        last = TODAY - timedelta(days=136)
        self.assertEqual(care_state.care_state("active", last, last, 1, TODAY), "at_risk")
        self.assertEqual(
            care_state.care_state("active", last, last, 1, TODAY, default_interval_days=100),
            "active",
        )

    def test_no_orders_is_active_and_dropped_stays_dropped(self):
        self.assertEqual(care_state.care_state("lost", None, None, 0, TODAY), "active")
        last = TODAY - timedelta(days=1)
        self.assertEqual(care_state.care_state("dropped", last, last, 1, TODAY), "dropped")

    def test_lifetime_value_of_a_new_customer(self):
        # tenure under a year counts as one year: annual value 1000;
        # retention 50 % over 10 years: 1 + .5 + ... + .5^9 = 1.998046875
        value = lifetime_value.lifetime_value(1000.0, TODAY - timedelta(days=30), TODAY, 0.5, 10)
        self.assertAlmostEqual(value, 1998.046875)

    def test_lifetime_value_of_a_long_standing_customer(self):
        # 10,000 over 1461 days (4 years): 2,500 a year; full retention: 10 years
        first = TODAY - timedelta(days=1461)
        self.assertAlmostEqual(lifetime_value.annual_value(10000.0, first, TODAY), 2500.0)
        self.assertAlmostEqual(
            lifetime_value.lifetime_value(10000.0, first, TODAY, 1.0, 10), 25000.0
        )

    def test_dropped_customer_has_no_lifetime_value(self):
        self.assertEqual(
            lifetime_value.lifetime_value(5000.0, TODAY, TODAY, 0.9, 10, dropped=True), 0.0
        )

    def test_age_and_next_care_date(self):
        self.assertEqual(cadence.age_on(date(1990, 6, 16), TODAY), 35)
        self.assertEqual(cadence.age_on(date(1990, 6, 15), TODAY), 36)
        self.assertIsNone(cadence.age_on(None, TODAY))
        self.assertEqual(cadence.next_care_date(date(2026, 6, 1), 30, TODAY), date(2026, 7, 1))
        self.assertEqual(cadence.next_care_date(None, 30, TODAY), TODAY)
        self.assertIsNone(cadence.next_care_date(date(2026, 6, 1), 0, TODAY))


dates = st.lists(
    st.integers(min_value=0, max_value=2000).map(lambda d: TODAY - timedelta(days=d)),
    max_size=12,
).map(tuple)
facts_strategy = st.builds(
    PartnerFacts,
    referred=st.booleans(),
    order_dates=dates,
    online_orders=st.integers(min_value=0, max_value=12),
    outside_home_area=st.booleans(),
    top_group_ids=st.frozensets(st.sampled_from([1, 7])),
    locked_group_id=st.none() | st.sampled_from([2, 5, 6]),
)
rules_strategy = st.lists(
    st.builds(
        GroupRule,
        group_id=st.integers(min_value=1, max_value=9),
        rule=st.sampled_from([code for code, _label in classification.RULES]),
        sequence=st.integers(min_value=0, max_value=5),
        min_orders=st.integers(min_value=0, max_value=5),
        period_days=st.integers(min_value=0, max_value=800),
        top_percent=st.floats(min_value=0, max_value=100),
        online_share=st.floats(min_value=0, max_value=100),
    ),
    max_size=8,
    unique_by=lambda r: r.group_id,
)


@tagged("post_install", "-at_install")
class TestProperties(BaseCase):
    @settings(max_examples=300, deadline=None)
    @given(facts_strategy, rules_strategy)
    def test_pinned_group_never_changes(self, facts, rules):
        result = classification.classify(facts, classification.sort_rules(rules), TODAY)
        if facts.locked_group_id:
            self.assertEqual(result, facts.locked_group_id)

    @settings(max_examples=300, deadline=None)
    @given(facts_strategy, rules_strategy)
    def test_result_is_the_first_matching_group_whatever_the_input_order(self, facts, rules):
        facts = PartnerFacts(**{**facts.__dict__, "locked_group_id": None})
        ordered = classification.sort_rules(rules)
        shuffled = classification.sort_rules(list(reversed(rules)))
        result = classification.classify(facts, ordered, TODAY)
        self.assertEqual(result, classification.classify(facts, shuffled, TODAY))
        matching = [r.group_id for r in ordered if classification.rule_matches(r, facts, TODAY)]
        self.assertEqual(result, matching[0] if matching else None)

    @settings(max_examples=300, deadline=None)
    @given(
        st.floats(min_value=0, max_value=1e9),
        st.floats(min_value=0, max_value=1e9),
        st.integers(min_value=0, max_value=5000),
        st.floats(min_value=0, max_value=1),
        st.integers(min_value=1, max_value=30),
    )
    def test_lifetime_value_is_non_negative_and_monotonic_in_revenue(
        self, revenue, extra, tenure_days, retention, years
    ):
        first = TODAY - timedelta(days=tenure_days)
        low = lifetime_value.lifetime_value(revenue, first, TODAY, retention, years)
        high = lifetime_value.lifetime_value(revenue + extra, first, TODAY, retention, years)
        self.assertGreaterEqual(low, 0.0)
        self.assertGreaterEqual(high, low)

    @settings(max_examples=200, deadline=None)
    @given(
        st.dictionaries(st.integers(1, 500), st.floats(-10, 1e6), max_size=60), st.floats(0, 100)
    )
    def test_top_revenue_size_matches_the_rank(self, revenues, percent):
        buyers = sum(1 for amount in revenues.values() if amount > 0)
        top = classification.top_revenue_ids(revenues, percent)
        self.assertEqual(len(top), classification.top_rank_size(buyers, percent))
        if top:
            weakest_in = min(revenues[pid] for pid in top)
            outside = [amount for pid, amount in revenues.items() if pid not in top]
            self.assertTrue(all(amount <= weakest_in for amount in outside))
