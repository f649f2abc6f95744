"""Churn risk for every customer, set-based (issue 18 item 5): a run against one plain INSERT … SELECT.

    DATABASE_URL=postgres://…/kefu_scale .venv/bin/python bench/bench_churn.py [--repeat 2] [--customers N]

Against the scale profile (bench/generate_scale.py, 1,000,000 customers; `manage.py migrate
churn`, `migrate callbacks`, `migrate contacts`, `migrate sales` first). The profile has no
volumes, requests, callbacks, contacts or competitor records, so the script writes them first,
inside a transaction it rolls back at the end (the database is left as it was; VACUUM
afterwards returns the space), with rows derived from the customer id:
- monthly volumes for the 6 months before this one for 60 % of the customers (revenue
  log-uniform between 10 and 100,000 yuan, a tenth of it as volume); a fifth of them fall by
  0–99 % in the last 3 months;
- a complaint for 5 % of the customers (registered 0–199 days ago, one in three unresolved);
- an unsatisfied callback for 2 %;
- a logged contact for 70 % (0–199 days ago);
- a competitor record for 2.5 %.
Every customer is scored; `--customers N` writes those rows only for customers with id ≤ N
(quicker to prepare; the customers above N then have no data to score).

What it times, alternately, `--repeat` times:
- baseline: one hand-written INSERT … SELECT into the score table computing the same readings,
  points and score (GROUP BYs of volumes, complaints, callbacks, contacts and competitor
  records, joined to the customers), with the settings' default weights;
- the run: `churn.services.churn_run`, i.e. the INSERT … SELECT the engine compiles from the
  apps' ORM querysets, ANALYZE, the count over the threshold, the retention tasks (an
  INSERT … SELECT), their audit entries (COPY), the managers' notices and the supervisors' of
  customers at risk without a manager, in one transaction
  (the tasks of the previous attempt are deleted first, so each attempt makes them again);
and checks that both wrote the same readings, points and score for every customer.
"""

import argparse
import statistics
import sys
from datetime import datetime, time, timedelta

from common import database_label, machine_label, machine_noise, setup_django, stopwatch

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kefu.callbacks.models import Callback, CallbackRule  # noqa: E402
from kefu.callbacks.presets import callback_rules_install_defaults  # noqa: E402
from kefu.churn import engine  # noqa: E402
from kefu.churn.engine import month_bounds  # noqa: E402
from kefu.churn.models import ChurnRun, RetentionTask  # noqa: E402
from kefu.churn.selectors import current_settings  # noqa: E402
from kefu.churn.services import churn_run, settings_rules  # noqa: E402
from kefu.contacts.models import ContactLog  # noqa: E402
from kefu.customers.models import Customer  # noqa: E402
from kefu.org.models import User  # noqa: E402
from kefu.sales.models import CompetitorRecord  # noqa: E402
from kefu.tickets.models import Ticket, WorkflowState  # noqa: E402
from kefu.tickets.services.setup import workflows_install_defaults  # noqa: E402


class Rollback(Exception):
    pass


def clone(cursor, model, template_pk: int, overrides: dict, params: list, where: str, where_params: list) -> int:
    """INSERT … SELECT copies of one valid template row t, one per customer c matching `where`, with
    `overrides` (column → SQL over t and c, taking `params`): every other column is the template's."""
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    table = model._meta.db_table
    values = ", ".join(overrides.get(column, f"t.{column}") for column in columns)
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values}"
        f" FROM {table} t, customers_customer c WHERE t.id = %s AND {where}",
        [*params, template_pk, *where_params],
    )
    return cursor.rowcount


