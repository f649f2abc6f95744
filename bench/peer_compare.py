"""Kefu against django-helpdesk (the peer), side by side in one run, alternating.

    .venv/bin/python bench/peer_compare.py --peer-dir /tmp/peer \\
        --kefu-database-url postgres://kefu_bench:kefu_bench@127.0.0.1:5432/kefu_peer [--kefu-dir DIR]

Before: the peer installed and loaded by its own scripts (`setup.sh`, `load.py`: 100,000 tickets
with a follow-up each, PostgreSQL cluster on 127.0.0.1:5432, database "peer"), and Kefu loaded
with the same data by bench/peer_load.py into its own database on the same cluster. See
bench/README.md, "Kefu against django-helpdesk".

Starts both under gunicorn (2 sync workers each, DEBUG off, persistent database connections,
loopback only), then measures each operation on the peer and on Kefu in turn, round after round
(the system that goes first alternates), so that both meet the same machine at the same time:

- create: a request registered through the API, 8 clients (peer: POST /api/tickets/ with a token;
  Kefu: POST /api/v1/requests/ with a token and an Idempotency-Key); same generated Chinese text;
- comment: a reply added to an open request through the API, 8 clients (peer: POST
  /api/followups/, without a title, which would rename the ticket; Kefu: POST
  /api/v1/requests/<id>/comments/);
- queue: the list of open requests of one queue (department) in the first status, 1 client
  (peer: /tickets/?queue=Q&status=1 and the DataTables JSON that page fetches for its rows, two
  HTTP requests counted as one page; Kefu: /requests/?queue=all_open&department=D&state=registered);
- request: one request's page, a random one of the 100,000, 1 client;
- search: the keyword 停电 typed in the list's search box, 1 client (peer: /tickets/?q=停电 and its
  JSON rows, over every status; Kefu: /requests/?queue=all_open&q=停电, the open requests).

Each system/operation/round is bounded in iterations and seconds. It prints p50/p95 (ms) and
rates per system, and the ratio Kefu/peer: the rate ratio for the 8-client writes, the p50 ratio
(how many times faster) for the pages. The requests and replies it makes (marked "[bench]") are
deleted at the end, and before it starts, so that every run meets the same data.

    --also-kefu DIR DATABASE_URL   another checkout (e.g. the code before a change) with its own
                                   database, measured in the same run and rotation as the others
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"
MARK = "[bench] "
KEY_PREFIX = "peerbench-"
KEFU_ADMIN, KEFU_PASSWORD = "benchadmin", "bench-2026"
KEYWORD = "停电"
TIMEOUT = 120
DT_RE = re.compile(r'"(/datatables_ticket_list/[A-Za-z0-9+/=]+)"')
KEFU_ROW_RE = re.compile(r'href="/requests/(\d+)/"')
# The peer's queues (textgen.QUEUES order) as Kefu request types: what peer_load.py does.
KEFU_TYPE = ["repair", "inquiry", "service", "complaint", "inquiry"]
KEFU_PRIORITY = {1: "urgent", 2: "high", 3: "normal", 4: "normal", 5: "low"}
# name, clients, iterations and seconds at most per system and round, what the ratio compares.
OPERATIONS = [
    ("create", 8, 400, 15, "rate"),
    ("comment", 8, 400, 15, "rate"),
    ("queue", 1, 150, 12, "p50"),
    ("request", 1, 250, 10, "p50"),
    ("search", 1, 150, 15, "p50"),
]
TARGETS = {"create": 2, "comment": 2, "queue": 5, "request": 2, "search": 10}


class Failed(Exception):
    pass


def percentile(ordered, p):
    """Nearest rank, as the peer's bench_client.py."""
    if not ordered:
        return float("nan")
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Http:
    """One client: http.client, a cookie or a token, reconnecting as sync workers close."""

    def __init__(self, port, headers=None):
        self.conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        self.headers = dict(headers or {})

    def call(self, method, path, body=None, headers=None, expect=200):
        all_headers = {**self.headers, **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode()
            all_headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=payload, headers=all_headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            raise Failed(f"{method} {path}: {type(error).__name__}") from error
        if response.will_close:
            self.conn.close()
        if response.status != expect:
            raise Failed(f"{method} {path} -> {response.status}: {data[:200]!r}")
        return response, data


def login(port, path, username, password, next_path) -> str:
    """Sign in through the login form (CSRF token and cookie); returns the Cookie header."""
    client = Http(port)
    response, page = client.call("GET", path)
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "").group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token, "next": next_path})
    client.conn.request("POST", path, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}",
        "Referer": f"http://{HOST}:{port}{path}"})  # fmt: skip
    response = client.conn.getresponse()
    response.read()
    client.conn.close()
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or not session:
        raise SystemExit(f"login to {path} on port {port} failed: HTTP {response.status}")
    return f"csrftoken={csrf}; sessionid={session.group(1)}"


