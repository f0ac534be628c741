"""A care floor's day for Locust: care users and managers on Odoo's JSON-RPC.

Each simulated person logs in (``/web/session/authenticate``) on one of the
servers listed in ``CARE_HOSTS`` (comma-separated base URLs, taken in turn)
and then calls the same endpoints the web client calls
(``/web/dataset/call_kw``), with weights like a real day: many more reads
than writes.  Every request is named after the action it stands for:
``care: …`` for the addon's, ``core: …`` for Odoo's own comparable actions
measured in the same run (a contacts list, a partner form, a lead's stage,
a chatter message), so that the report can put each care action beside
its core counterpart.

Logins: ``CARE_LOAD_USERS`` (care users) and ``CARE_LOAD_MANAGERS`` (care
managers), comma-separated, all with the password ``CARE_LOAD_PASSWORD``;
``CARE_LOAD_DB`` names the database.  ``bench/load/run.py`` creates them and
sets these variables.
"""

import itertools
import os
import random
from collections import deque

import requests
from locust import HttpUser, between, events, task

HOSTS = itertools.cycle(os.environ.get("CARE_HOSTS", "http://127.0.0.1:8069").split(","))
DB = os.environ.get("CARE_LOAD_DB", "")
PASSWORD = os.environ.get("CARE_LOAD_PASSWORD", "care-load")
USER_LOGINS = itertools.cycle(os.environ.get("CARE_LOAD_USERS", "admin").split(","))
MANAGER_LOGINS = itertools.cycle(os.environ.get("CARE_LOAD_MANAGERS", "admin").split(","))

# declines requested by care users, waiting for a manager (shared by the
# simulated people of this process)
PENDING_DECLINES = deque(maxlen=500)

# what the web client's lists send: count up to 10,000 (then "10000+")
COUNT_LIMIT = 10001

PARTNER_LIST_SPEC = {
    "display_name": {},
    "email": {},
    "phone": {},
    "care_group_id": {"fields": {"display_name": {}}},
    "care_state": {},
    "care_last_order_date": {},
    "care_next_date": {},
    "user_id": {"fields": {"display_name": {}}},
}
CORE_PARTNER_LIST_SPEC = {
    "display_name": {},
    "email": {},
    "phone": {},
    "city": {},
    "country_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
}
CARE_TAB_SPEC = {
    "display_name": {},
    "care_group_id": {"fields": {"display_name": {}}},
    "care_state": {},
    "care_order_count": {},
    "care_revenue": {},
    "care_lifetime_value": {},
    "care_first_order_date": {},
    "care_last_order_date": {},
    "care_next_date": {},
    "care_hobby_ids": {"fields": {"display_name": {}}},
    "care_family_note": {},
    "care_plan_count": {},
    "care_incident_count": {},
}
CORE_FORM_SPEC = {
    "display_name": {},
    "email": {},
    "phone": {},
    "street": {},
    "city": {},
    "country_id": {"fields": {"display_name": {}}},
    "category_id": {"fields": {"display_name": {}}},
    "child_ids": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
}
SALES_TEAMS_SPEC = {
    "name": {},
    "user_id": {"fields": {"display_name": {}}},
    "is_favorite": {},
    "dashboard_button_name": {},
    "lead_unassigned_count": {},
    "lead_all_assigned_month_count": {},
    "sale_order_count": {},
    "invoiced": {},
    "invoiced_target": {},
}
INCIDENT_LIST_SPEC = {
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "kind": {},
    "state": {},
    "sla_state": {},
    "response_deadline": {},
    "resolution_deadline": {},
    "user_id": {"fields": {"display_name": {}}},
}

OVERVIEW_FIELDS = [
    "display_name",
    "my_open_count",
    "at_risk_count",
    "breached_count",
    "plans_due_count",
    "plans_late_count",
    "questions_late_count",
    "satisfaction",
    "satisfaction_count",
    "satisfaction_trend",
    "week_chart",
]


class RpcError(Exception):
    pass


