"""Import of a large customer CSV through the real services, against a plain COPY of the same rows.

    .venv/bin/python bench/bench_import.py --rows 1000000                 # SQLite in a temp dir
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_import.py --rows 1000000
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_import.py --xlsx 50000   # through the pages

Writes a CSV of realistic Chinese customers (streamed), then on PostgreSQL first times a plain
`COPY customers_customer FROM STDIN` of the same rows as the import stores them (same table,
same indexes; rolled back), then the import end to end: upload (stores the file), reading
(kind, header, mapping), dry run (clean and stage every row, SQL duplicate checks), commit
(archive re-check, records and audit entries). Prints rows/s of each step, the ratio of the
import's end-to-end rate to the plain COPY's, and the process's peak memory. Run it on an
empty, migrated database: imported mobiles must not exist yet.

`--xlsx N` builds an N-row workbook and takes it through the web pages (Django's test client,
background jobs in threads as in the embedded default): upload, mapping, dry run polled until
done, confirm, commit polled until done.
"""

import argparse
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
if "DATABASE_URL" not in os.environ:
    scratch = tempfile.mkdtemp(prefix="kefu-import-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ["KEFU_VAR_DIR"] = scratch

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from kefu.customers.imports import services  # noqa: E402
from kefu.customers.models import Customer, ImportJob  # noqa: E402
from kefu.org.choices import Role  # noqa: E402
from kefu.org.models import User  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
STREETS = ["中山路", "解放路", "人民路", "建设路", "和平街", "新华路", "文化路", "胜利街"]
HEADER = ["客户名称", "手机号码", "地址", "区域", "网格", "生日"]


def customers(rows: int):
    rng = random.Random(5)
    for n in range(rows):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        mobile = f"1{rng.choice('3589')}{n:09d}"
        typed = f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}" if n % 3 == 0 else mobile
        address = f"城东区{rng.choice(STREETS)}{rng.randint(1, 300)}号"
        birthday = f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-15"
        yield name, typed, mobile, address, "城东区", f"{rng.randint(1, 12)}号网格", birthday


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for name, typed, _mobile, address, region, grid, birthday in customers(rows):
            writer.writerow([name, typed, address, region, grid, birthday])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plain_copy_seconds(rows: int, actor) -> float:
    """COPY of the same rows, as the import stores them, into the customer table (rolled back,
    its foreign keys checked)."""
    now = timezone.now().isoformat()
    columns = [
        "kind", "code", "name", "status", "mobile", "phone", "email", "id_number", "org_code", "address",
        "region", "grid", "industry", "source_channel", "tier", "credit_rating", "potential", "contract_no",
        "competitor_info", "birthday", "notes", "has_valid_phone", "created_by_id", "org_unit_id",
        "created_at", "updated_at", "version",
    ]  # fmt: skip
    with tempfile.TemporaryFile("w+b") as data:  # streamed from a file: the peak memory is the import's
        for name, _typed, mobile, address, region, grid, birthday in customers(rows):
            values = ["individual", "", name, "active", mobile, "", "", "", "", address, region, grid, "", "import"]
            values += ["", "", "", "", "", birthday, "", "t", str(actor.pk), "\\N", now, now, "1"]
            data.write(("\t".join(values) + "\n").encode())
        data.seek(0)
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            # Foreign keys are checked at COPY time, as they are at the import's COMMIT: a rolled
            # back transaction would otherwise never check them (Django's are DEFERRABLE).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY customers_customer ({', '.join(columns)}) FROM STDIN") as copy:
                while block := data.read(1 << 20):
                    copy.write(block)
            seconds = time.perf_counter() - started
            cursor.execute("ROLLBACK")
            # The rolled-back rows are dead tuples in the table and its 17 indexes: left to
            # autovacuum, their clean-up ran during the import's dry run, on the same two cores.
            cursor.execute("VACUUM customers_customer")
    return seconds


