"""Create a scratch database and bulk-load partners and sale orders into it.

    python3 bench/generate.py --db cc_bench --partners 1000000 --orders 1000000

The database is created with ``customer_care`` installed (no demo data),
either from scratch (``odoo -i customer_care``, about a minute and a half)
or as a copy of ``--template`` (then ``customer_care`` is installed or
updated on the copy).  A handful of reference records (product categories
and products, an online sales team, the company's home country) go through
the ORM; the bulk rows go straight in with ``COPY``, streamed, so memory
stays flat whatever the size:

* ``--partners`` rows of ``res_partner``: mostly private customers, about
  5 % companies with one to six contacts each (who place part of the
  company's orders), 90 % in the home country, referrals
  (``care_referred_by_id`` / ``care_referral_source``), a few pinned
  groups and dropped customers, some past care contacts and birth dates;
* ``--orders`` confirmed ``sale_order`` rows (plus ``--other-orders`` of
  quotations and cancelled orders, which the facts must ignore): most
  customers buy 0 to 2 times, about 3 % are frequent buyers with a
  Pareto-tailed order count, order amounts are lognormal and customers
  differ in spending level, dates cover the last three years with some
  customers gone silent, about a quarter of the customers buy mostly
  through the online team;
* one to three ``sale_order_line`` rows per order over a few products in a
  few categories (each customer favours one category), with an occasional
  note line.

The same ``--seed`` gives the same rows.
"""

import argparse
import contextlib
import io
import itertools
import math
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

import psycopg2
from common import connect, db_exists, odoo_command, odoo_env

DAY_SPAN = 3 * 365
COMPANY_SHARE = 0.05
FREQUENT_SHARE = 0.03
HOME_SHARE = 0.9
ONLINE_CUSTOMER_SHARE = 0.25
TAX_RATE = 0.15

CATEGORIES = {
    "Furniture": [("Office Chair", 180.0), ("Standing Desk", 450.0), ("Bookshelf", 120.0)],
    "Stationery": [("Notebook Pack", 12.0), ("Pen Set", 8.5)],
    "Electronics": [("Headset", 75.0), ("Monitor 27in", 260.0), ("USB-C Dock", 95.0)],
    "Repairs": [("On-site Repair", 90.0), ("Extended Warranty", 60.0)],
    "Training": [("Workshop Seat", 150.0), ("Online Course", 45.0)],
}
OTHER_COUNTRIES = ["ca", "mx", "gb", "fr", "de", "vn", "au"]
REFERRAL_SOURCES = [
    # (cumulative probability, source, referred by an earlier partner)
    (0.06, "customer", True),
    (0.10, "friends_family", False),
    (0.20, "advertising", False),
    (0.35, "online", False),
    (0.45, "walk_in", False),
    (0.48, "other", False),
]


def log(message, *args):
    print(f"[generate] {message % args}", flush=True)


# -- database ----------------------------------------------------------------
def create_database(args):
    """The scratch database, with customer_care installed and current."""
    if db_exists(args.db):
        if not args.replace:
            sys.exit(f"database {args.db!r} exists: pass --replace to drop and recreate it")
        with contextlib.closing(connect(autocommit=True)) as conn, conn.cursor() as cr:
            cr.execute(f'DROP DATABASE "{args.db}" WITH (FORCE)')
    started = time.monotonic()
    if args.template:
        with contextlib.closing(connect(autocommit=True)) as conn, conn.cursor() as cr:
            cr.execute(f'CREATE DATABASE "{args.db}" TEMPLATE "{args.template}"')
        with contextlib.closing(connect(args.db)) as conn, conn.cursor() as cr:
            cr.execute("SELECT state FROM ir_module_module WHERE name = 'customer_care'")
            row = cr.fetchone()
        action = "-u" if row and row[0] == "installed" else "-i"
    else:
        action = "-i"
    command = odoo_command(
        args.db, action, "customer_care", "--stop-after-init", addons_path=args.addons_path
    )
    log("%s: %s", "installing" if action == "-i" else "updating", " ".join(command[1:]))
    subprocess.run(command, check=True)
    log("database %s ready in %.0f s", args.db, time.monotonic() - started)


