"""Shared world for the database tests: roles, groups, products, orders."""

import os
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

import polib

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)
LANGS = {"vi_VN": "vi.po", "th_TH": "th.po", "zh_CN": "zh_CN.po", "zh_TW": "zh_TW.po"}


def untranslated(addon):
    """``{language: [msgid, …]}`` of the addon's template entries that a
    catalogue leaves untranslated (or fuzzy), and the template's entries."""
    i18n = os.path.join(ROOT, addon, "i18n")
    template = polib.pofile(os.path.join(i18n, f"{addon}.pot"))
    expected = {(entry.msgctxt, entry.msgid) for entry in template}
    missing = {}
    for code, filename in LANGS.items():
        catalogue = polib.pofile(os.path.join(i18n, filename))
        translated = {
            (entry.msgctxt, entry.msgid)
            for entry in catalogue
            if entry.msgstr.strip() and "fuzzy" not in entry.flags
        }
        missing[code] = sorted(msgid for _ctx, msgid in expected - translated)
    return missing, expected


def assert_catalogues_complete(case, addon, sample=None):
    """Every entry of ``addon``'s template is translated in each catalogue
    (a subtest per language); ``sample``, a msgid, must be in the template.
    Returns the template's entries."""
    missing, expected = untranslated(addon)
    if sample:
        case.assertIn((None, sample), expected)
    for code, msgids in missing.items():
        with case.subTest(lang=code):
            case.assertFalse(msgids, f"{code}: {len(msgids)} untranslated, e.g. {msgids[:5]}")
    return expected


# the time zone of every user of the tests: seven hours ahead of UTC, as the
# shops the addon is made for, so that a day computed in UTC where the
# user's day is meant shows as a failure for seven hours of every day
TEST_TZ = "Asia/Ho_Chi_Minh"


def manual_routing(env):
    """Every care team assigns new incidents by hand.  The demo team routes
    the incidents of every door in turn to its members who are in, which
    the time of day decides; the tests of routing build teams of their
    own."""
    env["customer.care.team"].with_context(active_test=False).search(
        [("assignment_method", "!=", "manual")]
    ).assignment_method = "manual"


class CareCommon(TransactionCase):
    """Users per role (all in TEST_TZ, as the shop itself), the seeded care
    groups, products in two categories, an online sales team, and a helper
    that books confirmed orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = TEST_TZ
        cls.env.company.partner_id.tz = TEST_TZ  # the shop's own day (outreach)
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, tz=TEST_TZ))
        manual_routing(cls.env)
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.care_user = new_test_user(
            cls.env,
            login="care_user",
            name="Cara User",
            groups="base.group_user,customer_care.group_care_user",
            tz=TEST_TZ,
        )
        cls.care_manager = new_test_user(
            cls.env,
            login="care_manager",
            name="Manny Manager",
            groups="base.group_user,customer_care.group_care_manager",
            tz=TEST_TZ,
        )
        cls.plain_user = new_test_user(
            cls.env, login="plain_user", name="Plain Internal", groups="base.group_user", tz=TEST_TZ
        )
        cls.group_vip = cls.env.ref("customer_care.care_group_vip")
        cls.group_acquaintance = cls.env.ref("customer_care.care_group_acquaintance")
        cls.group_online = cls.env.ref("customer_care.care_group_online")
        cls.group_regular = cls.env.ref("customer_care.care_group_regular")
        cls.group_occasional = cls.env.ref("customer_care.care_group_occasional")
        cls.categ_bikes = cls.env["product.category"].create({"name": "Bikes"})
        cls.categ_service = cls.env["product.category"].create({"name": "Repairs"})
        cls.bike = cls.env["product.product"].create(
            {"name": "City bike", "categ_id": cls.categ_bikes.id, "list_price": 100.0}
        )
        cls.repair = cls.env["product.product"].create(
            {"name": "Repair", "categ_id": cls.categ_service.id, "list_price": 100.0}
        )
        cls.online_team = cls.env["crm.team"].create({"name": "Web shop", "care_is_online": True})
        cls.shop_team = cls.env["crm.team"].create({"name": "Shop floor"})
        cls.facts = cls.env["customer.care.facts"]

    def _refresh_queries(self, partners):
        """The queries one batch of the facts refresh costs over ``partners``."""
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        self.facts._refresh_batch(partners.ids, {}, self.today)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    @classmethod
    def _partner(cls, name, **vals):
        return cls.env["res.partner"].create({"name": name, **vals})

    @classmethod
    def _order(cls, partner, days_ago=1, amount=100.0, product=None, team=None):
        """A confirmed order of ``amount`` (untaxed) placed ``days_ago`` days ago."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "team_id": (team or cls.shop_team).id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": (product or cls.bike).id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_ids": [(6, 0, [])],
                        },
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
        return order

    def _refresh(self, *partners):
        ids = [p.commercial_partner_id.id for p in partners]
        self.facts._refresh_partners(ids)

    @contextmanager
    def committing_batches(self):
        """Run a batched job inside the test transaction as if it committed.

        Each commit of the job becomes a savepoint and a rollback goes back
        to the last one, so a job that dies half-way leaves exactly what a
        real crash leaves: its committed batches, nothing of the batch in
        progress.  The exception propagates to the caller.
        """
        cr = self.env.cr
        name = "care_batch_commit"
        cr.execute(f"SAVEPOINT {name}")

        def commit():
            self.env.flush_all()
            cr.execute(f"RELEASE SAVEPOINT {name}")
            cr.execute(f"SAVEPOINT {name}")

        def rollback():
            # as Odoo's own savepoint rollback: the pending writes go too
            self.env.clear()
            cr.execute(f"ROLLBACK TO SAVEPOINT {name}")

        try:
            with patch.object(cr, "commit", commit), patch.object(cr, "rollback", rollback):
                yield
        except Exception:
            rollback()
            raise
        finally:
            self.env.flush_all()
            cr.execute(f"RELEASE SAVEPOINT {name}")