def django_shell(python, project_dir, env, code) -> dict:
    """Run `code` in the project's Django shell; it prints one JSON line, returned here."""
    done = subprocess.run([python, "manage.py", "shell", "-c", code], cwd=project_dir, env=env,
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{project_dir}: manage.py shell failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


PEER_FACTS = """
import json
from helpdesk.models import Queue, Ticket
print(json.dumps({
    "queues": list(Queue.objects.order_by("pk").values_list("pk", flat=True)),
    "tickets": list(Ticket.objects.order_by("?").values_list("pk", flat=True)[:2000]),
    "open": list(Ticket.objects.filter(status=1).order_by("?").values_list("pk", flat=True)[:2000]),
}))
"""
PEER_CLEAN = f"""
import json
from django.db import connection
from helpdesk.models import FollowUp, Ticket
replies = FollowUp.objects.filter(comment__startswith={MARK!r}).delete()[0]
tickets = Ticket.objects.filter(title__startswith={MARK!r}).delete()[0]
with connection.cursor() as cursor:
    for table in ("helpdesk_ticket", "helpdesk_followup"):
        cursor.execute("VACUUM ANALYZE " + table)
print(json.dumps({{"deleted rows": replies + tickets}}))
"""
KEFU_FACTS = f"""
import json
import kefu
from rest_framework.authtoken.models import Token
from kefu.customers.models import Customer
from kefu.org.models import OrgUnit
from kefu.tickets.models import Ticket
print(json.dumps({{
    "code": kefu.__file__,
    "token": Token.objects.get(user__username={KEFU_ADMIN!r}).key,
    "departments": list(OrgUnit.objects.filter(code__startswith="PB-").order_by("pk").values_list("pk", flat=True)),
    "tickets": list(Ticket.objects.order_by("?").values_list("pk", flat=True)[:2000]),
    "open": list(Ticket.objects.filter(closed_at__isnull=True, state__code="registered")
                 .order_by("?").values_list("pk", flat=True)[:2000]),
    "customers": list(Customer.objects.order_by("?").values_list("pk", flat=True)[:2000]),
}}))
"""
KEFU_CLEAN = f"""
import json
from django.db import connection
from kefu.audit.models import AuditEvent
from kefu.tickets.models import Ticket, TicketEvent
# Everything the bench admin did is the bench's: the loader writes no audit entries.
audit = AuditEvent.objects.filter(actor__username={KEFU_ADMIN!r}).delete()[0]
replies = TicketEvent.objects.filter(body__startswith={MARK!r}).exclude(kind="created").delete()[0]
tickets = Ticket.objects.filter(idempotency_key__startswith={KEY_PREFIX!r}).delete()[0]
with connection.cursor() as cursor:
    for table in ("tickets_ticket", "tickets_ticketevent", "sla_slaclock", "audit_auditevent"):
        cursor.execute("VACUUM ANALYZE " + table)
print(json.dumps({{"deleted rows": audit + replies + tickets}}))
"""


class System:
    """One system under test: its gunicorn, its sign-in, and how each operation is made."""

    def __init__(self, name, python, project_dir, wsgi, env):
        self.name, self.python, self.project_dir, self.wsgi, self.env = name, python, project_dir, wsgi, env
        self.port = free_port()
        self.server = None
        self.gunicorn_options = []

    def start(self):
        gunicorn = str(Path(self.python).parent / "gunicorn")
        command = [gunicorn, self.wsgi, "-b", f"{HOST}:{self.port}", "--workers", "2", "--worker-class", "sync",
                   "--timeout", str(TIMEOUT), "--log-level", "warning", "--no-control-socket",
                   *self.gunicorn_options]  # fmt: skip
        self.server = subprocess.Popen(command, cwd=self.project_dir, env=self.env, start_new_session=True)
        for _ in range(150):
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{self.name}: gunicorn did not start")

    def stop(self):
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=30)

    def cpu_seconds(self) -> float:
        """CPU of gunicorn's master and workers (their process group), from /proc."""
        total = 0.0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.getpgid(int(entry.name)) != self.server.pid:
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, ProcessLookupError):
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total


