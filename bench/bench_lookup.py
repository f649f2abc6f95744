"""Time customer lookup by mobile and by name fragment, the way the customer list page does it.

    DATABASE_URL=… .venv/bin/python bench/bench_lookup.py [--lookups 200] [--explain]

Run bench/generate_scale.py first. Every lookup goes through the real selector,
`kefu.customers.selectors.customer_list(user, filters={"q": term})`, and is evaluated five
ways, each on a fresh queryset:

- page:         `list(qs[:25])`, the first page's rows alone;
- count:        `Paginator(qs, 25).count`, the exact count alone;
- capped:       `CappedCountPaginator(qs, 25).count`, the count up to the cap (1,000) alone;
- page+count:   `Paginator(qs, 25).get_page(1)` and its rows: the list page before the change;
- page+capped:  `CappedCountPaginator(qs, 25).get_page(1)` and its rows: the list page now
                (no count query at all when the first page is not full).

Two users: the admin (whole archive) and account managers (their own book; lookups rotate
over --managers of them). Terms: mobiles of random customers (80%), of key persons (10%) and
unknown numbers (10%); 1-, 2- and 3-character fragments cut at random from the names of
random customers (for account managers: of customers in their book). The first --warmup
lookups of each series are run and not counted, so figures are for a warm cache.
With --explain, the slowest term of each series is shown with its plan (EXPLAIN ANALYZE on
PostgreSQL, EXPLAIN QUERY PLAN on SQLite).
"""

import argparse
import os
import random
import time
from datetime import UTC, datetime

from common import database_label, machine_label, setup_django, summarise_ms

setup_django()

from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kefu.core.pagination import CappedCountPaginator, list_count_cap, list_page_size  # noqa: E402
from kefu.customers.models import Customer, KeyPerson  # noqa: E402
from kefu.customers.selectors import customer_list  # noqa: E402
from kefu.org.choices import Role  # noqa: E402
from kefu.org.models import User  # noqa: E402

TARGETS_MS = {"phone": 10, "name1": 100, "name2": 100, "name3": 100}  # p95 targets on PostgreSQL
KINDS = ("phone", "name1", "name2", "name3")


# ── Terms ───────────────────────────────────────────────────────────────────────────────────


def random_customers(rng: random.Random, count: int, *, manager: User | None = None) -> list[tuple[str, str]]:
    """(name, mobile) of about `count` random customers, of the whole table or of one book."""
    if manager is not None:
        rows = list(Customer.objects.filter(account_manager=manager).values_list("name", "mobile"))
        return [rng.choice(rows) for _ in range(count)] if rows else []
    low, high = Customer.objects.order_by("id").values_list("id", flat=True)[0], Customer.objects.latest("id").id
    ids = [rng.randint(low, high) for _ in range(count * 2)]
    rows = list(Customer.objects.filter(pk__in=ids).values_list("name", "mobile"))
    rng.shuffle(rows)
    return rows[:count]


def fragment(rng: random.Random, names: list[str], length: int) -> str:
    """A run of `length` characters cut at a random place from one of the names."""
    candidates = [name for name in names if len(name) >= length]
    name = rng.choice(candidates)
    start = rng.randrange(len(name) - length + 1)
    return name[start : start + length]


def unknown_mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def phone_terms(rng: random.Random, count: int, manager: User | None) -> list[str]:
    """80% a customer's mobile, 10% a key person's, 10% a number nobody has."""
    mobiles = [mobile for _name, mobile in random_customers(rng, count * 2, manager=manager) if mobile]
    people = KeyPerson.objects.all() if manager is None else KeyPerson.objects.filter(customer__account_manager=manager)
    key_mobiles = list(people.order_by("?").values_list("mobile", flat=True)[:count]) or mobiles
    terms = []
    for _ in range(count):
        roll = rng.random()
        source = mobiles if roll < 0.8 else key_mobiles if roll < 0.9 else None
        terms.append(rng.choice(source) if source else unknown_mobile(rng))
    return terms


