"""Import of a large customer CSV through the real services: rows/s and peak memory.

    .venv/bin/python bench/bench_import.py --rows 1000000                 # SQLite in a temp dir
    DATABASE_URL=postgres://… .venv/bin/python bench/bench_import.py --rows 1000000

Writes a CSV of realistic Chinese customers (streamed), then times the dry run
(import_job_validate) and the commit (import_job_commit) separately. Run it on an empty,
migrated database: imported mobiles must not exist yet.
"""

import argparse
import csv
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
from django.db import connection  # noqa: E402

from kefu.customers.imports import services  # noqa: E402
from kefu.customers.models import ImportJob  # noqa: E402
from kefu.org.choices import Role  # noqa: E402
from kefu.org.models import User  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
STREETS = ["中山路", "解放路", "人民路", "建设路", "和平街", "新华路", "文化路", "胜利街"]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(5)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["客户名称", "手机号码", "地址", "区域", "网格", "生日"])
        for n in range(rows):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            mobile = f"1{rng.choice('3589')}{n:09d}"
            mobile = f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}" if n % 3 == 0 else mobile
            address = f"城东区{rng.choice(STREETS)}{rng.randint(1, 300)}号"
            birthday = f"{rng.randint(1950, 2005)}-{rng.randint(1, 12):02d}-15"
            writer.writerow([name, mobile, address, "城东区", f"{rng.randint(1, 12)}号网格", birthday])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description="Customer import benchmark")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    actor, _ = User.objects.get_or_create(username="import_bench", defaults={"full_name": "导入", "role": Role.ADMIN})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.csv"
        started = time.perf_counter()
        write_csv(path, args.rows)
        print(f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s")
        with path.open("rb") as handle:
            job = services.import_job_create(
                actor=actor, kind="customers", uploaded_file=File(handle, name="customers.csv")
            )
    ImportJob.objects.filter(pk=job.pk).update(status="validating", mapping=job.mapping)
    started = time.perf_counter()
    services.import_job_validate(job_id=job.pk)
    validate_s = time.perf_counter() - started
    job.refresh_from_db()
    assert job.error_count == 0, job.errors[:5]
    ImportJob.objects.filter(pk=job.pk).update(status="importing")
    started = time.perf_counter()
    services.import_job_commit(job_id=job.pk)
    commit_s = time.perf_counter() - started
    job.refresh_from_db()
    print(f"database: {connection.vendor}; rows: {args.rows:,}; imported: {job.imported_count:,}")
    print(f"dry run: {validate_s:.1f} s = {args.rows / validate_s:,.0f} rows/s")
    print(f"commit:  {commit_s:.1f} s = {args.rows / commit_s:,.0f} rows/s")
    print(
        f"end to end (dry run + commit): {args.rows / (validate_s + commit_s):,.0f} rows/s; "
        f"peak memory {peak_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
