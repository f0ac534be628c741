"""The read paths a read replica may serve never write.

Odoo 19 sends a request to the replica (``--db_replica_host``) when its
route is marked ``readonly=True`` or its ``call_kw`` method is marked
``@api.readonly``; PostgreSQL refuses any write there, and Odoo serves the
request again on the primary with a warning. Here every screen of
Customer Care → Reporting (the team overview with its tiles, each report,
as the web client opens them), the Care tab and the portal's list of
requests run on a cursor that refuses writes, and through the HTTP routes
without the warning.
"""

import json
from unittest.mock import patch

import odoo.http
from odoo import api
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CareCommon

RETRY_WARNING = "retrying with a read/write cursor"


@tagged("post_install", "-at_install")
class TestReadOnlyPaths(CareCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._partner("Read Only Trading", is_company=True)
        cls._order(cls.customer, days_ago=40, amount=300.0)
        cls._order(cls.customer, days_ago=5, amount=200.0)
        cls.env["customer.care.facts"]._refresh_all()
        cls.env["customer.care.incident"].create(
            {"name": "Read only desk", "partner_id": cls.customer.id, "kind": "complaint"}
        )
        cls.portal_user = new_test_user(
            cls.env, login="care_ro_portal", name="Rita Readonly", groups="base.group_portal"
        )
        cls.portal_user.partner_id.parent_id = cls.customer
        cls.env.flush_all()

    # -- what the screens read ----------------------------------------------
    def _reporting_actions(self):
        """The window actions of every menu under Customer Care → Reporting,
        as (name, model, domain, context) read by the administrator."""
        root = self.env.ref("customer_care.menu_customer_care_reporting")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id)])
        actions = [
            (m.action.name, m.action.res_model, m.action.domain, m.action.context)
            for m in menus
            if m.action and m.action._name == "ir.actions.act_window"
        ]
        self.assertGreaterEqual(len(actions), 5, "the reporting menu lost its reports")
        return actions

    def _read_like_the_client(self, env, action):
        """What the web client asks when it opens ``action``: the first page
        of records, a grouped read where the model groups, with the action's
        domain and context."""
        _name, res_model, domain, context = action
        context = dict(safe_eval(context or "{}", {"uid": env.uid}))
        domain = safe_eval(domain or "[]", {"uid": env.uid})
        model = env[res_model].with_context(**context)
        # stored columns and computed figures (the overview's tiles and chart)
        fields_ = [
            name
            for name, field in model._fields.items()
            if field.type not in ("binary", "one2many", "many2many")
            and (field.store or field.compute)
            and model._has_field_access(field, "read")
        ]
        model.web_search_read(domain, {name: {} for name in fields_}, limit=80)
        groupable = [
            name
            for name, field in model._fields.items()
            if field.store and field.type in ("many2one", "selection", "date", "datetime")
        ]
        if groupable:
            spec = groupable[0]
            if model._fields[spec].type in ("date", "datetime"):
                spec = f"{spec}:month"
            model.formatted_read_group(domain, [spec], ["__count"])

    def test_reports_and_overview_on_a_cursor_that_refuses_writes(self):
        actions = self._reporting_actions()
        with self.registry.cursor(readonly=True) as cr:
            env = api.Environment(cr, self.care_manager.id, {})
            for action in actions:
                with self.subTest(action=action[0], model=action[1]):
                    self._read_like_the_client(env, action)
            # the cursor refuses writes, as a replica does: any write above
            # would have raised ReadOnlySqlTransaction
            cr.execute("SHOW transaction_read_only")
            self.assertEqual(cr.fetchone()[0], "on")

    def test_overview_tiles_open_on_a_cursor_that_refuses_writes(self):
        from odoo.addons.customer_care.report.customer_care_overview import TILE_ACTIONS

        with self.registry.cursor(readonly=True) as cr:
            env = api.Environment(cr, self.care_manager.id, {})
            cards = env["customer.care.overview"].search([])
            self.assertTrue(cards)
            for tile in TILE_ACTIONS:
                action = cards[0].with_context(care_tile=tile).action_open_tile()
                self.assertTrue(action["domain"], tile)
                env[action["res_model"]].search_count(action["domain"])
            cr.execute("SHOW transaction_read_only")
            self.assertEqual(cr.fetchone()[0], "on")

    def test_care_tab_on_a_cursor_that_refuses_writes(self):
        partner_form = self.env.ref("base.view_partner_form")
        with self.registry.cursor(readonly=True) as cr:
            env = api.Environment(cr, self.care_user.id, {})
            partner = env["res.partner"].browse(self.customer.id)
            spec = {
                name: {}
                for name, field in partner._fields.items()
                if name.startswith("care_")
                and field.type not in ("one2many", "many2many", "binary")
                and partner._has_field_access(field, "read")
            }
            values = partner.web_read(spec)[0]
            self.assertTrue(json.loads(values["care_revenue_chart"]))
            env["res.partner"].get_views([(partner_form.id, "form")])
            cr.execute("SHOW transaction_read_only")
            self.assertEqual(cr.fetchone()[0], "on")

    # -- the same through the routes a replica serves --------------------------
    def _retries(self):
        """The warnings Odoo logs when a read-only request wrote and was
        served again on the primary (recorded whatever the log level)."""
        retried = []
        warning = odoo.http._logger.warning

        def record(message, *args, **kwargs):
            if RETRY_WARNING in str(message):
                retried.append(message % args)
            return warning(message, *args, **kwargs)

        patcher = patch.object(odoo.http._logger, "warning", side_effect=record)
        patcher.start()
        self.addCleanup(patcher.stop)
        return retried

    def test_routes_marked_read_only_do_not_write(self):
        retried = self._retries()
        self.authenticate(self.care_manager.login, self.care_manager.login)
        for _name, res_model, domain, context in self._reporting_actions():
            context = dict(safe_eval(context or "{}", {"uid": self.care_manager.id}))
            domain = safe_eval(domain or "[]", {"uid": self.care_manager.id})
            self.make_jsonrpc_request(
                f"/web/dataset/call_kw/{res_model}/web_search_read",
                {
                    "model": res_model,
                    "method": "web_search_read",
                    "args": [],
                    "kwargs": {
                        "domain": domain,
                        "specification": {"display_name": {}},
                        "limit": 80,
                        "count_limit": 10001,
                        "context": context,
                    },
                },
            )
        card = self.env["customer.care.overview"].with_user(self.care_manager).search([], limit=1)
        self.make_jsonrpc_request(
            "/web/dataset/call_button/customer.care.overview/action_open_tile",
            {
                "model": "customer.care.overview",
                "method": "action_open_tile",
                "args": [card.ids],
                "kwargs": {"context": {"care_tile": "breached"}},
            },
        )
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/requests")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Read only desk", response.text)
        self.assertEqual(retried, [], "a read-only request tried to write")