def timed(step):
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def run_csv(rows: int, actor) -> None:
    services.run_after_commit = lambda task, **ids: None  # each step is called below, in this thread
    copy_s = plain_copy_seconds(rows, actor) if connection.vendor == "postgresql" else None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.csv"
        write_csv(path, rows)
        print(f"wrote {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB)")
        started = time.perf_counter()
        with path.open("rb") as handle:
            job = services.import_job_create(
                actor=actor, kind="customers", uploaded_file=File(handle, name="customers.csv")
            )
        upload_s = time.perf_counter() - started
    read_s = timed(lambda: services.import_job_read(job_id=job.pk))
    job.refresh_from_db()
    services.import_job_set_mapping(actor=actor, job=job, mapping=job.mapping)
    validate_s = timed(lambda: services.import_job_validate(job_id=job.pk))
    job.refresh_from_db()
    assert job.status == "validated" and job.error_count == 0, (job.status, job.failure, job.errors[:5])
    services.import_job_confirm(actor=actor, job=job)
    commit_s = timed(lambda: services.import_job_commit(job_id=job.pk))
    job.refresh_from_db()
    assert job.status == "done", (job.status, job.failure)
    total = upload_s + read_s + validate_s + commit_s
    print(f"database: {connection.vendor}; rows: {rows:,}; imported: {job.imported_count:,}")
    print(f"upload {upload_s:.1f} s, reading {read_s:.2f} s")
    print(f"dry run: {validate_s:.1f} s = {rows / validate_s:,.0f} rows/s")
    print(f"commit:  {commit_s:.1f} s = {rows / commit_s:,.0f} rows/s")
    print(f"end to end: {total:.1f} s = {rows / total:,.0f} rows/s; peak memory {peak_mb():.0f} MB")
    if copy_s:
        print(f"plain COPY of the same rows: {copy_s:.1f} s = {rows / copy_s:,.0f} rows/s")
        print(f"import / plain COPY: {copy_s / total:.2f}x")


def run_xlsx(rows: int, actor) -> None:
    """A workbook through the pages, jobs in background threads as the embedded default runs them."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from openpyxl import Workbook

    settings.KEFU_BACKGROUND = "inline"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for name, typed, _mobile, address, region, grid, birthday in customers(rows):
        sheet.append([name, typed, address, region, grid, birthday])
    data = io.BytesIO()
    workbook.save(data)
    print(f"workbook of {rows:,} rows: {len(data.getvalue()) / 1e6:.1f} MB")
    client = Client(HTTP_HOST="localhost")
    client.force_login(actor)
    data.name = "customers.xlsx"
    data.seek(0)
    started = time.perf_counter()
    client.post(reverse("customers:import_start"), {"kind": "customers", "file": data})
    job = ImportJob.objects.latest("pk")
    wait(job, {"reading"})
    read_s = time.perf_counter() - started
    job.refresh_from_db()
    started = time.perf_counter()
    client.post(reverse("customers:import_mapping", args=[job.pk]), {f"column_{k}": v for k, v in job.mapping.items()})
    wait(job, {"validating"})
    validate_s = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == "validated" and not job.error_count, (job.status, job.failure, job.errors[:3])
    started = time.perf_counter()
    client.post(reverse("customers:import_confirm", args=[job.pk]))
    wait(job, {"importing"})
    commit_s = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == "done", (job.status, job.failure)
    print(f"database: {connection.vendor}; through the pages; imported {job.imported_count:,}")
    print(f"upload and reading: {read_s:.1f} s; dry run: {validate_s:.1f} s; commit: {commit_s:.1f} s")


def wait(job, working: set) -> None:
    while ImportJob.objects.filter(pk=job.pk, status__in=working).exists():
        time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser(description="Customer import benchmark")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx", type=int, default=0, help="rows of a workbook taken through the pages")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    actor, _ = User.objects.get_or_create(username="import_bench", defaults={"full_name": "导入", "role": Role.ADMIN})
    if Customer.objects.exists():
        with transaction.atomic():
            print("the customer table is not empty: imported mobiles may clash")
    if args.xlsx:
        run_xlsx(args.xlsx, actor)
    else:
        run_csv(args.rows, actor)


if __name__ == "__main__":
    main()
