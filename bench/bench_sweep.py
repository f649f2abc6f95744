"""Time the SLA timer sweep on the scale profile (run bench/generate_tickets.py first).

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_sweep.py [--steady 1000] [--mass 250000]

- steady state: one minute of newly due requests (default 1,000 — a 50,000-a-day peak brings
  about 35 a minute) among the running clocks, then one full sweep; median of 5 runs.
- mass breach: N running clocks all due at once, one full sweep (claim and grouped
  notifications) against a single SQL UPDATE of the same rows; median of 3 runs each.
Every run restores the clocks it touched, so the script can be run again. The database is first
read into memory (pg_prewarm, as on a server that has been running a while); --cold skips that.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from common import warm_database  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kefu.sla.timers import sla_sweep  # noqa: E402

# The same rows claimed by one plain statement: what the sweep is compared with.
BASELINE = (
    "UPDATE sla_slaclock SET breached_at = %(now)s, warned_at = COALESCE(warned_at, %(now)s) "
    "WHERE stopped_at IS NULL AND paused_at IS NULL "
    "AND breached_at IS NULL AND due_at <= %(now)s"
)


def sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params or {})
        return cursor.fetchall() if cursor.description else None


def pick(count):
    """Running, unbreached clocks, with their current due and warn times for restoring."""
    return sql(
        "SELECT id, due_at, warn_at FROM sla_slaclock WHERE stopped_at IS NULL AND breached_at IS NULL "
        "AND paused_at IS NULL ORDER BY random() LIMIT %(n)s",
        {"n": count},
    )


def make_due(rows, now, spread_seconds):
    ids = [row[0] for row in rows]
    sql(
        "UPDATE sla_slaclock SET due_at = %(now)s - (random() * %(spread)s) * interval '1 second', "
        "warn_at = %(now)s - interval '1 hour', warned_at = %(now)s - interval '1 hour' WHERE id = ANY(%(ids)s)",
        {"now": now, "spread": spread_seconds, "ids": ids},
    )
    sql("ANALYZE sla_slaclock")


def restore(rows, now):
    """Put the clocks back as they were and drop what the sweep wrote."""
    ids = [row[0] for row in rows]
    sql("DELETE FROM tickets_ticketevent WHERE created_at = %(now)s AND kind LIKE 'sla_%%'", {"now": now})
    sql("DELETE FROM inbox_notification WHERE created_at >= %(now)s", {"now": now})
    sql(
        "UPDATE sla_slaclock c SET due_at = v.due_at, warn_at = v.warn_at, warned_at = NULL, breached_at = NULL "
        "FROM unnest(%(ids)s::bigint[], %(dues)s::timestamptz[], %(warns)s::timestamptz[]) AS v(id, due_at, warn_at) "
        "WHERE c.id = v.id",
        {"ids": ids, "dues": [r[1] for r in rows], "warns": [r[2] for r in rows]},
    )


def timed(action) -> float:
    started = time.perf_counter()
    with transaction.atomic():
        action()
    return (time.perf_counter() - started) * 1000


def vacuum():
    """Clear the dead rows earlier runs left (autovacuum keeps up with a steady minute's churn in
    production; back-to-back bench runs restoring 250,000 clocks each outpace it)."""
    sql("VACUUM ANALYZE sla_slaclock")


def steady(count, runs):
    timings = []
    for _ in range(runs):
        vacuum()  # each run's setup and restore rewrite 2,000 clocks: 3x what a real minute does
        now = timezone.now()
        rows = pick(count)
        make_due(rows, now, 60)
        timings.append(timed(lambda now=now: sla_sweep(now=now)))
        restore(rows, now)
    return timings


def mass(count, runs):
    """Each run times the sweep and the plain UPDATE on the same rows, taking turns at going
    first: the second of a pair meets the dead rows the first left behind."""
    sweep_ms, update_ms = [], []
    for run in range(runs):
        vacuum()
        rows = pick(count)
        pair = [(sweep_ms, lambda now: sla_sweep(now=now)), (update_ms, lambda now: sql(BASELINE, {"now": now}))]
        for timings, action in pair if run % 2 == 0 else reversed(pair):
            now = timezone.now()
            make_due(rows, now, 1)
            timings.append(timed(lambda now=now, action=action: action(now)))
            restore(rows, now)
    return sweep_ms, update_ms


def main():
    parser = argparse.ArgumentParser(description="SLA sweep benchmark")
    parser.add_argument("--steady", type=int, default=1000)
    parser.add_argument("--mass", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold", action="store_true", help="do not read the database into memory first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL with the scale profile (see bench/README.md).")
    print("database:", "cold (--cold)" if args.cold else warm_database(connection), flush=True)
    running = sql("SELECT count(*) FROM sla_slaclock WHERE stopped_at IS NULL")[0][0]
    print(f"running clocks: {running:,}")
    timings = steady(args.steady, args.runs)
    print(f"steady state, {args.steady:,} newly due: median {statistics.median(timings):.0f} ms "
          f"(runs: {', '.join(f'{t:.0f}' for t in timings)})")  # fmt: skip
    sweep_ms, update_ms = mass(args.mass, max(1, args.runs // 2))
    ratio = statistics.median(sweep_ms) / statistics.median(update_ms)
    print(f"mass breach of {args.mass:,}: sweep median {statistics.median(sweep_ms):.0f} ms, single UPDATE median "
          f"{statistics.median(update_ms):.0f} ms, ratio {ratio:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