class Peer(System):
    def __init__(self, args):
        project = Path(args.peer_dir) / "project"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "peerdesk.settings",
            "PEER_DEBUG": "0",
            "PEER_CONN_MAX_AGE": "60",
        }
        super().__init__("peer", args.peer_python, str(project), "peerdesk.wsgi", env)
        self.token = (project / ".api_token").read_text().strip()
        self.user, self.password = (project / ".admin_login").read_text().split()[:2]

    def prepare(self):
        self.facts = django_shell(self.python, self.project_dir, self.env, PEER_FACTS)
        self.cookie = login(self.port, "/login/", self.user, self.password, "/tickets/")

    def clean(self):
        return django_shell(self.python, self.project_dir, self.env, PEER_CLEAN)

    def create(self, client, rng, fields):
        queue_index, title, description = fields
        body = {"queue": self.facts["queues"][queue_index % len(self.facts["queues"])], "title": MARK + title,
                "description": description, "submitter_email": f"kehu{rng.randrange(30000):05d}@example.com",
                "priority": rng.randint(1, 5)}  # fmt: skip
        client.call("POST", "/api/tickets/", body, {"Authorization": f"Token {self.token}"}, expect=201)

    def comment(self, client, rng, text):
        body = {"ticket": rng.choice(self.facts["open"]), "comment": MARK + text, "public": True}
        client.call("POST", "/api/followups/", body, {"Authorization": f"Token {self.token}"}, expect=201)

    def _page_with_rows(self, client, params):
        _, page = client.call("GET", "/tickets/?" + urlencode(params), headers={"Cookie": self.cookie})
        found = DT_RE.search(page.decode())
        if not found:
            raise Failed("no DataTables URL in the list page")
        rows_params = urlencode({"draw": 1, "start": 0, "length": 25, "search[value]": ""})
        _, data = client.call("GET", f"{found.group(1)}?{rows_params}", headers={"Cookie": self.cookie})
        rows = json.loads(data)
        if len(rows.get("data", [])) != min(25, rows.get("recordsFiltered", 0)) or not rows.get("data"):
            raise Failed(f"rows: {len(rows.get('data', []))}")

    def queue(self, client, rng):
        self._page_with_rows(client, {"queue": rng.choice(self.facts["queues"]), "status": 1})

    def request(self, client, rng):
        pk = rng.choice(self.facts["tickets"])
        _, page = client.call("GET", f"/tickets/{pk}/", headers={"Cookie": self.cookie})
        if f"/tickets/{pk}/".encode() not in page:
            raise Failed("the ticket is not on its page")

    def search(self, client, rng):
        self._page_with_rows(client, {"q": KEYWORD})


