"""Grading every customer, set-based (issue 16): a run against one plain INSERT … SELECT.

    DATABASE_URL=postgres://…/kefu_scale .venv/bin/python bench/bench_grading.py [--months-share 60] [--repeat 2]

Against the scale profile (bench/generate_scale.py, 1,000,000 customers; `manage.py migrate
grading` first). The profile has no monthly volumes, so the script writes them first: for each
customer and each of the 12 months before this one, with a share of --months-share percent of the
months busy, a revenue drawn log-uniformly between 10 and 1,000,000 yuan (so that 80/20 means
something) and a tenth of it as volume. Everything it writes (volumes, schemes, runs, scores,
proposals) is rolled back at the end: the database is left as it was (VACUUM afterwards returns
the space).

What it times, for the weighted preset of seed 004 篇9 (the scheme the schedule runs):
- baseline: one hand-written INSERT … SELECT into the score table computing the same values,
  score and tier (a GROUP BY of the period's volumes joined to the customers);
- the run: `grading.services.grading_run`, i.e. the INSERT … SELECT the engine compiles from
  ORM querysets, counting the changes, superseding contradicted proposals and inserting the new
  proposals (an INSERT … SELECT too), in one transaction;
and checks that both wrote the same score and tier for every customer. Then one run of each of
the other presets (ABC by value share, RFM), for their times.
"""

import argparse
import statistics
import sys
from datetime import date

from common import database_label, machine_label, machine_noise, setup_django, stopwatch

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kefu.grading import presets  # noqa: E402
from kefu.grading.choices import RunStatus, RunTrigger  # noqa: E402
from kefu.grading.engine import period_bounds  # noqa: E402
from kefu.grading.models import GradeProposal, GradingRun  # noqa: E402
from kefu.grading.services import grading_run, scheme_install_preset  # noqa: E402
from kefu.org.models import User  # noqa: E402


class Rollback(Exception):
    pass


def write_volumes(cursor, as_of: date, busy_share: int) -> int:
    start, _end = period_bounds(as_of, 12)
    # Rows consistent by construction: skip the foreign-key trigger per row, as generate_scale.py
    # does (for this transaction only; it is rolled back anyway).
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute(
        """
        INSERT INTO customers_customervolume (customer_id, period, volume, revenue)
        SELECT c.id, (%s::date + make_interval(months => m))::date,
               round((r.revenue / 10)::numeric, 2), round(r.revenue::numeric, 2)
        FROM customers_customer c
        CROSS JOIN generate_series(0, 11) AS m
        CROSS JOIN LATERAL (
            SELECT power(10, 1 + 5 * ((c.id * 2654435761 + m * 40503) %% 100000) / 100000.0) AS revenue
        ) r
        WHERE (c.id * 7919 + m * 104729) %% 100 < %s
        """,
        [start, busy_share],
    )
    count = cursor.rowcount
    cursor.execute("SET LOCAL session_replication_role = origin")
    cursor.execute("ANALYZE customers_customervolume")
    return count


BASELINE = """
INSERT INTO grading_gradescore (run_id, customer_id, current_tier, volume_total, revenue_total,
                                credit_rating, potential, score, tier)
SELECT %(run)s, x.id, x.tier, x.vol, x.rev, x.credit_rating, x.potential, x.score,
       CASE WHEN x.score >= 80 THEN %(t1)s WHEN x.score >= 55 THEN %(t2)s ELSE %(t3)s END
FROM (
    SELECT c.id, c.tier, COALESCE(v.vol, 0) AS vol, COALESCE(v.rev, 0) AS rev, c.credit_rating, c.potential,
           CASE WHEN COALESCE(v.vol, 0) >= 100000 THEN 25 WHEN COALESCE(v.vol, 0) >= 20000 THEN 15
                WHEN COALESCE(v.vol, 0) >= 0 THEN 5 ELSE 0 END
         + CASE WHEN COALESCE(v.rev, 0) >= 1000000 THEN 25 WHEN COALESCE(v.rev, 0) >= 200000 THEN 15
                WHEN COALESCE(v.rev, 0) >= 0 THEN 5 ELSE 0 END
         + CASE c.credit_rating WHEN 'A' THEN 25 WHEN 'B' THEN 15 WHEN 'C' THEN 5 ELSE 0 END
         + CASE c.potential WHEN 'high' THEN 25 WHEN 'medium' THEN 15 WHEN 'low' THEN 5 ELSE 0 END AS score
    FROM customers_customer c
    LEFT JOIN (
        SELECT customer_id, SUM(volume) AS vol, SUM(revenue) AS rev FROM customers_customervolume
        WHERE period >= %(start)s AND period < %(end)s GROUP BY customer_id
    ) v ON v.customer_id = c.id
    WHERE c.status <> 'closed'
) x
"""


