"""Where the CPU of one API request creation goes: this process's Python, and the PostgreSQL
backend serving it.

    DATABASE_URL=postgres://… .venv/bin/python bench/bench_create_cpu.py [--requests 400]

Runs the real API view in-process (Django's test client, token of the bench admin made by
bench/generate_tickets.py, a random customer and an Idempotency-Key "bench-…" each time) and
reads the backend's CPU time from /proc, so PostgreSQL must run on this machine. Throughput
with 2 workers on 2 cores shared with the database is bounded by
2 cores / (Python + PostgreSQL CPU per request). The requests made are deleted afterwards.
"""

import argparse
import json
import os
import random
import time
import uuid
from pathlib import Path

import common

common.setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from http_bench import BENCH_KEY_PREFIX, NEW_REQUEST, remove_created_requests  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402


def backend_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    os.environ.setdefault("KEFU_BACKGROUND", "inline")
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
        wall, python, database = time.perf_counter(), time.process_time(), backend_cpu_seconds(backend)
        for _ in range(args.requests):
            create()
        per = 1000 / args.requests
        wall = (time.perf_counter() - wall) * per
        python = (time.process_time() - python) * per
        database = (backend_cpu_seconds(backend) - database) * per
    finally:
        removed = remove_created_requests()
    print(common.machine_noise())
    print(
        f"per request: wall {wall:.2f} ms, Python CPU {python:.2f} ms, PostgreSQL backend CPU {database:.2f} ms; "
        f"ceiling on 2 cores ≈ {2000 / (python + database):.0f} req/s ({removed:,} requests made and removed)"
    )


if __name__ == "__main__":
    main()