class Kefu(System):
    def __init__(self, name, kefu_dir, database_url, var_dir):
        Path(var_dir).mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url,
               "DEBUG": "0", "DB_CONN_MAX_AGE": "60", "KEFU_BACKGROUND": "inline", "LOG_LEVEL": "WARNING",
               "AXES_FAILURE_LIMIT": "100000", "KEFU_VAR_DIR": var_dir,
               # The web app refuses the development key with DEBUG off (config/env.py).
               "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)}  # fmt: skip
        super().__init__(name, sys.executable, kefu_dir, "config.wsgi", env)
        # The project's gunicorn settings (its worker hooks), where the checkout has them.
        if (Path(kefu_dir) / "config" / "gunicorn.conf.py").exists():
            self.gunicorn_options = ["-c", "config/gunicorn.conf.py"]

    def prepare(self):
        self.facts = django_shell(self.python, self.project_dir, self.env, KEFU_FACTS)
        self.token = self.facts["token"]
        print(f"{self.name}: code from {self.facts['code']}", flush=True)
        self.cookie = login(self.port, "/accounts/login/", KEFU_ADMIN, KEFU_PASSWORD, "/requests/")

    def clean(self):
        return django_shell(self.python, self.project_dir, self.env, KEFU_CLEAN)

    def create(self, client, rng, fields):
        queue_index, title, description = fields
        body = {"ticket_type": KEFU_TYPE[queue_index % len(KEFU_TYPE)], "channel": "phone", "title": MARK + title,
                "description": description, "customer": rng.choice(self.facts["customers"]),
                "priority": KEFU_PRIORITY[rng.randint(1, 5)]}  # fmt: skip
        headers = {"Authorization": f"Token {self.token}", "Idempotency-Key": f"{KEY_PREFIX}{uuid.uuid4().hex}"}
        client.call("POST", "/api/v1/requests/", body, headers, expect=201)

    def comment(self, client, rng, text):
        pk = rng.choice(self.facts["open"])
        body = {"body": MARK + text, "internal": False}
        client.call("POST", f"/api/v1/requests/{pk}/comments/", body, {"Authorization": f"Token {self.token}"},
                    expect=201)  # fmt: skip

    def _page_with_rows(self, client, params, at_least):
        _, page = client.call("GET", "/requests/?" + urlencode(params), headers={"Cookie": self.cookie})
        rows = set(KEFU_ROW_RE.findall(page.decode()))
        if len(rows) < at_least:
            raise Failed(f"rows: {len(rows)}")

    def queue(self, client, rng):
        params = {"queue": "all_open", "department": rng.choice(self.facts["departments"]), "state": "registered"}
        self._page_with_rows(client, params, 25)

    def request(self, client, rng):
        pk = rng.choice(self.facts["tickets"])
        _, page = client.call("GET", f"/requests/{pk}/", headers={"Cookie": self.cookie})
        if not re.search(rf"\d{{8}}-{pk}\D".encode(), page):
            raise Failed("the request's number is not on its page")

    def search(self, client, rng):
        self._page_with_rows(client, {"queue": "all_open", "q": KEYWORD}, 25)


def operation(system, name, textgen):
    """A callable(client, rng) making one `name` on `system`."""
    if name == "create":
        return lambda client, rng: system.create(client, rng, textgen.make_ticket_fields(rng))
    if name == "comment":
        return lambda client, rng: system.comment(client, rng, rng.choice(textgen.REPLY))
    return getattr(system, name)


