"""Callbacks and visits at scale (issue 17): set-based generation against one plain INSERT … SELECT
of the same rows, and the callback desk's p95.

    DATABASE_URL=postgres://…/kefu .venv/bin/python bench/bench_callbacks.py [--closed 500000] [--due 50000]

Against the scale profile (bench/generate_scale.py, 1,000,000 customers; bench/generate_tickets.py
for the requests). Everything it writes is rolled back at the end.

1. Callback tasks for --closed requests closed on one day: that many requests with a customer get
   a closing time on 2026-03-06 spread over the day's minutes; the rule "request closed" covers
   every tier (sample 100 %). Baseline: one hand-written INSERT … SELECT into the callback table
   of the same rows (the same ticket, customer, staff, team, tier rank and the same due times,
   joined from the same per-minute table) — what the database must do at least. Then
   `callbacks.generate.callbacks_generate_closed` without and with its audit entries.
2. Visit plans for every customer with a manager (the default frequencies: 三星 monthly, the rest
   yearly): a hand-written INSERT … SELECT of the same rows against `visits.services.visits_plan`
   without and with audit entries.
3. The callback desk (an agent's first page, `GET /callbacks/`) with --due pending tasks due today:
   in-process through Django's test client, 60 requests after 5 warm-ups, p50/p95.
"""

import argparse
import sys
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from common import database_label, machine_label, machine_noise, setup_django, stopwatch, summarise_ms

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from kefu.callbacks.generate import callbacks_generate_closed, generate_sql  # noqa: E402
from kefu.callbacks.models import CallbackRule  # noqa: E402
from kefu.callbacks.services import _calendar_of  # noqa: E402
from kefu.core import config_cache  # noqa: E402
from kefu.org.models import User  # noqa: E402
from kefu.visits.models import Visit, VisitFrequency  # noqa: E402
from kefu.visits.services import period_of, visits_plan  # noqa: E402

DAY = date(2026, 3, 6)
ZONE = ZoneInfo("Asia/Shanghai")


class Rollback(Exception):
    pass


def baseline_callbacks(cursor, rule) -> float:
    """The same rows as generate_sql, written by hand: tickets joined to customers for the tier rank."""
    sql, params = generate_sql(rule, _calendar_of(rule), DAY, timezone.now())
    values = sql.split(" INSERT INTO")[0]  # the per-minute table (WITH m … AS (…)), as generated
    minute_params = params[: 3 * 1440]  # the VALUES parameters come first
    hand = (
        f"{values} INSERT INTO callbacks_callback (version, rule_id, ticket_id, customer_id, staff_id, team_id,"
        " sequence, tier_rank, due_at, next_try_at, status, attempts, result, answers, comment, created_at)"
        " SELECT 1, %s, t.id, t.customer_id, COALESCE(t.assignee_id, t.owner_id), u.org_unit_id, 1,"
        " CASE c.tier WHEN '三星' THEN 1 WHEN '二星' THEN 2 WHEN '一星' THEN 3 ELSE 999 END,"
        " m.due, m.next_try, 'pending', 0, '', '{}', '', now()"
        " FROM tickets_ticket t JOIN customers_customer c ON c.id = t.customer_id"
        " JOIN org_user u ON u.id = COALESCE(t.assignee_id, t.owner_id)"
        " JOIN m ON m.minute = (EXTRACT(HOUR FROM t.closed_at AT TIME ZONE 'Asia/Shanghai') * 60"
        " + EXTRACT(MINUTE FROM t.closed_at AT TIME ZONE 'Asia/Shanghai'))::int"
        " WHERE t.closed_at >= %s AND t.closed_at < %s"
    )
    low = datetime.combine(DAY, time(0), tzinfo=ZONE)
    with stopwatch() as elapsed:
        cursor.execute(hand, [*minute_params, rule.pk, low, low + timedelta(days=1)])
    return elapsed()