def baseline(cursor, scheme, as_of: date) -> tuple[float, int, int]:
    run = GradingRun.objects.create(
        scheme=scheme, rules={}, as_of=as_of, trigger=RunTrigger.MANUAL, status=RunStatus.DONE
    )
    start, end = period_bounds(as_of, 12)
    tiers = [band["tier"] for band in scheme.tier_bands]
    params = {"run": run.pk, "t1": tiers[0], "t2": tiers[1], "t3": tiers[2], "start": start, "end": end}
    with stopwatch() as elapsed:
        cursor.execute(BASELINE, params)
    return elapsed(), cursor.rowcount, run.pk


def differences(cursor, run_a: int, run_b: int) -> int:
    cursor.execute(
        """SELECT count(*) FROM grading_gradescore a JOIN grading_gradescore b
           ON a.customer_id = b.customer_id AND b.run_id = %s
           WHERE a.run_id = %s AND (a.score <> b.score OR a.tier <> b.tier)""",
        [run_b, run_a],
    )
    return cursor.fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months-share", type=int, default=60, help="percent of customer-months with business")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only-weighted", action="store_true", help="skip the ABC and RFM runs")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("PostgreSQL only (set DATABASE_URL)", file=sys.stderr)
        return 2
    admin = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    as_of = timezone.localdate()
    report = {}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            with stopwatch() as elapsed:
                report["volume rows written"] = write_volumes(cursor, as_of, args.months_share)
            report["writing volumes (s)"] = round(elapsed(), 1)
            scheme = scheme_install_preset(actor=admin, preset=presets.SEED_WEIGHTED)
            base_times, run_times = [], []
            for attempt in range(args.repeat):
                seconds, rows, base_run = baseline(cursor, scheme, as_of)
                base_times.append(seconds)
                GradeProposal.objects.filter(status="pending").delete()  # each run finds the same changes
                with stopwatch() as elapsed:
                    run = grading_run(actor=admin, scheme=scheme, as_of=as_of)
                run_times.append(elapsed())
                mismatched = differences(cursor, run.pk, base_run)
                print(
                    f"attempt {attempt + 1}: baseline {seconds:.2f} s ({rows:,} rows), run {elapsed():.2f} s "
                    f"({run.customers:,} graded, {run.changes:,} changes, {run.proposals:,} proposals), "
                    f"scores differing from the baseline: {mismatched}",
                    flush=True,
                )
                if mismatched:
                    report["MISMATCH"] = mismatched
            report["baseline INSERT … SELECT (s, median)"] = round(statistics.median(base_times), 2)
            report["grading run (s, median)"] = round(statistics.median(run_times), 2)
            report["ratio run / baseline"] = round(statistics.median(run_times) / statistics.median(base_times), 2)
            report["customers graded"] = run.customers
            report["proposals in the run"] = run.proposals
            for preset in () if args.only_weighted else (presets.ABC, presets.RFM):
                other = scheme_install_preset(actor=admin, preset=preset)
                with stopwatch() as elapsed:
                    other_run = grading_run(actor=admin, scheme=other, as_of=as_of)
                report[f"{preset} run (s)"] = round(elapsed(), 2)
                report[f"{preset} proposals"] = other_run.proposals
            raise Rollback
    except Rollback:
        pass
    print()
    facts = {"database": database_label(), "machine": machine_label(), "noise": machine_noise()}
    for key, value in {**facts, **report}.items():
        print(f"- {key}: {value:,}" if isinstance(value, int) else f"- {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
