"""Where the CPU of one API request creation goes: this process's Python, and the PostgreSQL
backend serving it.

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_create_cpu.py [--rounds 8] [--requests 100]

Runs the real API view in-process (Django's test client, token of the bench admin made by
bench/generate_tickets.py, a random customer and an Idempotency-Key "bench-…" each time) and
reads the backend's CPU time from /proc, so PostgreSQL must run on this machine. Throughput
with 2 workers on 2 cores shared with the database is bounded by
2 cores / (Python + PostgreSQL CPU per request). The minimum over rounds is what the code
costs; the median shows how busy the shared machine was. The requests made are deleted afterwards.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import common

common.setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from http_bench import BENCH_KEY_PREFIX, NEW_REQUEST, remove_created_requests  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from kefu.core.runtime import tune_garbage_collector  # noqa: E402


def backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="requests per round")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--callgrind", action="store_true", help="under valgrind: count the rounds only")
    args = parser.parse_args()
    os.environ.setdefault("KEFU_BACKGROUND", "inline")
    tune_garbage_collector()  # as config/wsgi.py does in a web worker
    token = Token.objects.get(user__username="benchadmin").key
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM customers_customer ORDER BY random() LIMIT 300")
        customers = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")

    def create():
        body = json.dumps({**NEW_REQUEST, "customer": random.choice(customers)})
        key = f"{BENCH_KEY_PREFIX}{uuid.uuid4().hex}"
        response = client.post("/api/v1/requests/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 201, response.content

    try:
        for _ in range(30):
            create()  # warm the process: configuration cache, compiled templates, connection
        with counted_by_callgrind(args.callgrind):
            rounds = [measure_round(create, backend, args.requests) for _ in range(args.rounds)]
    finally:
        removed = remove_created_requests()
    print("under valgrind" if args.callgrind else common.machine_noise())
    python, database = sorted(r[0] for r in rounds), sorted(r[1] for r in rounds)
    best = python[0] + database[0]
    print(
        f"per request over {args.rounds} rounds of {args.requests}: "
        f"Python CPU min {python[0]:.2f} / median {statistics.median(python):.2f} ms, "
        f"PostgreSQL backend CPU min {database[0]:.2f} / median {statistics.median(database):.2f} ms; "
        f"ceiling on 2 cores at the minimum ≈ {2000 / best:.0f} req/s ({removed:,} requests made and removed)"
    )


@contextmanager
def counted_by_callgrind(enabled: bool):
    """Turn valgrind's counting on for the block (the process runs under --instr-atstart=no)."""
    if enabled:
        subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True)
    try:
        yield
    finally:
        if enabled:
            subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True)


def measure_round(create, backend: int, requests: int) -> tuple[float, float]:
    """CPU milliseconds per request of this process and of its PostgreSQL backend. The machine
    is shared, so rounds differ by tens of percent: the minimum is what the code costs."""
    python, database = time.process_time(), backend_cpu_seconds(backend)
    for _ in range(requests):
        create()
    per = 1000 / requests
    return (time.process_time() - python) * per, (backend_cpu_seconds(backend) - database) * per


if __name__ == "__main__":
    main()
