"""Measure Kefu's request pages and API through gunicorn, as users would hit them.

    DATABASE_URL=postgres://… .venv/bin/python bench/http_bench.py [--workers 2] [--seconds 20]

Starts gunicorn (2 sync workers; --threads to compare) on 127.0.0.1, logs in as the bench admin made by
bench/generate_tickets.py, and reports p50/p95 (ms) and throughput for:
- request creation through the API with 8 concurrent clients (each with an Idempotency-Key);
- a queue page filtered by department and status, one client;
- a request detail page with its timeline, one client;
- keyword search (Chinese) over titles and text, one client, then pages measured while 4 clients search.
Traffic goes only to loopback and every loop is bounded in count and time. The database is first
read into memory (pg_prewarm, as on a server that has been running a while); --cold skips that.
The requests the creation phase makes (Idempotency-Key "bench-…") are deleted at the end and
before the run, so that every run measures the same requests: left in place, each run added
2,500-3,500 identical open requests at the newest end of every queue, and a keyword search
walking the newest open requests passed 32,000 of them (20 ms) before its first match.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from common import CpuAccount, machine_noise, warm_database  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from kefu.audit.models import AuditEvent  # noqa: E402
from kefu.tickets.models import Ticket  # noqa: E402

HOST, PORT = "127.0.0.1", 8765
BENCH_KEY_PREFIX = "bench-"
NEW_REQUEST = {
    "ticket_type": "repair",
    "channel": "phone",
    "title": "家中突然停电",
    "description": "客户反映家中突然停电，邻居家有电，请尽快安排抢修。",
}
SEARCH_TERMS = ["停电", "电费", "抢修", "光伏", "电表", "通知", "线路老化", "营业厅"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(name, timings_ms, elapsed=None):
    p50, p95 = statistics.median(timings_ms), percentile(timings_ms, 0.95)
    line = f"{name:<48} n={len(timings_ms):>5}  p50={p50:7.1f} ms  p95={p95:7.1f} ms"
    if elapsed:
        line += f"  {len(timings_ms) / elapsed:7.1f} req/s"
    print(line, flush=True)
    return {"n": len(timings_ms), "p50": statistics.median(timings_ms), "p95": percentile(timings_ms, 0.95)}


class Client:
    """One keep-alive HTTP connection with a session cookie or a token."""

    def __init__(self, token=None, cookie=None):
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        self.headers = {}
        if token:
            self.headers["Authorization"] = f"Token {token}"
        if cookie:
            self.headers["Cookie"] = cookie

    def request(self, method, path, body=None, headers=None):
        all_headers = {**self.headers, **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        self.conn.request(method, path, body=payload, headers=all_headers)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status >= 400:
            raise RuntimeError(f"{method} {path} -> {response.status}: {data[:300]!r}")
        return elapsed, data


def session_cookie(username, password):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    conn.request("POST", "/accounts/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}",
        "Referer": f"http://{HOST}:{PORT}/accounts/login/"})  # fmt: skip
    response = conn.getresponse()
    response.read()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if not session:
        raise RuntimeError("login failed: run bench/generate_tickets.py first")
    return f"csrftoken={csrf_cookie}; sessionid={session.group(1)}"


def start_server(workers, threads, worker_class="sync"):
    env = {**os.environ, "DEBUG": "0", "KEFU_BACKGROUND": "inline", "LOG_LEVEL": "WARNING",
           "AXES_FAILURE_LIMIT": "1000",
           # The web app refuses the development key with DEBUG off (config/env.py).
           "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)}  # fmt: skip
    command = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-b", f"{HOST}:{PORT}", "-w", str(workers),
               "--threads", str(threads), "-k", worker_class, "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            http.client.HTTPConnection(HOST, PORT, timeout=1).request("GET", "/accounts/login/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def sample_ids():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.department_id, s.code FROM tickets_ticket t JOIN tickets_workflowstate s ON s.id = t.state_id "
            "WHERE t.closed_at IS NULL GROUP BY 1, 2 ORDER BY random() LIMIT 50"
        )
        queues = cursor.fetchall()
        cursor.execute("SELECT id FROM tickets_ticket ORDER BY random() LIMIT 300")
        tickets = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM customers_customer ORDER BY random() LIMIT 300")
        customers = [row[0] for row in cursor.fetchall()]
    return queues, tickets, customers


def bench_create(token, customers, clients, seconds, server_group):
    timings, lock, deadline = [], threading.Lock(), time.monotonic() + seconds
    cpu = CpuAccount(server_group)

    def work():
        client, rng = Client(token=token), random.Random()
        while time.monotonic() < deadline:
            body = {**NEW_REQUEST, "customer": rng.choice(customers)}
            key = f"{BENCH_KEY_PREFIX}{uuid.uuid4().hex}"
            elapsed, _ = client.request("POST", "/api/v1/requests/", body, {"Idempotency-Key": key})
            with lock:
                timings.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = summary(f"API create, {clients} clients", timings, time.perf_counter() - started)
    print("  ", cpu.per_request_ms(len(timings)), flush=True)
    return result


def remove_created_requests() -> int:
    """Delete the requests made by the creation phase (with their events, clocks and audit
    entries), then vacuum, so that the next run meets the same tables."""
    created = Ticket.objects.filter(idempotency_key__startswith=BENCH_KEY_PREFIX)
    ids = list(created.values_list("pk", flat=True))
    if not ids:
        return 0
    AuditEvent.objects.filter(target_type=Ticket._meta.label_lower, target_id__in=ids).delete()
    created.delete()
    with connection.cursor() as cursor:
        for table in ("tickets_ticket", "tickets_ticketevent", "sla_slaclock", "audit_auditevent"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return len(ids)


def bench_pages(cookie, name, paths, rounds):
    client = Client(cookie=cookie)
    timings = [client.request("GET", paths[i % len(paths)])[0] for i in range(rounds)]
    return summary(name, timings)


def main():
    parser = argparse.ArgumentParser(description="HTTP benchmarks of service requests")
    parser.add_argument("--workers", type=int, default=2)
    # Sync workers by default: with --threads 4 every figure was worse on 2 cores (GIL contention).
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (default 1)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync or gthread)")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--cold", action="store_true", help="do not read the database into memory first")
    parser.add_argument("--create-only", action="store_true", help="only the creation phase (to compare changes to it)")
    args = parser.parse_args()
    print(f"removed {remove_created_requests():,} requests left by an earlier run", flush=True)
    print("database:", "cold (--cold)" if args.cold else warm_database(connection), flush=True)
    print("machine:", machine_noise(), flush=True)
    token = Token.objects.get(user__username="benchadmin").key
    queues, tickets, customers = sample_ids()
    server = start_server(args.workers, args.threads, args.worker_class)
    results = {}
    try:
        cookie = session_cookie("benchadmin", "bench-2026")
        queue_paths = [f"/requests/?{urlencode({'queue': 'all_open', 'department': d, 'state': s})}" for d, s in queues]
        detail_paths = [f"/requests/{pk}/" for pk in tickets]
        search_paths = [f"/requests/?{urlencode({'queue': 'all_open', 'q': term})}" for term in SEARCH_TERMS]
        if args.create_only:
            queue_paths = detail_paths = search_paths = []
        for path in queue_paths[:3] + detail_paths[:3] + search_paths[:2]:
            Client(cookie=cookie).request("GET", path)  # warm up both workers' caches
        if not args.create_only:
            measure_pages(cookie, queue_paths, detail_paths, search_paths, args.rounds, results)
        results["create"] = bench_create(token, customers, 8, args.seconds, os.getpgid(server.pid))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        print(f"removed the {remove_created_requests():,} requests made by this run", flush=True)
    print("machine after:", machine_noise(), flush=True)
    print(json.dumps(results, indent=2))


def measure_pages(cookie, queue_paths, detail_paths, search_paths, rounds, results):
    results["queue"] = bench_pages(cookie, "queue page (department + status)", queue_paths, rounds)
    results["detail"] = bench_pages(cookie, "request detail with timeline", detail_paths, rounds)
    results["search"] = bench_pages(cookie, "keyword search (Chinese)", search_paths, rounds // 2)
    stop = threading.Event()

    def searcher():
        client = Client(cookie=cookie)
        for i in range(10_000):
            if stop.is_set():
                return
            client.request("GET", search_paths[i % len(search_paths)])

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        results["queue_under_search"] = bench_pages(
            cookie, "queue page while 4 clients search", queue_paths, rounds // 2
        )
        results["detail_under_search"] = bench_pages(
            cookie, "detail page while 4 clients search", detail_paths, rounds // 2
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join()


if __name__ == "__main__":
    main()
