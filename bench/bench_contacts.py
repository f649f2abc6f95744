"""Contacts at scale (issue 21 item 1): the nightly set-based refresh of the contacts due against
one hand-written INSERT … SELECT of the same rows, and a manager's list of contacts due.

    DATABASE_URL=postgres://…/kefu .venv/bin/python bench/bench_contacts.py [--logs 10000000] [--rounds 2]

PostgreSQL only (the log rows are made with generate_series). Against the scale profile
(bench/generate_scale.py --customers 1000000: 2,016 account managers). It keeps what it writes
(the contact log, the assignments, the due rows) so that a second run measures again without
generating; --logs is the number of log rows wanted in total (it adds what is missing).

1. The log: rows spread over every customer (id arithmetic over generate_series), contacted in
   the last 400 days, channels phone/phone/visit/message, a next step date on one row in 20;
   assignments of the last 14 days for one customer in 100 (the first-contact week).
2. The refresh: `contacts.due.contacts_due_refresh()` (one DELETE, one INSERT … SELECT per plan,
   compiled from the ORM) against one hand-written INSERT … SELECT of the same rows into a copy of
   the table with the same keys and indexes (the log read once with GROUP BY). The two results are
   compared row for row. --rounds times each, alternating.
3. A manager's list (`GET /contacts/`, the page, and `GET /api/v1/contacts/due/`), in-process
   through Django's test client as the managers with the most contacts due and others drawn at
   random: --requests requests each after 10 warm-ups, p50/p95. Also logging one contact
   (`contact_log_record`, which refreshes the customer's due row), rolled back.
"""

import argparse
import random
import sys

from common import database_label, machine_label, machine_noise, setup_django, stopwatch, summarise_ms

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from kefu.contacts.choices import channels_answering  # noqa: E402
from kefu.contacts.due import FIRST_CONTACT_DAYS, contacts_due_refresh  # noqa: E402
from kefu.contacts.models import ContactPlan  # noqa: E402
from kefu.contacts.services import contact_log_record  # noqa: E402
from kefu.customers.models import Customer  # noqa: E402
from kefu.org.models import User  # noqa: E402

BASELINE = "bench_contactdue_baseline"
ZONE = "Asia/Shanghai"


class Rollback(Exception):
    pass


def fill_log(cursor, wanted: int) -> str:
    cursor.execute("SELECT count(*) FROM contacts_contactlog")
    have = cursor.fetchone()[0]
    if have >= wanted:
        return f"{have:,} log rows there already"
    cursor.execute("SELECT min(id), max(id) FROM customers_customer")
    low, high = cursor.fetchone()
    span = high - low + 1
    missing = wanted - have
    with stopwatch() as elapsed:
        # Batches of 2,000,000 so that one statement's memory stays small; 7919 is prime.
        for start in range(0, missing, 2_000_000):
            count = min(2_000_000, missing - start)
            cursor.execute(
                "INSERT INTO contacts_contactlog (customer_id, user_id, contacted_at, channel, summary, next_step,"
                " next_step_on, source, source_id, recorded_at)"
                " SELECT c.id, c.account_manager_id, now() - (random() * 400) * interval '1 day',"
                " (ARRAY['phone', 'phone', 'visit', 'message'])[1 + (g %% 4)], '电话问候，客户无异议',"
                " CASE WHEN g %% 20 = 0 THEN '回访整改情况' ELSE '' END,"
                " CASE WHEN g %% 20 = 0 THEN current_date + (g %% 30)::integer END, 'manual', NULL, now()"
                " FROM generate_series(%s::bigint, %s::bigint) g"
                " JOIN customers_customer c ON c.id = %s + (g * 7919) %% %s",
                [have + start + 1, have + start + count, low, span],
            )
        cursor.execute(
            "INSERT INTO contacts_assignment (customer_id, manager_id, assigned_at)"
            " SELECT id, account_manager_id, now() - (id % 14) * interval '1 day' FROM customers_customer"
            " WHERE account_manager_id IS NOT NULL AND id % 100 = 0 ON CONFLICT DO NOTHING"
        )
        cursor.execute("VACUUM ANALYZE contacts_contactlog")
        cursor.execute("VACUUM ANALYZE contacts_assignment")
    cursor.execute("SELECT count(*) FROM contacts_contactlog")
    return f"{cursor.fetchone()[0]:,} log rows ({missing:,} added in {elapsed():.0f} s)"


