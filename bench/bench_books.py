"""Measure the book pages (管户, issue 16 item 5) through gunicorn on the customer scale profile.

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_books.py [--rounds 200] [--workers 2]

Needs the profile of bench/generate_scale.py (1,000,000 customers, 2,016 account managers with
profiles, 200 grids; every password `bench-2026`). Starts gunicorn on 127.0.0.1:8767, logs in as:
- account managers (the 20 holding the most customers): their own book, top tier first, then
  "longest without contact first" and "data to complete" (each reads the whole book);
- the supervisors above the busiest manager (team, department, branch) and `scaleadmin` (the
  whole archive): the books overview, pages 1-3 and sorted by load;
and reports p50/p95 (ms) per page with the CPU each request cost gunicorn and the rest of the
machine (on a shared 2-core box the latency alone says little). The overview reads the BookLoad
snapshot: the script counts it once first (books_refresh, timed) as the periodic job would.
The database is read into memory first (pg_prewarm, as on a server that has been running a while).
"""

import argparse
import json
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import http_bench  # noqa: E402  (sets up Django)
from common import CpuAccount, machine_noise, stopwatch, warm_database  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402

from kefu.accountmanagers.books import books_refresh  # noqa: E402
from kefu.customers.models import Customer  # noqa: E402
from kefu.org.choices import Role  # noqa: E402
from kefu.org.models import User  # noqa: E402

http_bench.PORT = 8767  # not http_bench's own port: another benchmark may be running
PASSWORD = "bench-2026"


def busiest_managers(count: int) -> list[tuple[int, str, int]]:
    """(id, username, customers) of the account managers holding the most customers."""
    rows = (
        Customer.objects.filter(account_manager__isnull=False)
        .values("account_manager")
        .annotate(n=Count("pk"))
        .order_by("-n")[:count]
    )
    names = dict(User.objects.filter(pk__in=[r["account_manager"] for r in rows]).values_list("pk", "username"))
    return [(r["account_manager"], names[r["account_manager"]], r["n"]) for r in rows]


def supervisors(manager_id: int) -> list[tuple[str, str]]:
    """(label, username): the supervisors above the busiest manager (team, department, branch,
    company, nearest first), and the admin who sees every book."""
    path = User.objects.filter(pk=manager_id).values_list("org_unit__path", flat=True).get()
    heads = dict(
        User.objects.filter(
            role=Role.SUPERVISOR, is_active=True, org_unit__path__in=[path[:n] for n in range(4, 17, 4)]
        )
        .order_by("username")
        .values_list("org_unit__path", "username")
    )
    labels = {16: "team supervisor", 12: "department supervisor", 8: "branch supervisor", 4: "company supervisor"}
    chosen = [
        (labels.get(len(unit), unit), username) for unit, username in sorted(heads.items(), key=lambda h: -len(h[0]))
    ]
    return [*chosen, ("admin (all 1,000,000 customers)", "scaleadmin")]


def main():
    parser = argparse.ArgumentParser(description="HTTP benchmark of the book pages")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--managers", type=int, default=20)
    args = parser.parse_args()
    print("database:", warm_database(connection), flush=True)
    print("machine:", machine_noise(), flush=True)
    with stopwatch() as took:
        counted = books_refresh()
    print(f"books_refresh: {counted['rows']:,} snapshot rows in {took():.2f} s", flush=True)
    managers = busiest_managers(args.managers)
    print(f"account managers: {len(managers)}, {managers[-1][2]}-{managers[0][2]} customers each", flush=True)
    server = http_bench.start_server(args.workers, 1)
    results = {"books_refresh_s": round(took(), 2)}
    try:
        sessions = [
            (pk, http_bench.Client(cookie=http_bench.session_cookie(username, PASSWORD)))
            for pk, username, _n in managers
        ]
        variants = [("", "own book, top tier first"), ("?ordering=contact", "own book, longest without contact"),
                    ("?incomplete=true", "own book, data to complete")]  # fmt: skip
        group = os.getpgid(server.pid)
        for query, name in variants:
            timings, cpu = [], CpuAccount(group)
            for i in range(args.rounds):
                pk, client = sessions[i % len(sessions)]
                if i < len(sessions):
                    client.request("GET", f"/managers/books/{pk}/{query}")  # warm up
                timings.append(client.request("GET", f"/managers/books/{pk}/{query}")[0])
            results[name] = http_bench.summary(name, timings)
            print("  ", cpu.per_request_ms(len(timings)), flush=True)
        for label, username in supervisors(managers[0][0]):
            cookie = http_bench.session_cookie(username, PASSWORD)
            client = http_bench.Client(cookie=cookie)
            paths = ["/managers/books/all/", "/managers/books/all/?page=2", "/managers/books/all/?page=3",
                     "/managers/books/all/?ordering=-load"]  # fmt: skip
            for path in paths:
                client.request("GET", path)  # warm up both workers
                client.request("GET", path)
            cpu = CpuAccount(group)
            timings = [client.request("GET", paths[i % len(paths)])[0] for i in range(args.rounds)]
            results[f"overview, {label}"] = http_bench.summary(f"books overview, {label} ({username})", timings)
            print("  ", cpu.per_request_ms(len(timings)), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print("machine after:", machine_noise(), flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