def reference_data(dbname, addons_path=None):
    """The few records the bulk rows point at, created through the ORM."""
    with odoo_env(dbname, addons_path) as env:
        company = env.ref("base.main_company")
        home = env.ref("base.us")
        company.care_home_country_ids = [(4, home.id)]
        goods = env.ref("product.product_category_goods", raise_if_not_found=False)
        products = []
        for category_name, items in CATEGORIES.items():
            category = env["product.category"].create(
                {"name": category_name, "parent_id": goods.id if goods else False}
            )
            for name, price in items:
                product = env["product.product"].create(
                    {
                        "name": name,
                        "categ_id": category.id,
                        "type": "service" if category_name in ("Repairs", "Training") else "consu",
                        "list_price": price,
                    }
                )
                products.append((product.id, product.uom_id.id, category.id, name, price))
        online = env["crm.team"].create({"name": "Web Shop", "care_is_online": True})
        sales = env.ref("sales_team.team_sales_department", raise_if_not_found=False)
        sales = sales or env["crm.team"].create({"name": "Direct Sales"})
        countries = env["res.country"].search(
            [("code", "in", [c.upper() for c in OTHER_COUNTRIES])]
        )
        ref = {
            "company_id": company.id,
            "currency_id": company.currency_id.id,
            "user_id": env.ref("base.user_admin").id,
            "home_country_id": home.id,
            "home_state_ids": env["res.country.state"].search([("country_id", "=", home.id)]).ids,
            "other_country_ids": countries.ids,
            "group_ids": env["customer.care.group"].search([]).ids,
            "online_team_id": online.id,
            "sales_team_id": sales.id,
            "products": products,
            "category_ids": sorted({p[2] for p in products}),
        }
        env.cr.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM res_partner")
        ref["first_partner_id"] = env.cr.fetchone()[0]
        env.cr.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM sale_order")
        ref["first_order_id"] = env.cr.fetchone()[0]
        env.cr.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM sale_order_line")
        ref["first_line_id"] = env.cr.fetchone()[0]
    return ref


# -- COPY plumbing --------------------------------------------------------------
class LineReader(io.TextIOBase):
    """A read-only file over an iterator of text lines, for ``COPY FROM STDIN``."""

    def __init__(self, lines, chunk_lines=5000):
        self._lines = lines
        self._chunk_lines = chunk_lines
        self._buffer = ""

    def readable(self):
        return True

    def read(self, size=-1):
        while size is None or size < 0 or len(self._buffer) < size:
            chunk = "".join(itertools.islice(self._lines, self._chunk_lines))
            if not chunk:
                break
            self._buffer += chunk
        if size is None or size < 0:
            data, self._buffer = self._buffer, ""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def readline(self, size=-1):
        return self.read(size)


def copy_rows(cr, table, columns, lines):
    started = time.monotonic()
    cr.copy_expert(
        f"COPY {table} ({', '.join(columns)}) FROM STDIN", LineReader(lines), size=1 << 20
    )
    log("%s: %d rows in %.1f s", table, cr.rowcount, time.monotonic() - started)


def row(*values):
    """One line of COPY text format (``\\N`` for NULL, ``t``/``f`` for booleans)."""
    return (
        "\t".join(
            "\\N" if v is None else "t" if v is True else "f" if v is False else str(v)
            for v in values
        )
        + "\n"
    )