def baseline_sql() -> tuple[str, list]:
    """The due rows of contacts.due, written by hand in one statement: the log read once with
    GROUP BY for the last contact (any channel, and per plan channel) and the last next step."""
    plans = list(ContactPlan.objects.all())
    explicit = [plan.tier for plan in plans if plan.tier]
    channel_last = {
        channel: "max(contacted_at) FILTER (WHERE channel IN ({}))".format(
            ", ".join(f"'{code}'" for code in channels_answering(channel))
        )
        for channel in ("phone", "visit", "message")
    }
    sql = (
        f"INSERT INTO {BASELINE} (customer_id, manager_id, due_on, reason, channel, last_contact_at)"
        " SELECT y.cid, y.mid, y.due, CASE WHEN y.due = y.first_due THEN 'first'"
        " WHEN y.due = y.next_due THEN 'next_step' ELSE 'plan' END, y.channel, y.last_at FROM ("
        " SELECT x.*, LEAST(COALESCE(x.first_due, DATE '9999-12-31'), COALESCE(x.plan_due, DATE '9999-12-31'),"
        " COALESCE(x.next_due, DATE '9999-12-31')) AS due FROM ("
        " SELECT c.id AS cid, c.account_manager_id AS mid, p.channel, l.last_at, l.next_due,"
        " CASE WHEN a.assigned_at IS NOT NULL AND (l.last_at IS NULL OR l.last_at < a.assigned_at)"
        f" THEN (a.assigned_at AT TIME ZONE '{ZONE}')::date + %s END AS first_due,"
        " (COALESCE((CASE p.channel WHEN 'phone' THEN l.last_phone WHEN 'visit' THEN l.last_visit"
        f" ELSE l.last_message END AT TIME ZONE '{ZONE}')::date, (a.assigned_at AT TIME ZONE '{ZONE}')::date,"
        f" (c.created_at AT TIME ZONE '{ZONE}')::date) + p.every_days) AS plan_due"
        " FROM customers_customer c"
        " JOIN contacts_contactplan p ON p.tier = CASE WHEN c.tier = ANY(%s) THEN c.tier ELSE '' END"
        " LEFT JOIN contacts_assignment a ON a.customer_id = c.id AND a.manager_id = c.account_manager_id"
        " LEFT JOIN (SELECT customer_id, max(contacted_at) AS last_at,"
        f" {channel_last['phone']} AS last_phone, {channel_last['visit']} AS last_visit,"
        f" {channel_last['message']} AS last_message,"
        " (array_agg(next_step_on ORDER BY contacted_at DESC, id DESC))[1] AS next_due"
        " FROM contacts_contactlog GROUP BY customer_id) l ON l.customer_id = c.id"
        " WHERE c.account_manager_id IS NOT NULL AND c.status <> 'closed') x) y"
        " WHERE y.due < DATE '9999-12-31'"
    )
    return sql, [FIRST_CONTACT_DAYS - 1, explicit]


def run_baseline(cursor) -> tuple[float, int]:
    cursor.execute(f"DROP TABLE IF EXISTS {BASELINE}")
    cursor.execute(f"CREATE TABLE {BASELINE} (LIKE contacts_contactdue INCLUDING ALL)")
    sql, params = baseline_sql()
    with stopwatch() as elapsed, transaction.atomic():
        cursor.execute(sql, params)
        rows = cursor.rowcount
    return elapsed(), rows


def run_kefu() -> tuple[float, int]:
    with stopwatch() as elapsed:
        rows = contacts_due_refresh()
    return elapsed(), rows


def differences(cursor) -> int:
    columns = "customer_id, manager_id, due_on, reason, channel, last_contact_at"
    cursor.execute(
        f"SELECT (SELECT count(*) FROM (SELECT {columns} FROM contacts_contactdue EXCEPT"
        f" SELECT {columns} FROM {BASELINE}) a) + (SELECT count(*) FROM (SELECT {columns} FROM {BASELINE}"
        f" EXCEPT SELECT {columns} FROM contacts_contactdue) b)"
    )
    return cursor.fetchone()[0]