def fresh(cursor, table: str) -> None:
    """Start a run on new storage: rows a previous run wrote and rolled back to a savepoint stay
    in the table and its indexes as dead entries until a VACUUM, which cannot run inside this
    transaction, so every run after the first (Kefu's, which follow the baseline) would pay for
    them. TRUNCATE inside the savepoint gives the table new files and is itself rolled back."""
    cursor.execute(f"TRUNCATE {table} CASCADE")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--closed", type=int, default=500_000)
    parser.add_argument("--due", type=int, default=50_000)
    parser.add_argument("--skip-visits", action="store_true", help="only the callback figures and the desk")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("PostgreSQL only (set DATABASE_URL)", file=sys.stderr)
        return 1
    print(database_label(), "|", machine_label(), "|", machine_noise())
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            low = datetime.combine(DAY, time(0), tzinfo=ZONE)
            cursor.execute(
                "UPDATE tickets_ticket SET closed_at = %s + ((id %% 1440) * interval '1 minute')"
                " WHERE id IN (SELECT id FROM tickets_ticket WHERE customer_id IS NOT NULL ORDER BY id LIMIT %s)",
                [low, args.closed],
            )
            print(f"requests closed on {DAY}: {cursor.rowcount:,}")
            CallbackRule.objects.all().delete()
            rule = CallbackRule.objects.create(name="服务回访", sample_percent=100, full_coverage_rank=1)
            config_cache.forget_here()
            cursor.execute("ANALYZE tickets_ticket")

            cursor.execute("SAVEPOINT base")
            fresh(cursor, "callbacks_callback")
            base = baseline_callbacks(cursor, rule)
            base_rows = cursor.rowcount
            cursor.execute("ROLLBACK TO SAVEPOINT base")
            cursor.execute("SAVEPOINT ours")
            fresh(cursor, "callbacks_callback")
            with stopwatch() as elapsed:
                ours_rows = callbacks_generate_closed(day=DAY, audit=False)
            ours = elapsed()
            cursor.execute("ROLLBACK TO SAVEPOINT ours")
            fresh(cursor, "callbacks_callback")
            with stopwatch() as elapsed:
                audited_rows = callbacks_generate_closed(day=DAY, audit=True)
            audited = elapsed()
            print(
                f"callback tasks: baseline INSERT … SELECT {base_rows:,} rows {base:.2f} s; "
                f"callbacks_generate_closed {ours_rows:,} rows {ours:.2f} s ({ours / base:.2f}x); "
                f"with audit entries {audited_rows:,} rows {audited:.2f} s ({audited / base:.2f}x)"
            )
            assert base_rows == ours_rows == audited_rows

            # The desk: --due of those tasks due today for the agent's first page.
            agent = User.objects.filter(role="agent", is_active=True).first()
            now = timezone.now()
            # Statistics first: the table was filled in this transaction, and with none PostgreSQL
            # once planned the UPDATE below as a nested loop over every row (5 minutes and more).
            cursor.execute("ANALYZE callbacks_callback")
            cursor.execute("SELECT min(id) FROM callbacks_callback")
            first_id = cursor.fetchone()[0]
            cursor.execute(
                "UPDATE callbacks_callback SET due_at = %s + ((id %% 600) * interval '1 minute')"
                " WHERE id >= %s AND id < %s",
                [now.replace(hour=0, minute=0, second=0, microsecond=0), first_id, first_id + args.due],
            )
            cursor.execute("ANALYZE callbacks_callback")
            client = Client()
            client.force_login(agent)
            timings = []
            for round_ in range(65):
                with stopwatch() as elapsed:
                    response = client.get("/callbacks/")
                assert response.status_code == 200
                if round_ >= 5:
                    timings.append(elapsed())
            desk = summarise_ms(timings)
            print(
                f"callback desk with {args.due:,} due today (of {audited_rows:,} pending): "
                f"p50 {desk['p50']:.1f} ms, p95 {desk['p95']:.1f} ms"
            )

            if args.skip_visits:
                raise Rollback
            # Visit plans.
            frequencies = list(VisitFrequency.objects.all())
            explicit = [f.tier for f in frequencies if f.tier]
            cursor.execute("SAVEPOINT visits")
            fresh(cursor, "visits_visit")
            with stopwatch() as elapsed:
                base_rows = 0
                for frequency in frequencies:
                    start, end = period_of(DAY, frequency.every_months)
                    where = "c.tier = %s" if frequency.tier else "NOT (c.tier = ANY(%s))"
                    cursor.execute(
                        "INSERT INTO visits_visit (version, customer_id, manager_id, period_start, due_date,"
                        " phone_missing, status, purpose, people_met, outcome, needs_found, issues, corrections,"
                        " overdue_notified) SELECT 1, c.id, c.account_manager_id, %s, %s, NOT c.has_valid_phone,"
                        " 'planned', '', '', '', '', '[]', '{}', false FROM customers_customer c"
                        f" WHERE c.status <> 'closed' AND c.account_manager_id IS NOT NULL AND {where}",
                        [start, end, frequency.tier or explicit],
                    )
                    base_rows += cursor.rowcount
            base = elapsed()
            cursor.execute("ROLLBACK TO SAVEPOINT visits")
            cursor.execute("SAVEPOINT visits2")
            fresh(cursor, "visits_visit")
            with stopwatch() as elapsed:
                ours_rows = visits_plan(today=DAY, audit=False)
            ours = elapsed()
            cursor.execute("ROLLBACK TO SAVEPOINT visits2")
            fresh(cursor, "visits_visit")
            with stopwatch() as elapsed:
                audited_rows = visits_plan(today=DAY, audit=True)
            audited = elapsed()
            with stopwatch() as elapsed:
                again = visits_plan(today=DAY)
            rerun = elapsed()
            print(
                f"visit plans: baseline INSERT … SELECT {base_rows:,} rows {base:.2f} s; "
                f"visits_plan {ours_rows:,} rows {ours:.2f} s ({ours / base:.2f}x); "
                f"with audit entries {audited_rows:,} rows {audited:.2f} s ({audited / base:.2f}x); "
                f"run again: {again} rows in {rerun:.2f} s"
            )
            assert Visit.objects.count() == base_rows
            raise Rollback
    except Rollback:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
