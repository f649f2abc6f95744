"""The queue pages and searches of users who see part of the requests (departments, branches).

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_scoped.py [--role supervisor] [--users 5] [--rounds 10]

http_bench.py measures the bench admin, who sees every request. Most users see a part: a
handler sees what is dispatched to their unit or below, what they own or handle, and what is
being transferred to them; a supervisor also what the staff and customers of their branch
registered. This runs the real queue page in-process (Django's test client, signed in as each
of a few handlers made by bench/generate_tickets.py, or supervisors it adds at the first
branches: bench_supervisor_1, …) for every tab and a few keyword searches, and reports
p50 / p95 in ms over all users and rounds. The tab counts are
kept 30 s per user, as in use; --fresh-counts draws them on every page (a user's first page).
"""

import argparse
import statistics
import time
from urllib.parse import urlencode

import common

common.setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.test import Client  # noqa: E402
from http_bench import SEARCH_TERMS  # noqa: E402

from kefu.org.choices import Role  # noqa: E402
from kefu.org.models import OrgUnit  # noqa: E402
from kefu.tickets.selectors import QUEUES  # noqa: E402

PAGES = [(f"tab {queue}", {"queue": queue}) for queue in QUEUES] + [
    (f"search {term}", {"queue": "all_open", "q": term}) for term in [*SEARCH_TERMS[:2], "线路老化", "欠费停电"]
]


def handlers(count: int) -> list:
    return list(get_user_model().objects.filter(role=Role.HANDLER, org_unit__isnull=False).order_by("id")[:count])


def supervisors(count: int) -> list:
    """Supervisors of the first `count` branches (the units one level below the top), added once."""
    made = []
    for number, branch in enumerate(OrgUnit.objects.filter(depth=2).order_by("path")[:count], start=1):
        user, created = get_user_model().objects.get_or_create(
            username=f"bench_supervisor_{number}",
            defaults={"role": Role.SUPERVISOR, "org_unit": branch, "full_name": f"压测主管{number}"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        made.append(user)
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=["handler", "supervisor", "admin"], default="handler")
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--fresh-counts", action="store_true", help="count the tabs on every page")
    args = parser.parse_args()
    print("database:", common.database_label(), "| machine:", common.machine_noise(), flush=True)
    print("tab counts:", "drawn on every page" if args.fresh_counts else "kept 30 s per user", flush=True)
    if args.role == "admin":  # the whole archive: every queue walks the open (or closed) requests' indexes
        users = list(get_user_model().objects.filter(username="benchadmin"))
    else:
        users = supervisors(args.users) if args.role == "supervisor" else handlers(args.users)
    print(f"{len(users)} {args.role}s", flush=True)
    timings = {name: [] for name, _ in PAGES}
    for user in users:
        client = Client()
        client.force_login(user)
        for name, params in PAGES:
            url = f"/requests/?{urlencode(params)}"
            client.get(url)  # warm the process's caches for this user
            for _ in range(args.rounds):
                if args.fresh_counts:
                    cache.clear()
                started = time.perf_counter()
                response = client.get(url)
                timings[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
    for name, values in timings.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(f"{name:<28} n={len(values):>4}  p50={statistics.median(values):7.1f} ms  p95={p95:7.1f} ms")


if __name__ == "__main__":
    main()
