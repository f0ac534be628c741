"""Benchmark: inbound emails opening incidents beside Odoo's own leads.

    python3 bench/inbound_mail.py --db NAME [-n 10000] [--chunk 250] [--no-ack]
                                  [--ack-batch 200] [--profile FILE] [--keep]

Run it on a scratch copy of a database where customer_care is installed
(``createdb -T my_care_db care_bench``): the emails are committed one by
one, as the incoming mail server does.  The script creates a care team
with an address (acknowledgements on) and a sales team with an address,
then feeds both the same N emails through Odoo's gateway
(``mail.thread.message_process``), alternating chunks so both sides share
the machine's load:

* the care side: each email opens a ``customer.care.incident`` (sender
  matched or created, kind guessed, SLA clocks computed, acknowledgement
  queued for the scheduled action);
* the reference: each email opens a ``crm.lead`` through the sales team's
  alias, Odoo's own routing.

Then it runs the acknowledgement job over the queued incidents, as a cron
worker would (batches committed one by one), and times it apart.

It prints both throughputs, their ratio (target >= 0.8, printed, not
asserted), the acknowledgement job's throughput, the peak memory and the
machine, then removes what it created (``--keep`` leaves it).
"""

import argparse
import os
import random
import resource
import sys
import time
from datetime import datetime
from email.utils import format_datetime

import psutil
from common import machine

MB = 1024 * 1024
SENDER_DOMAIN = "bench-inbound.example.com"
CARE_ALIAS = "bench-care-inbound"
LEADS_ALIAS = "bench-leads-inbound"
SUBJECTS = [
    "Complaint: the bike arrived broken",
    "Question about my order",
    "Where is my parcel?",
    "Khiếu nại: giao hàng chậm",
    "ร้องเรียน จักรยานชำรุด",
    "请问营业时间",
    "Refund request for a damaged saddle",
    "How do I raise the saddle?",
]
BODY = (
    "Hello,\n\nI ordered a city bike last week. {line}\n\n"
    "Could you tell me what you can do?\n\nBest regards,\n{name}\n"
)
LINES = [
    "The front wheel is bent and the brakes do not work.",
    "The delivery was announced for Monday and nothing came.",
    "I would like to know the opening hours of the shop.",
    "The invoice shows the wrong address.",
]
# the receiving server vouches for the senders (DMARC passed): they get the
# acknowledgement, as authenticated customers do
EMAIL = """Return-Path: <{sender}>
Authentication-Results: mx.bench.example; dmarc=pass header.from={domain}
To: {to}
From: {name} <{sender}>
Subject: {subject}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit
Date: {date}
Message-ID: <{msg_id}@{domain}>

{body}
"""


def odoo_env(db):
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    config.parse_config(
        ["-d", db, f"--addons-path={root}", "--log-level=warn", "--http-interface=127.0.0.1"]
    )
    registry = Registry(db)
    cr = registry.cursor()
    # acknowledgements and notifications wait in the outbox, as in production
    context = {"mail_notify_force_send": False}
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, context), cr


def setup(env, cr, acknowledge=True):
    """The two addresses, on the company's alias domain (created if none)."""
    company = env.company
    domain = company.alias_domain_id
    if not domain:
        domain = env["mail.alias.domain"].create({"name": "bench-inbound.example.org"})
        company.alias_domain_id = domain
    care_team = env["customer.care.team"].create(
        {
            "name": "Bench inbound care",
            "alias_name": CARE_ALIAS,
            "company_id": company.id,
            "acknowledge": acknowledge,
        }
    )
    sales_team = env["crm.team"].create(
        {"name": "Bench inbound leads", "alias_name": LEADS_ALIAS, "use_leads": True}
    )
    cr.commit()
    return care_team, sales_team, domain.name


def emails(count, to, seed=1):
    """The same N emails for both sides (only the address differs): 70 %
    from new senders, 30 % from senders seen before."""
    rng = random.Random(seed)
    date = format_datetime(datetime.now().astimezone())
    for n in range(count):
        person = n if rng.random() < 0.7 or n < 10 else rng.randrange(n)
        name = f"Bench Sender {person}"
        yield EMAIL.format(
            sender=f"sender{person}@{SENDER_DOMAIN}",
            to=to,
            name=name,
            subject=rng.choice(SUBJECTS),
            date=date,
            msg_id=f"{to.split('@')[0]}-{n}",
            domain=SENDER_DOMAIN,
            body=BODY.format(line=rng.choice(LINES), name=name),
        ).encode("utf-8")


def process(env, cr, messages, profiler=None):
    """Feed the emails one by one, committing each, as fetchmail does.
    Returns the seconds and the queries spent."""
    Thread = env["mail.thread"]
    queries = cr.sql_log_count
    start = time.monotonic()
    if profiler:
        profiler.enable()
    for message in messages:
        Thread.message_process(None, message)
        cr.commit()
        env.invalidate_all()
    if profiler:
        profiler.disable()
    return time.monotonic() - start, cr.sql_log_count - queries


def acknowledge(env, cr, batch_size):
    """The acknowledgement job as a cron worker runs it: batch after batch,
    each committed.  Returns seconds, batches and the queries of each."""
    IrCron = type(env["ir.cron"])
    original = IrCron._commit_progress
    batches = []
    last = [cr.sql_log_count]

    def commit_progress(self, processed=0, **kw):
        if processed:
            batches.append((processed, cr.sql_log_count - last[0]))
        result = original(self, processed, **kw)
        last[0] = cr.sql_log_count
        return result

    IrCron._commit_progress = commit_progress
    try:
        start = time.monotonic()
        env["customer.care.incident"]._cron_send_acknowledgements(batch_size=batch_size)
        seconds = time.monotonic() - start
    finally:
        IrCron._commit_progress = original
    return seconds, batches