def measure(system, op, clients, max_iterations, max_seconds, seed):
    """Run `op` on `clients` threads until max_iterations are made or max_seconds passed."""
    lock = threading.Lock()
    started_count = [0]
    timings, errors = [], []
    deadline = time.perf_counter() + max_seconds

    def work(index):
        client = Http(system.port)
        rng = random.Random(seed * 100 + index)
        while True:
            with lock:
                if started_count[0] >= max_iterations or time.perf_counter() >= deadline:
                    return
                started_count[0] += 1
            began = time.perf_counter()
            try:
                op(client, rng)
            except Failed as error:
                with lock:
                    errors.append(str(error))
                continue
            with lock:
                timings.append(time.perf_counter() - began)

    cpu_before = system.cpu_seconds()
    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"timings": timings, "errors": errors, "wall": wall, "cpu": system.cpu_seconds() - cpu_before}


def summarise(results):
    timings = sorted(t for r in results for t in r["timings"])
    wall = sum(r["wall"] for r in results)
    count = len(timings)
    errors = [e for r in results for e in r["errors"]]
    return {
        "n": count,
        "errors": len(errors),
        "first_errors": errors[:3],
        "p50_ms": percentile(timings, 50) * 1000,
        "p95_ms": percentile(timings, 95) * 1000,
        "per_s": count / wall if wall else float("nan"),
        "server_cpu_ms": 1000 * sum(r["cpu"] for r in results) / max(1, count + len(errors)),
        "round_p50_ms": [percentile(sorted(r["timings"]), 50) * 1000 for r in results],
        "round_per_s": [len(r["timings"]) / r["wall"] if r["wall"] else float("nan") for r in results],
    }


def ratio(kind, peer, kefu):
    if kind == "rate":
        return kefu["per_s"] / peer["per_s"]
    return peer["p50_ms"] / kefu["p50_ms"]


def machine_loop_ms() -> float:
    """A fixed piece of pure Python, fastest of 20: how quick the machine is now."""
    best = float("inf")
    for _ in range(20):
        began = time.perf_counter()
        total = 0
        for i in range(100_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - began)
    return best * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer-dir", required=True, help="the peer's scripts, set up and loaded (e.g. /tmp/peer)")
    parser.add_argument("--peer-python", default="/tmp/peer-venv/bin/python", help="the peer's virtualenv python")
    parser.add_argument("--kefu-dir", default=str(Path(__file__).resolve().parent.parent), help="Kefu checkout")
    parser.add_argument("--kefu-database-url", required=True, help="loaded by bench/peer_load.py")
    parser.add_argument("--kefu-var-dir", default="/tmp/kefu-peer-bench-var", help="Kefu's KEFU_VAR_DIR")
    parser.add_argument("--also-kefu", nargs=2, action="append", default=[], metavar=("DIR", "DATABASE_URL"),
                        help="another Kefu checkout and its database, measured in the same run (e.g. the code "
                             "before a change); may be given more than once")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies iterations and seconds (0.3 = quick)")
    parser.add_argument("--only", default="", help="comma list of operations (default: all)")
    parser.add_argument("--label", default="", help="a name for this run in the output")
    parser.add_argument("--out", help="write the figures as JSON here")
    args = parser.parse_args()
    sys.path.insert(0, args.peer_dir)
    import textgen  # the peer's text generator: both systems get the same kind of text

    operations = [op for op in OPERATIONS if not args.only or op[0] in args.only.split(",")]
    peer = Peer(args)
    kefus = [Kefu("kefu", args.kefu_dir, args.kefu_database_url, args.kefu_var_dir)]
    for number, (kefu_dir, database_url) in enumerate(args.also_kefu, start=2):
        kefus.append(Kefu(f"kefu{number}", kefu_dir, database_url, f"{args.kefu_var_dir}-{number}"))
    systems = [peer, *kefus]
    for system in systems:
        print(f"{system.name}: removed leftovers of an earlier run: {system.clean()}", flush=True)
    loop_before = machine_loop_ms()
    try:
        for system in systems:
            system.start()
            system.prepare()
        ports = ", ".join(f"{s.name} on :{s.port} ({s.project_dir})" for s in systems)
        print(f"{ports}; machine loop {loop_before:.1f} ms", flush=True)
        # Warm-up: every operation a few times on both workers of each system, not recorded.
        for system in systems:
            for name, *_ in operations:
                measure(system, operation(system, name, textgen), 2, 6, 60, seed=1)
        results = {(s.name, op[0]): [] for s in systems for op in operations}
        for round_index in range(args.rounds):
            # Who goes first turns round by round.
            first = round_index % len(systems)
            order = systems[first:] + systems[:first]
            for name, clients, iterations, seconds, _kind in operations:
                for system in order:
                    outcome = measure(system, operation(system, name, textgen), clients,
                                      max(3, int(iterations * args.scale)), seconds * args.scale,
                                      seed=100 * round_index + 7)  # fmt: skip
                    results[(system.name, name)].append(outcome)
                    print(f"  round {round_index + 1} {name:<8} {system.name:<6} n={len(outcome['timings']):>4} "
                          f"errors={len(outcome['errors'])} {len(outcome['timings']) / outcome['wall']:7.1f}/s",
                          flush=True)  # fmt: skip
    finally:
        for system in systems:
            system.stop()
        for system in systems:
            print(f"{system.name}: removed what this run made: {system.clean()}", flush=True)
    loop_after = machine_loop_ms()
    out = {"label": args.label, "rounds": args.rounds, "scale": args.scale,
           "machine_loop_ms": [loop_before, loop_after], "kefu": {}}  # fmt: skip
    for kefu in kefus:
        out["kefu"][kefu.name] = report(args, kefu, operations, results, loop_before, loop_after)
    if args.out:
        Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1))
        print(f"wrote {args.out}")