def write_data(cursor, as_of, limit: int, admin) -> dict:
    earlier, _recent, _end = month_bounds(as_of, 3)
    counts = {}
    # Rows consistent by construction: skip the foreign-key triggers per row (this transaction only).
    cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute(
        """
        INSERT INTO customers_customervolume (customer_id, period, volume, revenue)
        SELECT c.id, (%s::date + make_interval(months => m))::date,
               round((r.revenue * f.factor / 10)::numeric, 2), round((r.revenue * f.factor)::numeric, 2)
        FROM customers_customer c
        CROSS JOIN generate_series(0, 5) AS m
        CROSS JOIN LATERAL (SELECT power(10, 1 + 4 * ((c.id * 2654435761) %% 100000) / 100000.0) AS revenue) r
        CROSS JOIN LATERAL (
            SELECT CASE WHEN m >= 3 AND c.id %% 5 = 0 THEN ((c.id * 37) %% 100) / 100.0 ELSE 1 END AS factor
        ) f
        WHERE (c.id * 7919) %% 100 < 60 AND c.id <= %s
        """,
        [earlier, limit],
    )
    counts["volume rows"] = cursor.rowcount
    first = Customer.objects.order_by("pk").first()
    workflows_install_defaults()
    callback_rules_install_defaults()
    state = WorkflowState.objects.get(workflow__ticket_type="complaint", is_initial=True)
    ticket = Ticket.objects.create(
        ticket_type="complaint", channel="phone", state=state, title="投诉：频繁停电", description="近一周停电三次",
        customer=first, owner=admin, created_by=admin,
    )  # fmt: skip
    now = timezone.now()
    days = "make_interval(days => ((c.id * 13) %% 200)::int)"
    counts["complaints"] = clone(
        cursor, Ticket, ticket.pk,
        {
            "customer_id": "c.id", "created_at": f"%s - {days}", "updated_at": f"%s - {days}",
            "closed_at": f"CASE WHEN c.id %% 60 = 0 THEN NULL ELSE %s - {days} + interval '1 day' END",
            "idempotency_key": "NULL",
        },
        [now, now, now], "c.id %% 20 = 0 AND c.id <= %s", [limit],
    )  # fmt: skip
    rule = CallbackRule.objects.order_by("pk").first()
    callback = Callback.objects.create(
        rule=rule, ticket=ticket, customer=first, staff=admin, due_at=now, next_try_at=now, status="done",
        result="unsatisfied", completed_at=now,
    )  # fmt: skip
    counts["unsatisfied callbacks"] = clone(
        cursor, Callback, callback.pk,
        {"customer_id": "c.id", "completed_at": f"%s - {days}", "created_at": f"%s - {days}"},
        [now, now], "c.id %% 50 = 0 AND c.id <= %s", [limit],
    )  # fmt: skip
    contact = ContactLog.objects.create(customer=first, contacted_at=now, channel="phone", summary="电话联系")
    counts["contact log rows"] = clone(
        cursor, ContactLog, contact.pk,
        {"customer_id": "c.id", "contacted_at": f"%s - {days}"},
        [now], "c.id %% 10 < 7 AND c.id <= %s", [limit],
    )  # fmt: skip
    record = CompetitorRecord.objects.create(
        customer=first, competitor="某竞争对手", offer="九折", products="干线", noted_on=as_of, recorded_by=admin
    )
    counts["competitor records"] = clone(
        cursor, CompetitorRecord, record.pk,
        {"customer_id": "c.id", "noted_on": f"(%s::date - {days})::date"},
        [as_of], "c.id %% 40 = 0 AND c.id <= %s", [limit],
    )  # fmt: skip
    cursor.execute("SET LOCAL session_replication_role = origin")
    for model in (Customer, Ticket, Callback, ContactLog, CompetitorRecord):
        cursor.execute(f"ANALYZE {model._meta.db_table}")
    cursor.execute("ANALYZE customers_customervolume")
    return counts


# The same rules as the engine, written by hand for these defaults (weights 30/25/15/15/15).
BASELINE = """
INSERT INTO churn_churnscore (run_id, customer_id, volume_recent, volume_earlier, revenue_recent, revenue_earlier,
    drop_percent, complaints, open_complaints, unsatisfied, last_contact, competitor_records,
    points_volume, points_complaints, points_callbacks, points_contact, points_competitor, score)
SELECT %(run)s, x.id, x.vr, x.ve, x.rr, x.re, round(x.d * 100, 2), x.k, x.ko, x.b, x.last, x.s,
       x.pv, x.pk, x.pb, x.pc, x.ps, x.pv + x.pk + x.pb + x.pc + x.ps
FROM (
    SELECT y.*,
        round(CASE WHEN y.d * 100 >= 20 THEN 30 * least(y.d, 1) ELSE 0 END, 2) AS pv,
        round(25 * least((y.k + y.ko) / 3.0, 1), 2) AS pk,
        round(15 * least(y.b / 2.0, 1), 2) AS pb,
        CASE WHEN coalesce(y.last, y.since) < %(cutoff)s THEN 15 ELSE 0 END AS pc,
        round(15 * least(y.s / 1.0, 1), 2) AS ps
    FROM (
        SELECT c.id, c.created_at AS since,
            coalesce(v.vr, 0) AS vr, coalesce(v.ve, 0) AS ve, coalesce(v.rr, 0) AS rr, coalesce(v.re, 0) AS re,
            greatest(
                CASE WHEN coalesce(v.ve, 0) > 0 THEN (v.ve - coalesce(v.vr, 0)) / v.ve ELSE 0 END,
                CASE WHEN coalesce(v.re, 0) > 0 THEN (v.re - coalesce(v.rr, 0)) / v.re ELSE 0 END
            ) AS d,
            coalesce(k.k, 0) AS k, coalesce(k.ko, 0) AS ko, coalesce(b.b, 0) AS b, n.last, coalesce(s.s, 0) AS s
        FROM customers_customer c
        LEFT JOIN (
            SELECT customer_id, sum(volume) FILTER (WHERE period >= %(recent)s) AS vr,
                   sum(volume) FILTER (WHERE period < %(recent)s) AS ve,
                   sum(revenue) FILTER (WHERE period >= %(recent)s) AS rr,
                   sum(revenue) FILTER (WHERE period < %(recent)s) AS re
            FROM customers_customervolume WHERE period >= %(earlier)s AND period < %(end)s GROUP BY customer_id
        ) v ON v.customer_id = c.id
        LEFT JOIN (
            SELECT customer_id, count(*) FILTER (WHERE created_at >= %(complaints_since)s) AS k,
                   count(*) FILTER (WHERE closed_at IS NULL) AS ko
            FROM tickets_ticket
            WHERE ticket_type = 'complaint' AND customer_id IS NOT NULL AND is_valid IS DISTINCT FROM false
              AND (created_at >= %(complaints_since)s OR closed_at IS NULL)
            GROUP BY customer_id
        ) k ON k.customer_id = c.id
        LEFT JOIN (
            SELECT customer_id, count(*) AS b FROM callbacks_callback
            WHERE result = 'unsatisfied' AND completed_at >= %(callbacks_since)s AND customer_id IS NOT NULL
            GROUP BY customer_id
        ) b ON b.customer_id = c.id
        LEFT JOIN (SELECT customer_id, max(contacted_at) AS last FROM contacts_contactlog GROUP BY customer_id) n
            ON n.customer_id = c.id
        LEFT JOIN (
            SELECT customer_id, count(*) AS s FROM sales_competitorrecord
            WHERE noted_on >= %(competitors_since)s OR visited_on >= %(competitors_since)s GROUP BY customer_id
        ) s ON s.customer_id = c.id
        WHERE c.status <> 'closed'
    ) y
) x
"""