# -- partners ---------------------------------------------------------------------
def layout(ref, args):
    """The partners' structure, in id order: (commercial id, is company, contact ids).

    Drawn from its own random stream so the order pass can replay it
    without keeping a million ids in memory.
    """
    rng = random.Random(f"{args.seed}-layout")
    next_id = ref["first_partner_id"]
    end = next_id + args.partners
    while next_id < end:
        if rng.random() < COMPANY_SHARE:
            size = rng.choice((1, 1, 2, 2, 2, 3, 3, 4, 5, 6))
            contacts = range(next_id + 1, min(next_id + 1 + size, end))
            yield next_id, True, contacts
            next_id += 1 + len(contacts)
        else:
            yield next_id, False, ()
            next_id += 1


PARTNER_COLUMNS = [
    "id",
    "name",
    "complete_name",
    "type",
    "active",
    "is_company",
    "parent_id",
    "commercial_partner_id",
    "commercial_company_name",
    "lang",
    "email",
    "email_normalized",
    "country_id",
    "state_id",
    "city",
    "customer_rank",
    "supplier_rank",
    "autopost_bills",
    "partner_share",
    "employee",
    "color",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
    "care_state",
    "care_drop_reason",
    "care_referral_source",
    "care_referred_by_id",
    "care_group_id",
    "care_group_locked",
    "care_last_contact_date",
    "birthdate_date",
    "care_birth_month",
    "gender",
]


def partner_lines(ref, args, today):
    rng = random.Random(f"{args.seed}-partners")
    uid = ref["user_id"]
    first_id = ref["first_partner_id"]
    for pid, is_company, contacts in layout(ref, args):
        name = f"Company {pid}" if is_company else f"Customer {pid}"
        if rng.random() < HOME_SHARE:
            country_id = ref["home_country_id"]
            state_id = rng.choice(ref["home_state_ids"]) if ref["home_state_ids"] else None
        else:
            country_id, state_id = rng.choice(ref["other_country_ids"]), None
        draw = rng.random()
        source, referred_by = None, None
        for threshold, value, by_partner in REFERRAL_SOURCES:
            if draw < threshold:
                source = value
                if by_partner and pid > first_id:
                    referred_by = rng.randrange(first_id, pid)
                break
        locked = rng.random() < 0.003
        group_id = rng.choice(ref["group_ids"]) if locked else None
        dropped = rng.random() < 0.002
        last_contact = today - timedelta(days=rng.randrange(400)) if rng.random() < 0.3 else None
        birthdate = None
        gender = None
        if not is_company:
            if rng.random() < 0.4:
                birthdate = date(
                    rng.randrange(1950, 2006), rng.randrange(1, 13), rng.randrange(1, 29)
                )
            if rng.random() < 0.6:
                gender = rng.choice(("male", "female", "female", "male", "other"))
        created = datetime.combine(today, datetime.min.time()) - timedelta(
            days=rng.randrange(DAY_SPAN + 200), seconds=rng.randrange(86400)
        )
        email = f"customer{pid}@example.com"
        yield row(
            pid, name, name, "contact", True, is_company, None, pid,
            name if is_company else None, "en_US", email, email, country_id, state_id,
            None, 0, 0, "ask", True, False, 0, uid, uid, created, created,
            "dropped" if dropped else "active", "no_profit" if dropped else None,
            source, referred_by, group_id, locked, last_contact,
            birthdate, birthdate.month if birthdate else 0, gender,
        )  # fmt: skip
        for cid in contacts:
            contact = f"Contact {cid}"
            email = f"contact{cid}@example.com"
            yield row(
                cid, contact, f"{name}, {contact}", "contact", True, False, pid, pid,
                name, "en_US", email, email, country_id, state_id,
                None, 0, 0, "ask", True, False, 0, uid, uid, created, created,
                "active", None,
                None, None, None, False, None,
                None, 0, None,
            )  # fmt: skip


