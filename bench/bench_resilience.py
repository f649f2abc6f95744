"""Issue 20's "Measured" figures, against gunicorn with 2 sync workers on loopback and a private
PostgreSQL 15 cluster:

(a) a logged-in user's mix of pages and API calls (REQUESTS in all, CLIENTS at a time), then each
    gunicorn worker's RSS (`ps -o rss`; target < 250 MiB);
(b) PostgreSQL stopped while gunicorn runs: pages and API calls must answer 503 (never 500);
    started again, the time from "cluster up" (pg_ctlcluster start returned) to the first 200,
    then requests through both workers, counting any 500 per worker (gunicorn's access log
    names the worker's pid of every answer).

    DATABASE_URL=$(bash scripts/pg-cluster.sh h10 54420) \\
        .venv/bin/python bench/bench_resilience.py --requests 20000 [--cluster h10] [--clients 2]

The cluster named by --cluster must be the one DATABASE_URL points at (the script stops and starts
it). A scratch database kefu_resilience is created in it and loaded with demo data.
"""

import argparse
import itertools
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
STEP_TIMEOUT = 10  # seconds for any one HTTP request
T0 = time.monotonic()


def say(text: str) -> None:
    print(f"[{time.monotonic() - T0:7.1f}s] {text}", flush=True)


def run(args: list[str], env: dict | None = None, timeout: float = 900) -> str:
    return subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=timeout).stdout


def psql(port: int, sql: str) -> None:
    run(["su", "postgres", "-c", f'psql -q -p {port} -tAc "{sql}"'], timeout=120)


def login(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=STEP_TIMEOUT).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=STEP_TIMEOUT,
    )
    assert answer.status_code == 302, f"login answered {answer.status_code}"
    return session


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "--ppid", str(master), "-o", "pid="], capture_output=True, text=True).stdout
    return sorted(int(p) for p in out.split())


def rss_mib(pid: int) -> float:
    out = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True).stdout
    return int(out.strip()) / 1024


