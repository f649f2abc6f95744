"""The queue pages with and without the green channel first, alternated in one run.

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_green_queue.py [--rounds 20]

Green-channel requests come first in every queue (issue 16), and the queues' partial indexes
lead with `green_channel` so that a page stays one index walk. This compares that with the
order before (newest or due first, on indexes without the flag) on the same data, page by page,
alternating the two so that the machine's changing load falls on both alike. For "before" it
creates the earlier indexes under other names for the run (and drops them at the end) and sorts
as filter_tickets did. Run it on bench/generate_tickets.py's profile, as the bench admin.
"""

import argparse
import statistics
import time

import common

common.setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from kefu.tickets import selectors  # noqa: E402

# The indexes the queues walked before the flag led them (tickets migration 0021).
EARLIER_INDEXES = [
    "CREATE INDEX IF NOT EXISTS bench_open_idx ON tickets_ticket (id DESC) WHERE closed_at IS NULL",
    "CREATE INDEX IF NOT EXISTS bench_closed_idx ON tickets_ticket (id DESC) WHERE closed_at IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS bench_unassigned_idx ON tickets_ticket (id DESC)"
    " WHERE closed_at IS NULL AND assignee_id IS NULL",
]
PAGES = ["all_open", "closed", "unassigned", "due_soon", "overdue", "mine", "department"]

_green_first = selectors.filter_tickets


def _earlier_order(tickets, *, queue, filters):
    """filter_tickets as it sorted before the green channel: the queue's own order only."""
    ordering = selectors.ORDERINGS.get((filters or {}).get("ordering") or selectors.default_ordering(queue), "-id")
    return _green_first(tickets, queue=queue, filters=filters).order_by(ordering, "-id")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print("database:", common.database_label(), "| machine:", common.machine_noise(), flush=True)
    with connection.cursor() as cursor:
        for statement in EARLIER_INDEXES:
            cursor.execute(statement)
        cursor.execute("ANALYZE tickets_ticket")
    client = Client()
    client.force_login(get_user_model().objects.get(username="benchadmin"))
    timings = {(page, mode): [] for page in PAGES for mode in ("before", "after")}
    try:
        for round_number in range(args.rounds + 1):
            for page in PAGES:
                for mode in ("before", "after") if round_number % 2 else ("after", "before"):
                    selectors.filter_tickets = _earlier_order if mode == "before" else _green_first
                    started = time.perf_counter()
                    response = client.get("/requests/", {"queue": page})
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200
                    if round_number:  # the first round warms the caches
                        timings[page, mode].append(elapsed)
    finally:
        selectors.filter_tickets = _green_first
        with connection.cursor() as cursor:
            for name in ("bench_open_idx", "bench_closed_idx", "bench_unassigned_idx"):
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
    print(f"{'queue page, p50 / p95 ms':<26} {'before':>16} {'green first':>16}")
    for page in PAGES:
        cells = []
        for mode in ("before", "after"):
            values = sorted(timings[page, mode])
            p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
            cells.append(f"{statistics.median(values):6.1f} / {p95:6.1f}")
        print(f"{page:<26} {cells[0]:>16} {cells[1]:>16}")


if __name__ == "__main__":
    main()
