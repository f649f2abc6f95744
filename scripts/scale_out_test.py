"""Two web processes and two Celery workers (and one beat) against one PostgreSQL, one Redis and
one S3-compatible store, all on loopback (issue 20 item 7):

1. an attachment uploaded through web 1 is downloaded through web 2 (same bytes; in the bucket);
2. an import uploaded through web 1's page is read, checked and committed by the workers (which
   worker ran each step is printed), its file read back from the bucket;
3. the time-limit sweep run six times at once over both workers breaches every overdue clock
   exactly once (the workers' own reports of what each sweep claimed add up to the clocks);
4. the pool process running a task killed (SIGKILL): the task is given back at once and run again.

    .venv/bin/python scripts/scale_out_test.py [--cluster kefuscale] [--port 54418]

Needs PostgreSQL 15 (scripts/pg-cluster.sh) and redis-server; takes about four minutes.
"""

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
import requests

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
processes: list[subprocess.Popen] = []
LOGS = Path(tempfile.gettempdir())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ok(text: str) -> None:
    print(f"ok   {text}", flush=True)


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    processes.append(process)
    return process


def manage(env: dict, *args: str, code: str | None = None) -> str:
    command = [PY, "manage.py", *args] + (["--no-imports", "-c", code] if code else [])
    return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def wait_for(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception:  # not up yet (connection refused, botocore's endpoint errors…)
            pass
        time.sleep(0.3)
    raise SystemExit(f"FAIL waiting for {what} (logs in {LOGS})")


def psql(port: int, sql: str) -> None:
    subprocess.run(["su", "postgres", "-c", f'psql -q -p {port} -tAc "{sql}"'], check=True)


def login(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.status_code
    return session


def task_lines(logs: list[Path], task: str) -> list[tuple[str, str]]:
    """(worker log name, line) for each 'succeeded' report of `task` in the workers' logs."""
    found = []
    for log in logs:
        for line in log.read_text(errors="replace").splitlines():
            if f"{task}[" in line and "succeeded" in line:
                found.append((log.stem, line))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluster", default="kefuscale")
    parser.add_argument("--port", type=int, default=54418)
    options = parser.parse_args()
    global LOGS
    work = LOGS = Path(tempfile.mkdtemp(prefix="kefu-scale."))
    server = subprocess.check_output(
        ["bash", "scripts/pg-cluster.sh", options.cluster, str(options.port)], cwd=ROOT, text=True
    ).strip()
    server = server.rsplit("/", 1)[0]
    psql(options.port, "DROP DATABASE IF EXISTS kefu_scale")
    psql(options.port, "CREATE DATABASE kefu_scale OWNER kefu")

    redis_port, s3_port = free_port(), free_port()
    start(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
        os.environ.copy(),
        work / "redis.log",
    )
    start([PY, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], os.environ.copy(), work / "s3.log")
    s3_url = f"http://127.0.0.1:{s3_port}"
    keys = {"aws_access_key_id": "scale", "aws_secret_access_key": "scale-secret"}
    s3 = boto3.client("s3", endpoint_url=s3_url, region_name="us-east-1", **keys)
    wait_for(lambda: s3.create_bucket(Bucket="kefu-scale"), "the S3 server")
    env = {
        **os.environ,
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{server}/kefu_scale",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "KEFU_CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        "KEFU_BACKGROUND": "celery",
        "KEFU_STORAGE": "s3",
        "KEFU_S3_BUCKET": "kefu-scale",
        "KEFU_S3_ENDPOINT_URL": s3_url,
        "KEFU_S3_REGION": "us-east-1",
        "KEFU_S3_ACCESS_KEY_ID": keys["aws_access_key_id"],
        "KEFU_S3_SECRET_ACCESS_KEY": keys["aws_secret_access_key"],
        "KEFU_VAR_DIR": str(work / "var"),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "KEFU_LOG_FORMAT": "text",
        "KEFU_ADMIN_USERNAME": "ops",
        "KEFU_ADMIN_PASSWORD": "Vq8#long-enough-pass",
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "install_preset", "utility")
    manage(env, "create_first_admin", "--from-env")
    token = manage(
        env,
        "shell",
        code="from rest_framework.authtoken.models import Token; from kefu.org.models import OrgUnit, User; "
        "agent = User(username='agent1', full_name='坐席一', role='agent', org_unit=OrgUnit.get_root_nodes()[0]); "
        "agent.set_password('Vq8#long-enough-pass'); agent.save(); "
        "print(Token.objects.get_or_create(user=agent)[0].key)",
    ).split()[-1]  # `shell` prints what it imported first
    ok("PostgreSQL, Redis and the S3 server on loopback; migrated once, first admin created")

    webs = []
    for _n in (1, 2):
        port = free_port()
        start(
            [
                "gunicorn",
                "config.wsgi",
                "-c",
                "config/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
            ],
            env,
            work / f"web{_n}.log",
        )
        webs.append(f"http://127.0.0.1:{port}")
    workers = {}
    for name in ("w1", "w2"):
        workers[name] = start(
            [
                "celery",
                "-A",
                "config",
                "worker",
                "-n",
                f"{name}@%h",
                "--concurrency",
                "2",
                "--loglevel",
                "INFO",
                "--include",
                "kefu.core.tests.production.slow_task",
            ],
            env,
            work / f"{name}.log",
        )
    start(["celery", "-A", "config", "beat", "--loglevel", "INFO"], env, work / "beat.log")
    for base in webs:
        wait_for(lambda base=base: requests.get(f"{base}/readyz").status_code == 200, f"{base}/readyz", 240)
    worker_logs = [work / "w1.log", work / "w2.log"]
    wait_for(lambda: all("ready." in log.read_text() for log in worker_logs), "both workers", 240)
    ok(
        f"two web processes ready (readyz: database, cache, broker, migrations): {', '.join(webs)}; "
        "two workers, one beat"
    )

    # 1. An attachment through web 1, downloaded through web 2.
    api = {"Authorization": f"Token {token}"}
    ticket = requests.post(
        f"{webs[0]}/api/v1/requests/",
        headers=api,
        json={
            "ticket_type": "complaint",
            "channel": "wechat",
            "title": "停电未通知",
            "description": "昨日停电未通知",
            "caller_name": "王先生",
        },
    ).json()
    assert "id" in ticket, ticket
    photo = secrets.token_bytes(300_000)
    attached = requests.post(
        f"{webs[0]}/api/v1/requests/{ticket['id']}/attachments/",
        headers=api,
        files={"file": ("现场照片.jpg", photo, "image/jpeg")},
    ).json()
    stored = [item["Key"] for item in s3.list_objects_v2(Bucket="kefu-scale").get("Contents", [])]
    session2 = login(webs[1], "agent1", "Vq8#long-enough-pass")
    download = session2.get(f"{webs[1]}/requests/attachments/{attached['id']}/")
    assert download.status_code == 200 and download.content == photo, download.status_code
    assert requests.get(f"{webs[1]}/requests/attachments/{attached['id']}/", allow_redirects=False).status_code == 302
    ok(
        f"attachment uploaded through web 1 is in the bucket ({stored[0]}) and downloads through web 2 "
        "byte for byte; without a login web 2 sends to the login page"
    )

    # 2. An import uploaded through web 1's page, worked by the workers.
    session1 = login(webs[0], "ops", "Vq8#long-enough-pass")
    page = session1.get(f"{webs[0]}/customers/import/").text
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    rows = "".join(f"扩容客户{n},1380000{n:04d},,,东区一路{n}号,\n" for n in range(200))
    upload = session1.post(
        f"{webs[0]}/customers/import/",
        data={"csrfmiddlewaretoken": csrf, "kind": "customers"},
        files={
            "file": (
                "客户.csv",
                ("客户名称,手机号码,统一社会信用代码,生日,地址,客户经理\n" + rows).encode(),
                "text/csv",
            )
        },
        headers={"Referer": f"{webs[0]}/customers/import/"},
        allow_redirects=False,
    )
    job_id = int(re.search(r"/import/(\d+)/", upload.headers["Location"]).group(1))
    status = "from kefu.customers.models import ImportJob as J; j=J.objects.get(pk=%d); print(j.status, j.failure)"
    wait_for(lambda: manage(env, "shell", code=status % job_id).startswith("uploaded"), "the import to be read", 60)
    manage(
        env,
        "shell",
        code=(
            "from kefu.customers.imports import services as s; from kefu.customers.models import ImportJob as J; "
            f"j=J.objects.get(pk={job_id}); s.import_job_set_mapping(actor=j.created_by, job=j, mapping=j.mapping)"
        ),
    )
    wait_for(lambda: manage(env, "shell", code=status % job_id).startswith("validated"), "the dry run", 60)
    manage(
        env,
        "shell",
        code=(
            "from kefu.customers.imports import services as s; from kefu.customers.models import ImportJob as J; "
            f"j=J.objects.get(pk={job_id}); s.import_job_confirm(actor=j.created_by, job=j)"
        ),
    )
    wait_for(lambda: manage(env, "shell", code=status % job_id).startswith("done"), "the commit", 60)
    count = manage(
        env,
        "shell",
        code="from kefu.customers.models import Customer as C; "
        "print(C.objects.filter(name__startswith='扩容客户').count())",
    ).strip()
    assert count == "200", count
    steps = {
        task: [name for name, _line in task_lines(worker_logs, f"kefu.customers.tasks.{task}")]
        for task in ("import_read_task", "import_validate_task", "import_commit_task")
    }
    assert all(len(names) == 1 for names in steps.values()), steps
    ok(f"import uploaded through web 1 done by the workers, each step once: {steps}; 200 customers")

    # 3. The sweep six times at once over both workers: each overdue clock breached once.
    for n in range(40):
        requests.post(
            f"{webs[n % 2]}/api/v1/requests/",
            headers=api,
            json={
                "ticket_type": "complaint",
                "channel": "wechat",
                "title": f"投诉{n}",
                "description": "停电",
                "caller_name": "李女士",
            },
        ).raise_for_status()
    overdue = manage(
        env,
        "shell",
        code=(
            "from datetime import timedelta; from django.utils import timezone; from kefu.sla.models import SlaClock; "
            "now = timezone.now(); "
            "running = SlaClock.objects.filter(stopped_at=None, paused_at=None, breached_at=None); "
            "tickets = running.values('ticket_id').distinct().count(); "
            "print(tickets, running.update(warn_at=now - timedelta(hours=2), due_at=now - timedelta(hours=1)))"
        ),
    ).split()
    overdue_requests, overdue_clocks = int(overdue[0]), int(overdue[1])
    before = len(task_lines(worker_logs, "kefu.sla.tasks.sla_sweep_task"))
    manage(env, "shell", code="from kefu.sla.tasks import sla_sweep_task as t; [t.delay() for _ in range(6)]")
    wait_for(lambda: len(task_lines(worker_logs, "kefu.sla.tasks.sla_sweep_task")) >= before + 6, "six sweeps", 90)
    time.sleep(1)
    sweeps = task_lines(worker_logs, "kefu.sla.tasks.sla_sweep_task")
    claimed = sum(int(m.group(1)) for _name, line in sweeps if (m := re.search(r"'breached': (\d+)", line)))
    by_worker = {name: sum(1 for n, _ in sweeps if n == name) for name in ("w1", "w2")}
    breached, notices = manage(
        env,
        "shell",
        code="from kefu.sla.models import SlaClock as C; from kefu.inbox.models import Notification as N; "
        "print(C.objects.exclude(breached_at=None).count(), "
        "N.objects.filter(kind='sla_breached', recipient__username='agent1').count())",
    ).split()
    # Each sweep reports the requests whose clocks it claimed: the reports add up to the overdue
    # requests (none claimed twice), every clock is breached, and the owner got one breach notice.
    assert claimed == overdue_requests and int(breached) == overdue_clocks and notices == "1", (
        claimed,
        overdue_requests,
        breached,
        overdue_clocks,
        notices,
    )
    ok(
        f"{overdue_clocks} clocks of {overdue_requests} requests overdue; {len(sweeps)} sweeps (per worker "
        f"{by_worker}, the beat's included) claimed {claimed} requests in all: each exactly once; "
        f"{breached} clocks breached; one breach notice to the owner"
    )

    # 4. The pool process running a task dies (the OOM killer, a crash): the task goes back to
    # the queue at once (acks late + reject on worker lost) and runs again.
    marks = work / "marks"
    marks.mkdir()
    manage(
        env,
        "shell",
        code=(f"from kefu.core.tests.production.slow_task import sleep_then_mark as t; t.delay('{marks}', 6)"),
    )
    first = wait_for(lambda: sorted(marks.glob("started-*")), "the slow task to start", 30)[0]
    os.kill(int(first.name.split("-")[1]), signal.SIGKILL)
    wait_for(lambda: list(marks.glob("done-*")), "the task to run again and finish", 60)
    started = sorted(path.name for path in marks.glob("started-*"))
    done = sorted(path.name for path in marks.glob("done-*"))
    assert len(started) == 2 and len(done) == 1 and first.name not in {d.replace("done", "started") for d in done}
    ok(f"the pool process running a task killed (SIGKILL, {first.name}); the task ran again and finished ({done[0]})")

    print("all checks passed", flush=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