def baseline(cursor, as_of) -> tuple[float, int, int]:
    rules = settings_rules(current_settings())
    assert rules["weights"] == {k: f"{v}.00" for k, v in (("volume", 30), ("complaints", 25), ("callbacks", 15),
                                                         ("contact", 15), ("competitor", 15))}  # fmt: skip
    run = ChurnRun.objects.create(rules=rules, as_of=as_of, trigger="manual", finished_at=timezone.now())
    earlier, recent, end = month_bounds(as_of, rules["recent_months"])

    def start(days: int):
        return timezone.make_aware(datetime.combine(as_of - timedelta(days=days), time.min))

    params = {
        "run": run.pk, "earlier": earlier, "recent": recent, "end": end,
        "complaints_since": start(rules["complaint_days"]), "callbacks_since": start(rules["callback_days"]),
        "competitors_since": as_of - timedelta(days=rules["competitor_days"]),
        "cutoff": start(rules["no_contact_days"]),
    }  # fmt: skip
    with stopwatch() as elapsed:
        cursor.execute(BASELINE, params)
    return elapsed(), cursor.rowcount, run.pk


COMPARED = [
    "volume_recent",
    "volume_earlier",
    "revenue_recent",
    "revenue_earlier",
    "drop_percent",
    "complaints",
    "open_complaints",
    "unsatisfied",
    "last_contact",
    "competitor_records",
    "points_volume",
    "points_complaints",
    "points_callbacks",
    "points_contact",
    "points_competitor",
    "score",
]


def differences(cursor, run_a: int, run_b: int) -> int:
    unequal = " OR ".join(f"a.{c} IS DISTINCT FROM b.{c}" for c in COMPARED)
    cursor.execute(
        f"""SELECT count(*) FROM churn_churnscore a FULL JOIN churn_churnscore b
            ON a.customer_id = b.customer_id AND b.run_id = %s
            WHERE (a.run_id = %s OR a.run_id IS NULL) AND (b.run_id = %s OR b.run_id IS NULL)
              AND (a.customer_id IS NULL OR b.customer_id IS NULL OR {unequal})""",
        [run_b, run_a, run_b],
    )
    return cursor.fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--customers", type=int, default=10**9, help="generate data for customers with id ≤ N")
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
                report.update(write_data(cursor, as_of, args.customers, admin))
            report["writing the data (s)"] = round(elapsed(), 1)
            base_times, run_times = [], []
            for attempt in range(args.repeat):
                seconds, rows, base_run = baseline(cursor, as_of)
                base_times.append(seconds)
                RetentionTask.objects.all().delete()  # each run makes the same tasks
                with stopwatch() as elapsed:
                    run = churn_run(actor=admin, as_of=as_of)
                run_times.append(elapsed())
                mismatched = differences(cursor, run.pk, base_run)
                print(
                    f"attempt {attempt + 1}: baseline {seconds:.2f} s ({rows:,} rows), run {elapsed():.2f} s "
                    f"({run.customers:,} scored, {run.at_risk:,} at risk, {run.tasks:,} tasks), "
                    f"scores differing from the baseline: {mismatched}",
                    flush=True,
                )
                if mismatched:
                    report["MISMATCH"] = mismatched
            # The engine's statement alone (no ANALYZE, tasks, audit or notices), once.
            alone = ChurnRun.objects.create(rules=run.rules, as_of=as_of, trigger="manual")
            with stopwatch() as elapsed:
                engine.insert_scores(alone.pk, run.rules, as_of)
            report["engine INSERT … SELECT alone (s)"] = round(elapsed(), 2)
            report["baseline INSERT … SELECT (s, median)"] = round(statistics.median(base_times), 2)
            report["churn run (s, median)"] = round(statistics.median(run_times), 2)
            report["ratio run / baseline"] = round(statistics.median(run_times) / statistics.median(base_times), 2)
            report["customers scored"] = run.customers
            report["at risk"] = run.at_risk
            report["retention tasks made"] = run.tasks
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