# -- orders -------------------------------------------------------------------------
ORDER_COLUMNS = [
    "id",
    "name",
    "state",
    "company_id",
    "partner_id",
    "partner_invoice_id",
    "partner_shipping_id",
    "currency_id",
    "currency_rate",
    "user_id",
    "team_id",
    "date_order",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
    "amount_untaxed",
    "amount_tax",
    "amount_total",
    "invoice_status",
    "locked",
    "require_signature",
    "require_payment",
    "prepayment_percent",
]
LINE_COLUMNS = [
    "id",
    "order_id",
    "sequence",
    "company_id",
    "currency_id",
    "order_partner_id",
    "salesman_id",
    "product_id",
    "product_uom_id",
    "state",
    "display_type",
    "qty_delivered_method",
    "invoice_status",
    "name",
    "product_uom_qty",
    "price_unit",
    "discount",
    "price_subtotal",
    "price_total",
    "price_reduce_taxexcl",
    "price_reduce_taxinc",
    "price_tax",
    "technical_price_unit",
    "qty_delivered",
    "qty_invoiced",
    "qty_to_invoice",
    "untaxed_amount_invoiced",
    "untaxed_amount_to_invoice",
    "customer_lead",
    "is_downpayment",
    "is_expense",
    "is_optional",
    "collapse_prices",
    "collapse_composition",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
]


def poisson(rng, mean):
    """A Poisson draw (Knuth), fine for the small means used here."""
    if mean <= 0:
        return 0
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def frequent_order_count(rng):
    """A frequent buyer's order count: at least 3, Pareto tail, capped."""
    return 3 + min(int(rng.paretovariate(1.2) * 2), 250)


class OrderWriter:
    """Emits order rows (for COPY) and writes their lines to a side file."""

    def __init__(self, ref, args, today, line_file):
        self.ref = ref
        self.today = today
        self.line_file = line_file
        self.rng = random.Random(f"{args.seed}-orders")
        self.order_id = ref["first_order_id"]
        self.line_id = ref["first_line_id"]
        self.products_by_category = {}
        for product in ref["products"]:
            self.products_by_category.setdefault(product[2], []).append(product)
        self.midnight = datetime.combine(today, datetime.min.time())

    def order(self, customer, days_ago, state):
        rng, ref = self.rng, self.ref
        order_id = self.order_id
        self.order_id += 1
        moment = (
            self.midnight
            - timedelta(days=days_ago)
            + timedelta(seconds=rng.randrange(8 * 3600, 20 * 3600))
        )
        partner_id = customer["commercial_id"]
        if customer["contacts"] and rng.random() < 0.7:
            partner_id = rng.choice(customer["contacts"])
        draw = rng.random()
        if draw < 0.03:
            team_id = None
        elif draw < customer["online"]:
            team_id = ref["online_team_id"]
        else:
            team_id = ref["sales_team_id"]
        amount = customer["spend"] * rng.lognormvariate(4.2, 0.9)
        count = rng.choices((1, 2, 3), (55, 30, 15))[0]
        weights = [rng.random() + 0.2 for _ in range(count)]
        total_weight = sum(weights)
        untaxed = 0.0
        uid = ref["user_id"]
        confirmed = state == "sale"
        invoice_status = "to invoice" if confirmed else "no"
        company_id, currency_id = ref["company_id"], ref["currency_id"]
        lines = []
        for sequence, weight in enumerate(weights, start=10):
            if rng.random() < 0.7:
                product = rng.choice(self.products_by_category[customer["category"]])
            else:
                product = rng.choice(ref["products"])
            qty = rng.choice((1, 1, 1, 2, 3))
            price = max(round(amount * weight / total_weight / qty, 2), 0.5)
            subtotal = round(price * qty, 2)
            tax = round(subtotal * TAX_RATE, 2)
            untaxed += subtotal
            line = row(
                self.line_id, order_id, sequence, company_id, currency_id,
                partner_id, uid, product[0], product[1],
                state, None, "manual", invoice_status, product[3],
                qty, price, 0, subtotal, round(subtotal + tax, 2),
                price, round(price * (1 + TAX_RATE), 2), tax, price,
                0, 0, qty if confirmed else 0, 0, subtotal if confirmed else 0,
                0, False, False, False, False, False, uid, uid, moment, moment,
            )  # fmt: skip
            lines.append(line)
            self.line_id += 1
        if rng.random() < 0.03:
            line = row(
                self.line_id, order_id, 99, company_id, currency_id,
                partner_id, uid, None, None,
                state, "line_note", "manual", "no", "Deliver to the back door",
                0, 0, 0, 0, 0,
                0, 0, 0, 0,
                0, 0, 0, 0, 0,
                0, False, False, False, False, False, uid, uid, moment, moment,
            )  # fmt: skip
            lines.append(line)
            self.line_id += 1
        self.line_file.writelines(lines)
        untaxed = round(untaxed, 2)
        tax = round(untaxed * TAX_RATE, 2)
        return row(
            order_id, f"S{order_id:08d}", state, company_id, partner_id,
            customer["commercial_id"], partner_id, currency_id, 1.0, uid, team_id,
            moment, moment, moment, uid, uid, untaxed, tax,
            round(untaxed + tax, 2), invoice_status, False, False, False, 1.0,
        )  # fmt: skip