def build_series(args, rng: random.Random) -> list[dict]:
    """Every (user, kind) series with its terms; account-manager series rotate over managers."""
    total = args.lookups + args.warmup
    admin = User.objects.get(username=args.admin)
    managers = list(User.objects.filter(role=Role.ACCOUNT_MANAGER, customers__isnull=False).distinct().order_by("id"))
    managers = rng.sample(managers, min(args.managers, len(managers)))
    series = []
    for scope, users in (("admin", [admin]), ("account manager", managers)):
        per_user = -(-total // len(users))
        terms: dict[str, list[tuple[User, str]]] = {kind: [] for kind in KINDS}
        for user in users:
            manager = None if user.role == Role.ADMIN else user
            names = [name for name, _mobile in random_customers(rng, max(per_user * 3, 60), manager=manager)]
            terms["phone"] += [(user, term) for term in phone_terms(rng, per_user, manager)]
            for length in (1, 2, 3):
                terms[f"name{length}"] += [(user, fragment(rng, names, length)) for _ in range(per_user)]
        for kind in KINDS:
            picked = terms[kind]
            rng.shuffle(picked)
            series.append({"scope": scope, "kind": kind, "terms": picked[:total], "users": len(users)})
    return series


# ── Timing ──────────────────────────────────────────────────────────────────────────────────


def run_page(user, term):
    return list(customer_list(user, filters={"q": term})[: list_page_size()])


def run_count(user, term):
    return Paginator(customer_list(user, filters={"q": term}), list_page_size()).count


def run_capped_count(user, term):
    return CappedCountPaginator(customer_list(user, filters={"q": term}), list_page_size()).count


def run_page_and_count(user, term, paginator=Paginator):
    page = paginator(customer_list(user, filters={"q": term}), list_page_size()).get_page(1)
    return list(page), page.paginator.count


def run_page_and_capped_count(user, term):
    return run_page_and_count(user, term, CappedCountPaginator)


def timed(fn, *arguments):
    started = time.perf_counter()
    result = fn(*arguments)
    return time.perf_counter() - started, result


def measure(series: dict, warmup: int) -> dict:
    """Time each term three ways (order rotated so that no mode always runs on a warmer cache)."""
    modes = {
        "page": run_page,
        "count": run_count,
        "capped": run_capped_count,
        "page+count": run_page_and_count,
        "page+capped": run_page_and_capped_count,
    }
    times = {mode: [] for mode in modes}
    matches, slowest = [], (0.0, None)
    for i, (user, term) in enumerate(series["terms"]):
        order = list(modes)
        order = order[i % len(order) :] + order[: i % len(order)]
        for mode in order:
            elapsed, result = timed(modes[mode], user, term)
            if i < warmup:
                continue
            times[mode].append(elapsed)
            if mode == "page+count":
                matches.append(result[1])
            if mode == "page+capped":
                slowest = max(slowest, (elapsed, (user, term)), key=lambda pair: pair[0])
    return {
        **{mode: summarise_ms(values) for mode, values in times.items()},
        "matches": sorted(matches),
        "slowest": slowest[1],
    }


def queries_per_lookup(user, term) -> int:
    with CaptureQueriesContext(connection) as captured:
        run_page_and_capped_count(user, term)
    return len(captured.captured_queries)


# ── Plans ───────────────────────────────────────────────────────────────────────────────────


def explain(user, term) -> str:
    """The plan of every query that the list page runs for this term (exact and capped count)."""
    with CaptureQueriesContext(connection) as captured:
        run_page_and_count(user, term)
        run_capped_count(user, term)
    blocks = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())
            head = sql if len(sql) < 400 else sql[:120] + " … " + sql[sql.find(" WHERE ") :]
            blocks.append(f"-- {head}\n{plan}")
    return "\n\n".join(blocks)


# ── Report ──────────────────────────────────────────────────────────────────────────────────


def fmt(summary: dict) -> str:
    return f"{summary['p50']:.1f} / {summary['p95']:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lookups", type=int, default=200, help="measured lookups per series (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured lookups first (default 20)")
    parser.add_argument("--managers", type=int, default=20, help="account managers to rotate over (default 20)")
    parser.add_argument("--admin", default="scaleadmin")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated kinds, e.g. phone,name1")
    parser.add_argument("--explain", action="store_true", help="print the plan of each series' slowest term")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    customers = Customer.objects.count()
    print(f"# Customer lookup — {database_label()}, {customers:,} customers, {machine_label()}\n")
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f} at start; "
          f"{args.lookups} measured lookups per series after {args.warmup} warm-up; page size {list_page_size()}, "
          f"count cap {list_count_cap():,}; times in ms, p50 / p95\n")  # fmt: skip
    all_series = build_series(args, rng)
    if args.only:
        all_series = [s for s in all_series if s["kind"] in args.only.split(",")]
    print("| user | lookup | matches p50 / max | page | count | capped count | page+count | page+capped | "
          "queries | p95 target (page+capped) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    results = []
    for series in all_series:
        result = measure(series, args.warmup)
        results.append((series, result))
        queries = queries_per_lookup(*result["slowest"])
        target = TARGETS_MS[series["kind"]]
        p95 = result["page+capped"]["p95"]
        met = "met" if p95 < target else f"missed by {p95 - target:.0f} ms ({p95 / target:.1f}×)"
        matches = result["matches"]
        median = matches[len(matches) // 2] if matches else 0
        who = "admin" if series["scope"] == "admin" else f"account manager (×{series['users']})"
        label = "mobile" if series["kind"] == "phone" else f"name, {series['kind'][-1]} char"
        cells = " | ".join(fmt(result[mode]) for mode in ("page", "count", "capped", "page+count", "page+capped"))
        print(f"| {who} | {label} | {median:,} / {max(matches, default=0):,} | {cells} | {queries} | "
              f"< {target} ms: {met} |", flush=True)  # fmt: skip
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    if args.explain:
        for series, result in results:
            user, term = result["slowest"]
            print(f"\n## {series['scope']}, {series['kind']}: slowest term {term!r} (user {user.username})\n")
            print("```\n" + explain(user, term) + "\n```", flush=True)


if __name__ == "__main__":
    main()