class OdooPerson(HttpUser):
    """Someone logged into Odoo; subclasses say who and what they do."""

    abstract = True
    wait_time = between(1, 3)
    logins = USER_LOGINS

    def on_start(self):
        """Log in and look up ids, outside the figures (``quiet``): the
        figures are the actions of the day, not the first request of a cold
        worker."""
        self.host = next(HOSTS)
        self.client.base_url = self.host
        self.login = next(self.logins)
        self.rpc_id = 0
        self.plain = requests.Session()
        self.quiet(
            "/web/session/authenticate", {"db": DB, "login": self.login, "password": PASSWORD}
        )
        # customers from anywhere in the base, not only its first rows
        last = self.quiet_kw("res.partner", "search", [[]], {"limit": 1, "order": "id desc"})
        start = random.randint(0, max(last[0] - 400, 0)) if last else 0
        self.partner_ids = self.quiet_kw(
            "res.partner",
            "search",
            [[("id", ">=", start), ("is_company", "=", False), ("user_ids", "=", False)]],
            {"limit": 300},
        ) or self.quiet_kw("res.partner", "search", [[]], {"limit": 300})
        self.lead_ids = self.quiet_kw(
            "crm.lead", "search", [[("type", "=", "opportunity")]], {"limit": 100}
        )
        self.stage_ids = self.quiet_kw("crm.stage", "search", [[]])
        self.cause_ids = self.quiet_kw("customer.care.root.cause", "search", [[]])
        self.colleague_ids = self.quiet_kw(
            "res.users", "search", [[("login", "=like", "load\\_%")]], {"limit": 40}
        )

    def quiet(self, path, params):
        """A JSON-RPC call that Locust does not count."""
        self.rpc_id += 1
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": self.rpc_id}
        response = self.plain.post(self.host + path, json=payload)
        # the counted requests run in the same session
        self.client.cookies.update(self.plain.cookies)
        body = response.json()
        if response.status_code != 200 or body.get("error"):
            raise RpcError(f"{path}: {str(body.get('error'))[:300]}")
        return body.get("result")

    def quiet_kw(self, model, method, args, kwargs=None):
        return self.quiet(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    # -- JSON-RPC -----------------------------------------------------------
    def call(self, path, params, name):
        self.rpc_id += 1
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": self.rpc_id}
        with self.client.post(path, json=payload, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                raise RpcError(name)
            body = response.json()
            if body.get("error"):
                data = body["error"].get("data") or {}
                response.failure(f"{data.get('name', 'error')}: {data.get('message', '')[:200]}")
                raise RpcError(name)
            response.success()
            return body.get("result")

    def kw(self, model, method, args, kwargs=None, name=None):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
            name=name or f"{model}.{method}",
        )

    def partner(self):
        return random.choice(self.partner_ids)

    # -- Odoo's own actions, the yardstick ------------------------------------
    @task(4)
    def core_customer_list(self):
        # Sales → Orders → Customers: its default filter
        self.kw(
            "res.partner",
            "web_search_read",
            [],
            {
                "domain": [("customer_rank", ">", 0)],
                "specification": CORE_PARTNER_LIST_SPEC,
                "limit": 80,
                "count_limit": COUNT_LIMIT,
                "context": {"res_partner_search_mode": "customer"},
            },
            name="core: customer list",
        )

    @task(1)
    def core_sales_teams_overview(self):
        # CRM → Sales Teams: the sales manager's own overview of counters
        self.kw(
            "crm.team",
            "web_search_read",
            [],
            {"domain": [], "specification": SALES_TEAMS_SPEC, "limit": 40},
            name="core: sales teams overview",
        )

    @task(4)
    def core_partner_form(self):
        self.kw(
            "res.partner",
            "web_read",
            [[self.partner()]],
            {"specification": CORE_FORM_SPEC},
            name="core: partner form",
        )

    @task(1)
    def core_lead_stage(self):
        if self.lead_ids and self.stage_ids:
            self.kw(
                "crm.lead",
                "write",
                [[random.choice(self.lead_ids)], {"stage_id": random.choice(self.stage_ids)}],
                name="core: lead stage",
            )

    @task(1)
    def core_lead_create(self):
        self.kw(
            "crm.lead",
            "create",
            [{"name": "Interested in a service plan", "partner_id": self.partner()}],
            name="core: lead create",
        )

    @task(1)
    def core_activity_for_colleague(self):
        if self.lead_ids and self.colleague_ids:
            self.kw(
                "crm.lead",
                "activity_schedule",
                [[random.choice(self.lead_ids)]],
                {
                    "act_type_xmlid": "mail.mail_activity_data_todo",
                    "summary": "Call the customer back",
                    "user_id": random.choice(self.colleague_ids),
                },
                name="core: activity for a colleague",
            )

    @task(1)
    def core_chatter_message(self):
        self.kw(
            "res.partner",
            "message_post",
            [[self.partner()]],
            {"body": "Called back, all fine.", "message_type": "comment"},
            name="core: chatter message",
        )


class CareUser(OdooPerson):
    """A care user: customers, their Care tab, plans and incidents."""

    weight = 4

    @task(8)
    def customer_list(self):
        self.kw(
            "res.partner",
            "web_search_read",
            [],
            {
                # Customer Care → Customers: its action's domain and default filter
                "domain": [("parent_id", "=", False), ("care_order_count", ">", 0)],
                "specification": PARTNER_LIST_SPEC,
                "limit": 80,
                "count_limit": COUNT_LIMIT,
                # the list view's default_order
                "order": "complete_name ASC",
                "context": {"res_partner_search_mode": "customer"},
            },
            name="care: customer list",
        )

    @task(8)
    def care_tab(self):
        self.kw(
            "res.partner",
            "web_read",
            [[self.partner()]],
            {"specification": CARE_TAB_SPEC},
            name="care: customer care tab",
        )

    @task(4)
    def incident_list(self):
        self.kw(
            "customer.care.incident",
            "web_search_read",
            [],
            {
                "domain": [("state", "in", ["new", "acknowledged", "in_progress"])],
                "specification": INCIDENT_LIST_SPEC,
                "limit": 80,
                "count_limit": COUNT_LIMIT,
            },
            name="care: incident list",
        )

    @task(2)
    def plan_four_steps(self):
        plan_id = self.kw(
            "customer.care.plan",
            "create",
            [{"partner_id": self.partner()}],
            name="care: plan create",
        )
        self.kw("customer.care.plan", "action_start", [[plan_id]], name="care: plan start")
        steps = self.kw(
            "customer.care.plan.step",
            "search_read",
            [[("plan_id", "=", plan_id)]],
            {"fields": ["id"], "order": "sequence"},
            name="care: plan steps",
        )
        for step in steps:
            self.kw(
                "customer.care.plan.step",
                "write",
                [[step["id"]], {"note": "Talked it through with the customer."}],
                name="care: step note",
            )
            self.kw(
                "customer.care.plan.step", "action_done", [[step["id"]]], name="care: step done"
            )

    def _new_incident(self):
        return self.kw(
            "customer.care.incident",
            "create",
            [
                {
                    "name": "The delivery came late",
                    "partner_id": self.partner(),
                    "kind": random.choice(["complaint", "question", "incident"]),
                    "channel": "phone",
                }
            ],
            name="care: incident create",
        )

    @task(3)
    def incident_cycle(self):
        incident_id = self._new_incident()
        self.kw(
            "customer.care.incident",
            "action_acknowledge",
            [[incident_id]],
            name="care: incident acknowledge",
        )
        self.kw(
            "customer.care.incident",
            "write",
            [
                [incident_id],
                {
                    "resolution_type": "explanation",
                    "root_cause_id": random.choice(self.cause_ids) if self.cause_ids else False,
                },
            ],
            name="care: incident write",
        )
        self.kw(
            "customer.care.incident",
            "action_resolve",
            [[incident_id]],
            name="care: incident resolve",
        )

    @task(1)
    def request_decline(self):
        incident_id = self._new_incident()
        self.kw(
            "customer.care.incident",
            "action_request_decline",
            [[incident_id]],
            {"reason": "Outside the warranty, twice over."},
            name="care: decline request",
        )
        PENDING_DECLINES.append(incident_id)


class CareManager(OdooPerson):
    """A care manager: the overview, the reports and the approvals."""

    weight = 1
    logins = MANAGER_LOGINS

    card_ids = ()

    @task(3)
    def overview(self):
        result = self.kw(
            "customer.care.overview",
            "web_search_read",
            [],
            {"domain": [], "specification": {name: {} for name in OVERVIEW_FIELDS}},
            name="care: overview",
        )
        self.card_ids = [record["id"] for record in (result or {}).get("records", [])]

    @task(2)
    def overview_tile(self):
        # a click on a tile of a card seen on the overview: the action, then
        # the first page of its list
        if not self.card_ids:
            return
        cards = [random.choice(self.card_ids)]
        tile = random.choice(["my_open", "at_risk", "breached", "plans_due", "plans_late"])
        action = self.kw(
            "customer.care.overview",
            "action_open_tile",
            [cards],
            {"context": {"care_tile": tile}},
            name="care: overview tile",
        )
        self.kw(
            action["res_model"],
            "web_search_read",
            [],
            {
                "domain": action["domain"],
                "specification": {"display_name": {}},
                "limit": 80,
                "count_limit": COUNT_LIMIT,
            },
            name="care: overview tile list",
        )

    @task(2)
    def complaint_report(self):
        self.kw(
            "customer.care.report.complaint",
            "formatted_read_group",
            [],
            {
                "domain": [],
                "groupby": ["period:month"],
                "aggregates": ["complaint_count:sum", "breached_count:sum", "order_count:sum"],
            },
            name="care: complaint report",
        )

    @task(2)
    def value_report(self):
        self.kw(
            "customer.care.report.value",
            "formatted_read_group",
            [],
            {"domain": [], "groupby": ["care_group_id"], "aggregates": ["__count"]},
            name="care: value report",
        )

    @task(2)
    def approve_decline(self):
        try:
            incident_id = PENDING_DECLINES.popleft()
        except IndexError:
            return
        self.kw(
            "customer.care.incident",
            "action_approve_decline",
            [[incident_id]],
            name="care: decline approve",
        )


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--care-note", default="", help="free text recorded with the run")