def cleanup(env, cr, care_team, sales_team):
    cron = env.ref("customer_care.ir_cron_care_send_acknowledgements", raise_if_not_found=False)
    if cron:
        env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).unlink()
    Incident = env["customer.care.incident"].with_context(active_test=False)
    Incident.search([("team_id", "=", care_team.id)]).unlink()
    env["crm.lead"].with_context(active_test=False).search(
        [("team_id", "=", sales_team.id)]
    ).unlink()
    env["mail.mail"].search([("email_to", "like", SENDER_DOMAIN)]).unlink()
    care_team.unlink()
    sales_team.unlink()
    env["res.partner"].with_context(active_test=False).search(
        [("email", "=like", f"%@{SENDER_DOMAIN}")]
    ).unlink()
    cr.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("-n", "--emails", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=250)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--no-ack", action="store_true", help="the care team sends no acknowledgement"
    )
    parser.add_argument(
        "--ack-batch", type=int, default=None, help="batch size of the acknowledgement job"
    )
    parser.add_argument("--profile", help="write a cProfile of the care side to this file")
    args = parser.parse_args()
    env, cr = odoo_env(args.db)
    care_team, sales_team, domain = setup(env, cr, acknowledge=not args.no_ack)
    if args.no_ack:
        print("NOTE: the care team sends no acknowledgement (--no-ack)", flush=True)
    count = args.emails
    if count < 10_000:
        print(f"NOTE: {count} emails per side, fewer than the default 10,000", flush=True)
    care_mails = emails(count, f"{CARE_ALIAS}@{domain}")
    lead_mails = emails(count, f"{LEADS_ALIAS}@{domain}")
    process_rss = psutil.Process()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    seconds = {"care": 0.0, "leads": 0.0}
    queries = {"care": 0, "leads": 0}
    rss = []
    done = 0
    while done < count:
        size = min(args.chunk, count - done)
        for side, mails, prof in (("leads", lead_mails, None), ("care", care_mails, profiler)):
            spent, asked = process(env, cr, (next(mails) for _ in range(size)), prof)
            seconds[side] += spent
            queries[side] += asked
        done += size
        rss.append(process_rss.memory_info().rss / MB)
        print(
            f"  {done}/{count} emails per side: leads {done / seconds['leads']:.1f}/s, "
            f"incidents {done / seconds['care']:.1f}/s, ratio so far "
            f"{seconds['leads'] / seconds['care']:.2f}, RSS {rss[-1]:.0f} MB",
            flush=True,
        )
    if profiler:
        profiler.dump_stats(args.profile)

    pending = env["customer.care.incident"].search_count(
        [("team_id", "=", care_team.id), ("is_acknowledgement_pending", "=", True)]
    )
    ack_seconds, ack_batches = acknowledge(env, cr, args.ack_batch)
    rss.append(process_rss.memory_info().rss / MB)

    incidents = env["customer.care.incident"].search([("team_id", "=", care_team.id)])
    leads = env["crm.lead"].search([("team_id", "=", sales_team.id)])
    clocked = incidents.filtered(lambda i: i.response_deadline and i.resolution_deadline)
    cr.execute(
        """SELECT count(DISTINCT m.res_id), count(mm.id)
             FROM mail_message m
        LEFT JOIN mail_mail mm ON mm.mail_message_id = m.id AND mm.state = 'outgoing'
            WHERE m.model = 'customer.care.incident' AND m.res_id = ANY(%s)
              AND m.message_type = 'auto_comment'""",
        [incidents.ids],
    )
    acknowledged, queued = cr.fetchone()
    care_rate = len(incidents) / seconds["care"]
    leads_rate = len(leads) / seconds["leads"]
    print()
    print(f"{'path':<44}{'emails':>8}{'records':>9}{'seconds':>10}{'per s':>8}")
    print(
        f"{'crm.lead through the sales team alias':<44}{count:>8}{len(leads):>9}"
        f"{seconds['leads']:>10.1f}{leads_rate:>8.1f}"
    )
    print(
        f"{'customer.care.incident through the gateway':<44}{count:>8}{len(incidents):>9}"
        f"{seconds['care']:>10.1f}{care_rate:>8.1f}"
    )
    print()
    print(f"ratio incidents / leads: {care_rate / leads_rate:.2f} (target >= 0.8)")
    print(
        f"queries per email: leads {queries['leads'] / count:.1f}, "
        f"incidents {queries['care'] / count:.1f}"
    )
    print(
        f"incidents with SLA clocks: {len(clocked)}; queued for acknowledgement: {pending}; "
        f"acknowledged: {acknowledged}, acknowledgement emails queued: {queued}"
    )
    acked = sum(rows for rows, _q in ack_batches)
    per_batch = sorted(q for _rows, q in ack_batches)
    print(
        f"acknowledgement job: {acked} incidents in {len(ack_batches)} batches, "
        f"{ack_seconds:.1f} s, {acked / ack_seconds if ack_seconds else 0:.1f} per s; "
        f"queries per batch {per_batch[0] if per_batch else 0}-{per_batch[-1] if per_batch else 0}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory: RSS after the first chunk {rss[0]:.0f} MB, after the last "
        f"{rss[-2]:.0f} MB, after the job {rss[-1]:.0f} MB; peak RSS {peak:.0f} MB"
    )
    print(f"machine: {machine(cr)}")
    if not args.keep:
        cleanup(env, cr, care_team, sales_team)
    cr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
