"""Throughput and p95 latency per number of simulated people, as a PNG.

    python bench/load/chart.py RESULTS.json OUT.png
    python bench/load/chart.py --replica RESULTS-REPLICA.json OUT.png

Run by bench/load/run.py with the load environment's Python (matplotlib).
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def p95_of(stats, prefix):
    values = [v["p95"] for name, v in stats.items() if name.startswith(prefix) and v["requests"]]
    return max(values) if values else 0


def main(source, target):
    with open(source) as handle:
        results = json.load(handle)
    steps = results["steps"]
    users = [step["users"] for step in steps]
    rps = [step["stats"].get("Aggregated", {}).get("rps", 0) for step in steps]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(users, rps, marker="o")
    left.set_xlabel("simulated people")
    left.set_ylabel("requests per second")
    left.set_title("Throughput")
    for label, prefix in (("care actions (worst p95)", "care: "), ("core actions", "core: ")):
        p95 = [p95_of(step["stats"], prefix) for step in steps]
        right.plot(users, p95, marker="o", label=label)
    right.set_xlabel("simulated people")
    right.set_ylabel("p95 latency (ms)")
    right.set_title("Latency")
    right.legend()
    figure.suptitle(
        f"customer_care on {results['nodes']} Odoo servers x {results['workers']} workers "
        f"- {results['machine'].split(',')[0]}",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(target, dpi=110)
    print(f"[load] chart written to {target}")


DASHBOARDS = (
    "care: overview",
    "care: overview tile",
    "care: overview tile list",
    "care: complaint report",
    "care: value report",
)


def replica(source, target):
    """Without and with the read replica: throughput, and the worst p95 of
    the dashboards' and reports' requests, per number of simulated people."""
    with open(source) as handle:
        runs = json.load(handle)
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for label, title in (("primary", "primary only"), ("replica", "with read replica")):
        steps = runs[label]["steps"]
        users = [step["users"] for step in steps]
        rps = [step["stats"].get("Aggregated", {}).get("rps", 0) for step in steps]
        worst = [
            max(
                (step["stats"][name]["p95"] for name in DASHBOARDS if name in step["stats"]),
                default=0,
            )
            for step in steps
        ]
        left.plot(users, rps, marker="o", label=title)
        right.plot(users, worst, marker="o", label=title)
        for x, y in zip(users, worst, strict=True):
            right.annotate(f"{y:.0f}", (x, y), textcoords="offset points", xytext=(0, 6))
    left.set_xlabel("simulated people")
    left.set_ylabel("requests per second")
    left.set_title("Throughput")
    left.legend()
    right.set_xlabel("simulated people")
    right.set_ylabel("p95 latency (ms)")
    right.set_title("Dashboards and reports, worst p95")
    right.legend()
    base = runs["replica"]
    figure.suptitle(
        f"customer_care on {base['nodes']} Odoo servers x {base['workers']} workers, "
        f"without and with a read replica - {base['machine'].split(',')[0]}",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(target, dpi=110)
    print(f"[load] chart written to {target}")


if __name__ == "__main__":
    if sys.argv[1] == "--replica":
        replica(*sys.argv[2:4])
    else:
        main(*sys.argv[1:3])