def order_lines(ref, args, today, writer):
    """Sale order rows, customer after customer, ``args.orders`` confirmed ones."""
    rng = random.Random(f"{args.seed}-customers")
    sample = random.Random(f"{args.seed}-sample")
    frequent_mean = sum(frequent_order_count(sample) for _ in range(20000)) / 20000
    customers_left = sum(1 for _ in layout(ref, args))
    orders_left = args.orders
    # the mean still to reach, kept near the overall mean so the last
    # customers do not absorb the draws' drift
    ceiling = 2 * args.orders / max(customers_left, 1)
    reservoir = []
    for pid, _is_company, contacts in layout(ref, args):
        target = min(orders_left / customers_left, ceiling) if customers_left else 0.0
        customers_left -= 1
        frequent_share = min(FREQUENT_SHARE, target / (2 * frequent_mean))
        frequent = rng.random() < frequent_share
        if frequent:
            count = frequent_order_count(rng)
        else:
            count = poisson(rng, (target - frequent_share * frequent_mean) / (1 - frequent_share))
        count = min(count, orders_left)
        customer = {
            "commercial_id": pid,
            "contacts": list(contacts),
            "online": 0.85 if rng.random() < ONLINE_CUSTOMER_SHARE else 0.08,
            "spend": rng.lognormvariate(0.0, 0.7) * (1.5 if frequent else 1.0),
            "category": rng.choice(ref["category_ids"]),
        }
        first_ago = rng.randrange(DAY_SPAN)
        gone_silent = rng.random() < 0.35
        last_ago = rng.randint(0, first_ago) if gone_silent else rng.randint(0, min(first_ago, 45))
        customer["window"] = (last_ago, first_ago)
        for index in range(count):
            if index == 0:
                days_ago = first_ago
            elif index == count - 1:
                days_ago = last_ago
            else:
                days_ago = rng.randint(last_ago, first_ago)
            yield writer.order(customer, days_ago, "sale")
            if rng.random() < args.other_orders:
                state = rng.choice(("draft", "draft", "cancel"))
                yield writer.order(customer, rng.randrange(min(first_ago, 90) + 1), state)
        orders_left -= count
        if frequent and len(reservoir) < 1000:
            reservoir.append(customer)
    # the draws fell short of the exact total: frequent buyers place the rest
    for customer in itertools.islice(itertools.cycle(reservoir), orders_left if reservoir else 0):
        last_ago, first_ago = customer["window"]
        yield writer.order(customer, rng.randint(last_ago, first_ago), "sale")