def report(args, system, operations, results, loop_before, loop_after) -> dict:
    """Print one Kefu's table against the peer; return its figures."""
    print(f"\n{system.name} ({system.project_dir}) / django-helpdesk, {args.label or 'run'}: {args.rounds} "
          f"alternating rounds, machine loop {loop_before:.1f} ms before, {loop_after:.1f} ms after")  # fmt: skip
    print(
        "| operation | clients | peer p50 / p95 ms | peer rate /s | Kefu p50 / p95 ms | Kefu rate /s "
        "| Kefu/peer | per round | target | met | gunicorn CPU ms peer / Kefu | errors peer / Kefu |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    out = {"kefu_dir": system.project_dir, "operations": {}}
    for name, clients, _iterations, _seconds, kind in operations:
        peer, kefu = summarise(results[("peer", name)]), summarise(results[(system.name, name)])
        overall = ratio(kind, peer, kefu)
        per_round = []
        for p, k in zip(results[("peer", name)], results[(system.name, name)], strict=True):
            per_round.append(ratio(kind, summarise([p]), summarise([k])))
        target = TARGETS[name]
        what = "rate" if kind == "rate" else "p50 faster"
        rounds = " / ".join(f"{r:.1f}" for r in per_round)
        met = "yes" if overall >= target else "NO"
        print(f"| {name} | {clients} | {peer['p50_ms']:.1f} / {peer['p95_ms']:.1f} | {peer['per_s']:.1f} | "
              f"{kefu['p50_ms']:.1f} / {kefu['p95_ms']:.1f} | {kefu['per_s']:.1f} | {overall:.1f}× ({what}) | "
              f"{rounds} | ≥ {target}× | {met} | {peer['server_cpu_ms']:.1f} / {kefu['server_cpu_ms']:.1f} | "
              f"{peer['errors']} / {kefu['errors']} |")  # fmt: skip
        for system_name, figures in (("peer", peer), (system.name, kefu)):
            if figures["errors"]:
                print(f"    {system_name} {name} errors, first: {figures['first_errors']}")
        out["operations"][name] = {"clients": clients, "ratio": overall, "ratio_kind": kind, "per_round": per_round,
                                   "target": target, "peer": peer, "kefu": kefu}  # fmt: skip
    return out


if __name__ == "__main__":
    main()