def time_pages(managers: list[User], requests: int) -> dict:
    results = {}
    clients = {}
    for manager in managers:
        client = Client()
        client.force_login(manager)
        clients[manager.pk] = client
    for label, url in (
        ("page GET /contacts/", "/contacts/"),
        ("API GET /api/v1/contacts/due/", "/api/v1/contacts/due/"),
    ):
        timings = []
        for index in range(requests + 10):
            manager = managers[index % len(managers)]
            with stopwatch() as elapsed:
                response = clients[manager.pk].get(url)
            assert response.status_code == 200, response.status_code
            if index >= 10:
                timings.append(elapsed())
        results[label] = summarise_ms(timings)
    return results


def time_logging(customers: list[Customer], managers: dict[int, User]) -> dict:
    timings = []
    try:
        with transaction.atomic():
            for customer in customers:
                with stopwatch() as elapsed:
                    contact_log_record(
                        actor=managers[customer.account_manager_id],
                        customer=customer,
                        data={"channel": "phone", "summary": "测速：电话问候"},
                    )
                timings.append(elapsed())
            raise Rollback
    except Rollback:
        pass
    return summarise_ms(timings)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logs", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="0: the lists only")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--managers", type=int, default=60, help="managers the list is read as")
    parser.add_argument("--no-warm", action="store_true", help="no warm-up refresh before the rounds")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench_contacts.py needs PostgreSQL (DATABASE_URL=postgres://…)")
    print(f"{database_label()}, {machine_label()}; {machine_noise()}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(account_manager_id) FROM customers_customer")
        customers, managed = cursor.fetchone()
        print(f"customers {customers:,} ({managed:,} with a manager)")
        print(fill_log(cursor, args.logs))

        print("-- nightly refresh: hand-written INSERT … SELECT vs contacts_due_refresh()")
        if not args.no_warm:
            run_kefu()  # warm: both read the same tables and indexes
        for round_number in range(1, args.rounds + 1):
            base_seconds, base_rows = run_baseline(cursor)
            kefu_seconds, kefu_rows = run_kefu()
            print(
                f"round {round_number}: baseline {base_seconds:.1f} s ({base_rows:,} rows), "
                f"refresh {kefu_seconds:.1f} s ({kefu_rows:,} rows): {kefu_seconds / base_seconds:.2f}x"
            )
        if args.rounds:
            print(f"rows differing between the two: {differences(cursor)}")
        cursor.execute(f"DROP TABLE IF EXISTS {BASELINE}")
        cursor.execute("ANALYZE contacts_contactdue")

        today = timezone.localdate()
        cursor.execute(
            "SELECT manager_id, count(*) FROM contacts_contactdue WHERE due_on <= %s GROUP BY manager_id"
            " ORDER BY count(*) DESC",
            [today],
        )
        per_manager = cursor.fetchall()
    print(
        f"managers with contacts due: {len(per_manager):,}; most {per_manager[0][1]:,}, "
        f"median {per_manager[len(per_manager) // 2][1]:,}"
    )
    busiest = [pk for pk, _count in per_manager[: args.managers // 2]]
    others = random.Random(7).sample([pk for pk, _count in per_manager[args.managers // 2 :]], args.managers // 2)
    managers = list(User.objects.filter(pk__in=busiest + others).select_related("org_unit"))
    for label, figures in time_pages(managers, args.requests).items():
        print(f"{label}: p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, max {figures['max']:.1f} ms")
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM customers_customer")
        low, high = cursor.fetchone()
    ids = random.Random(11).sample(range(low, high + 1), 400)
    sample = list(Customer.objects.filter(pk__in=ids, account_manager__isnull=False)[:200])
    by_pk = {user.pk: user for user in User.objects.filter(pk__in={c.account_manager_id for c in sample})}
    figures = time_logging(sample, by_pk)
    print(f"log one contact (refreshes its due row): p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms")
    print(f"after: {machine_noise()}")


if __name__ == "__main__":
    main()