def access_log_lines(log: Path, start: int) -> list[tuple[int, int, str]]:
    """(pid, status, path) of every answer logged after byte `start` of gunicorn's access log."""
    with log.open() as handle:
        handle.seek(start)
        found = []
        for line in handle:
            match = re.match(r"ACCESS <?(\d+)>? (\d{3}) (\S+)", line)  # gunicorn writes the pid as <pid>
            if match:
                found.append((int(match.group(1)), int(match.group(2)), match.group(3)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--cluster", default="h10")
    parser.add_argument("--max-seconds", type=float, default=1800, help="stop the load earlier than this")
    parser.add_argument("--reuse-data", action="store_true", help="keep kefu_resilience from an earlier run")
    parser.add_argument("--pool", help="KEFU_DB_POOL for gunicorn (min,max), instead of persistent connections")
    parser.add_argument("--after-requests", type=int, default=200, help="requests after the restart")
    options = parser.parse_args()

    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    port = urlsplit(server).port
    work = Path(tempfile.mkdtemp(prefix="kefu-resilience."))
    say(f"logs in {work}; cluster {options.cluster} on port {port}")
    if not options.reuse_data:
        psql(port, "DROP DATABASE IF EXISTS kefu_resilience")
        psql(port, "CREATE DATABASE kefu_resilience OWNER kefu")
    env = {
        **os.environ,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{server}/kefu_resilience",
        "KEFU_VAR_DIR": str(work / "var"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "KEFU_LOG_FORMAT": "text",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("KEFU_BACKGROUND", None)
    web_env = {**env, "KEFU_DB_POOL": options.pool, "DB_CONN_MAX_AGE": "0"} if options.pool else env
    if not options.reuse_data:
        run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        say("migrated")
        run([PY, "manage.py", "load_demo_data", "--customers", "300"], env)
        run([PY, "manage.py", "load_demo_requests", "--requests", "120"], env)
    token = run(
        [PY, "manage.py", "shell", "--no-imports", "-c",
         "from rest_framework.authtoken.models import Token; from kefu.org.models import User; "
         "print(Token.objects.get_or_create(user=User.objects.get(username='supervisor'))[0].key)"],
        env,
    ).split()[-1]  # fmt: skip
    ticket_ids = run(
        [PY, "manage.py", "shell", "--no-imports", "-c",
         "from kefu.tickets.models import Ticket; print(*Ticket.objects.values_list('pk', flat=True)[:20])"],
        env,
    ).split()  # fmt: skip
    say(
        f"demo data ready (300 customers, 120 requests); pool {options.pool or 'off'}; "
        f"{len(ticket_ids)} request pages in the mix"
    )

    sock = __import__("socket").socket()
    sock.bind(("127.0.0.1", 0))
    web_port = sock.getsockname()[1]
    sock.close()
    base = f"http://127.0.0.1:{web_port}"
    access_log = work / "access.log"
    gunicorn = subprocess.Popen(
        ["gunicorn", "config.wsgi", "-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{web_port}",
         "--workers", "2", "--worker-class", "sync", "--timeout", "60",
         "--access-logfile", str(access_log), "--access-logformat", "ACCESS %(p)s %(s)s %(U)s"],
        cwd=ROOT, env=web_env, stdout=(work / "gunicorn.log").open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        measure(options, base, token, ticket_ids, gunicorn.pid, access_log, port)
    finally:
        gunicorn.terminate()
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
        subprocess.run(["pg_ctlcluster", "15", options.cluster, "start"], capture_output=True, timeout=120)


def measure(options, base, token, ticket_ids, master, access_log: Path, pg_port: int) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("FAIL gunicorn did not answer /healthz within 120 s")
        time.sleep(0.3)
    pids = worker_pids(master)
    say(f"gunicorn up, workers {pids}")

    pages = ["/", "/requests/", "/requests/?status=open", "/customers/", "/notifications/"]
    pages += [f"/requests/{pk}/" for pk in ticket_ids[:10]]
    api = ["/api/v1/requests/", "/api/v1/customers/", "/api/v1/requests/?status=open"]
    api += [f"/api/v1/requests/{pk}/" for pk in ticket_ids[:10]]
    local = threading.local()

    signed_in = login(base, "supervisor", "kefu2026")  # once, while the database is up

    def client() -> tuple[requests.Session, requests.Session]:
        if not hasattr(local, "page"):  # one session per client thread, all with the same sign-in
            local.page = requests.Session()
            local.page.cookies.update(signed_in.cookies)
            local.api = requests.Session()
            local.api.headers["Authorization"] = f"Token {token}"
        return local.page, local.api

    def fetch(path: str) -> int:
        page, api_session = client()
        session = api_session if path.startswith("/api/") else page
        try:
            return session.get(base + path, timeout=STEP_TIMEOUT, allow_redirects=False).status_code
        except requests.RequestException as error:
            return -1 if "timed out" not in str(error).lower() else -2

    bad = {path: status for path in pages + api if (status := fetch(path)) != 200}
    if bad:
        say(f"left out of the mix (not 200 for this user): {bad}")
    mix = [p for p in pages + api if p not in bad]
    rss_before = {pid: rss_mib(pid) for pid in pids}
    say(f"mix of {len(mix)} URLs ({sum(not p.startswith('/api/') for p in mix)} pages); RSS before load "
        + ", ".join(f"{pid}: {v:.0f} MiB" for pid, v in rss_before.items()))  # fmt: skip

    # (a) the load
    statuses: Counter = Counter()
    done = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + options.max_seconds
    paths = itertools.islice(itertools.cycle(mix), options.requests)
    started = time.monotonic()

    def one(path: str) -> None:
        nonlocal done
        if time.monotonic() > stop_at:
            return
        status = fetch(path)
        with lock:
            statuses[status] += 1
            done += 1
            if done % 1000 == 0:
                elapsed = time.monotonic() - started
                say(f"{done} requests in {elapsed:.0f} s ({done / elapsed:.0f}/s), "
                    + ", ".join(f"{pid}: {rss_mib(pid):.0f} MiB" for pid in pids))  # fmt: skip

    with ThreadPoolExecutor(options.clients) as pool:
        list(pool.map(one, paths))
    elapsed = time.monotonic() - started
    rss_after = {pid: rss_mib(pid) for pid in pids}
    say(f"(a) {done} requests in {elapsed:.0f} s ({done / elapsed:.0f}/s), answers {dict(statuses)}")
    say("(a) RSS after: " + ", ".join(f"{pid}: {v:.1f} MiB" for pid, v in rss_after.items())
        + f"; same workers: {worker_pids(master) == pids}; target < 250 MiB")  # fmt: skip

    # (b) the database goes away while gunicorn runs
    say("(b) stopping PostgreSQL")
    subprocess.run(["pg_ctlcluster", "15", options.cluster, "stop", "-m", "fast"], check=True, timeout=120)
    mark = access_log.stat().st_size
    down = Counter()
    retry_after = set()
    cookies = client()[0].cookies  # this thread's signed-in session (signing in needs the database)
    down_paths = ["/requests/", "/customers/", "/api/v1/requests/", "/api/v1/customers/"]
    with ThreadPoolExecutor(2) as pool:
        for path, answer in pool.map(
            lambda p: (p, requests.get(base + p, headers={"Authorization": f"Token {token}"} if p.startswith("/api/")
                       else {}, cookies=cookies, timeout=STEP_TIMEOUT, allow_redirects=False)),
            down_paths * 10,
        ):  # fmt: skip
            down[((path.startswith("/api/") and "api") or "page", answer.status_code)] += 1
            retry_after.add(answer.headers.get("Retry-After"))
    time.sleep(1)  # the access log is written after the answer
    per_worker = Counter((pid, status) for pid, status, _ in access_log_lines(access_log, mark))
    say(f"(b) while down: {dict(down)}; Retry-After {retry_after}; per worker {dict(per_worker)}")

    say("(b) starting PostgreSQL")
    subprocess.run(["pg_ctlcluster", "15", options.cluster, "start"], check=True, timeout=120)
    up = time.monotonic()
    mark = access_log.stat().st_size
    first_ok = None
    tries = Counter()
    probe = next((p for p in mix if p.startswith("/api/v1/requests/") and p[-2].isdigit()), "/api/v1/requests/")
    while time.monotonic() - up < 60:
        status = fetch(probe)
        tries[status] += 1
        if status == 200:
            first_ok = time.monotonic() - up
            break
        time.sleep(0.05)
    ready = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(pg_port)], capture_output=True)
    say(
        f"(b) first 200 {first_ok:.3f} s after the cluster was up; answers before it {dict(tries)}; "
        f"pg_isready now {ready.returncode == 0}"
        if first_ok is not None
        else "(b) FAIL no 200 within 60 s"
    )
    after_paths = list(itertools.islice(itertools.cycle(mix), options.after_requests))
    with ThreadPoolExecutor(2) as pool:
        after = Counter(pool.map(fetch, after_paths))
    time.sleep(1)
    per_worker = Counter((pid, status) for pid, status, _ in access_log_lines(access_log, mark))
    errors = sum(n for (pid, status), n in per_worker.items() if status >= 500 and status != 503)
    say(f"(b) after the restart: {options.after_requests} requests, answers {dict(after)}; per worker "
        f"{dict(sorted(per_worker.items()))}; 5xx other than 503: {errors}")  # fmt: skip
    served = {pid for pid, _ in per_worker}
    say(f"(b) workers that answered after the restart: {sorted(served)} of {pids}")


if __name__ == "__main__":
    main()