# -- main -------------------------------------------------------------------------
def load(args, ref):
    today = date.today()
    with contextlib.closing(connect(args.db)) as conn, conn.cursor() as cr:
        # Integrity is guaranteed by construction: skip the per-row foreign
        # key triggers when the role may (a superuser), keep them otherwise.
        try:
            cr.execute("SET session_replication_role = replica")
        except psycopg2.Error:  # not a superuser: load with the checks
            conn.rollback()
            log("foreign key triggers stay on (the role is not a superuser)")
        copy_rows(cr, "res_partner", PARTNER_COLUMNS, partner_lines(ref, args, today))
        with tempfile.TemporaryFile("w+", encoding="utf-8") as line_file:
            writer = OrderWriter(ref, args, today, line_file)
            copy_rows(cr, "sale_order", ORDER_COLUMNS, order_lines(ref, args, today, writer))
            line_file.seek(0)
            started = time.monotonic()
            cr.copy_expert(
                f"COPY sale_order_line ({', '.join(LINE_COLUMNS)}) FROM STDIN",
                line_file,
                size=1 << 20,
            )
            log("sale_order_line: %d rows in %.1f s", cr.rowcount, time.monotonic() - started)
        for table in ("res_partner", "sale_order", "sale_order_line"):
            cr.execute(f"SELECT setval('{table}_id_seq', (SELECT MAX(id) FROM {table}))")
        conn.commit()
    started = time.monotonic()
    with contextlib.closing(connect(args.db, autocommit=True)) as conn, conn.cursor() as cr:
        for table in ("res_partner", "sale_order", "sale_order_line"):
            cr.execute(f"VACUUM ANALYZE {table}")
    log("vacuum analyze in %.1f s", time.monotonic() - started)


def summary(dbname):
    with contextlib.closing(connect(dbname)) as conn, conn.cursor() as cr:
        cr.execute(
            """SELECT (SELECT count(*) FROM res_partner),
                      (SELECT count(*) FROM res_partner WHERE id = commercial_partner_id),
                      (SELECT count(*) FROM sale_order WHERE state = 'sale'),
                      (SELECT count(*) FROM sale_order WHERE state <> 'sale'),
                      (SELECT count(*) FROM sale_order_line)"""
        )
        partners, commercial, confirmed, others, lines = cr.fetchone()
        cr.execute(
            """SELECT n, count(*) FROM (
                   SELECT LEAST(count(so.id), 10) AS n FROM res_partner p
                     LEFT JOIN res_partner c ON c.commercial_partner_id = p.id
                     LEFT JOIN sale_order so ON so.partner_id = c.id AND so.state = 'sale'
                    WHERE p.id = p.commercial_partner_id GROUP BY p.id) AS counts
               GROUP BY n ORDER BY n"""
        )
        spread = ", ".join(f"{'10+' if n == 10 else n}: {c}" for n, c in cr.fetchall())
    log(
        "%d partners (%d commercial), %d confirmed orders, %d other orders, %d lines",
        partners,
        commercial,
        confirmed,
        others,
        lines,
    )
    log("customers by confirmed order count: %s", spread)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="scratch database to create")
    parser.add_argument("--partners", type=int, default=10000, help="res_partner rows to add")
    parser.add_argument("--orders", type=int, default=10000, help="confirmed orders to add")
    parser.add_argument(
        "--other-orders",
        type=float,
        default=0.05,
        help="quotations and cancelled orders added per confirmed order (default 0.05)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--template", help="copy this database (CREATE DATABASE … TEMPLATE) instead of installing"
    )
    parser.add_argument("--replace", action="store_true", help="drop --db first if it exists")
    parser.add_argument(
        "--addons-path", help="where to load customer_care from (default: this repository)"
    )
    parser.add_argument(
        "--no-summary", action="store_true", help="skip the closing counts (a scan of the orders)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    create_database(args)
    ref = reference_data(args.db, args.addons_path)
    load(args, ref)
    if not args.no_summary:
        summary(args.db)
    log("done in %.0f s", time.monotonic() - started)


if __name__ == "__main__":
    main()
