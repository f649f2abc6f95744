"""Helpers shared by the benchmark scripts: Django setup, timing, percentiles, machine facts.

Benchmarks are run by hand against a database named by DATABASE_URL (see bench/README.md);
nothing here is imported by the application or by the tests.

    import common  # in a script under bench/: sets up Django before any model import
"""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Make the project importable and configure Django from the environment (DATABASE_URL)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


@contextmanager
def stopwatch():
    """`with stopwatch() as elapsed: …` then `elapsed()` is the seconds spent inside the block."""
    started = time.perf_counter()
    finished = None

    def elapsed() -> float:
        return (finished if finished is not None else time.perf_counter()) - started

    try:
        yield elapsed
    finally:
        finished = time.perf_counter()


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise_ms(seconds: list[float]) -> dict:
    """p50/p95/max/mean in milliseconds of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "max": max(ms) if ms else float("nan"),
        "mean": statistics.fmean(ms) if ms else float("nan"),
    }


def database_label() -> str:
    """'PostgreSQL 15.x' or 'SQLite 3.x', for the reports."""
    from django.db import connection

    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return connection.vendor


def machine_label() -> str:
    """Cores and memory of this machine, e.g. '2 cores, 24 GB RAM'."""
    cores = os.cpu_count() or 0
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GB RAM"
    except (ValueError, OSError, AttributeError):
        memory = ""
    return f"{cores} cores{memory}"


def warm_database(connection) -> str:
    """Read every table and index of the database once, as a server that has been running a
    while holds them in memory (the 5,000,000-request profile is 8.5 GB on a 23 GB machine).

    Uses pg_prewarm in 'read' mode, which fills the operating system's cache without pushing
    anything out of PostgreSQL's own buffers. Returns what was done, for the report.
    """
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except Exception as error:  # not a superuser, or contrib missing: measure cold and say so
            return f"cold (pg_prewarm unavailable: {str(error).splitlines()[0]})"
        started = time.perf_counter()
        cursor.execute(
            "SELECT coalesce(sum(pg_prewarm(c.oid, 'read')), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 'm', 't')"
        )
        blocks = cursor.fetchone()[0]
    return f"warm ({blocks * 8 // 1024:,} MB read in {time.perf_counter() - started:.0f} s)"


def machine_noise(rounds: int = 200) -> str:
    """How steady this machine is now: the same fixed piece of pure Python, timed `rounds`
    times, as p50 and p95 over the fastest run. On the shared 2-core machine of bench/README.md
    the p95 of this loop alone was 1.6 times its minimum, so no page's p95 can be closer than
    that to its own best time."""

    def fixed_work() -> int:
        total = 0
        for i in range(100_000):
            total += i * i % 7
        return total

    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        fixed_work()
        timings.append(time.perf_counter() - started)
    fastest = min(timings)
    return (
        f"fixed Python loop p50 {percentile(timings, 50) / fastest:.2f}x, "
        f"p95 {percentile(timings, 95) / fastest:.2f}x its fastest ({fastest * 1000:.1f} ms)"
    )


def _process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _group_cpu_seconds(group: int) -> float:
    """CPU of the live processes of one process group (gunicorn's master and workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == group:
                total += _process_cpu_seconds(int(entry.name))
        except (OSError, ProcessLookupError):
            continue  # the process ended while we looked
    return total


def _machine_busy_seconds() -> float:
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuAccount:
    """Where the machine's CPU went during a phase: this process (the load generator), the
    server's process group, and everything else (PostgreSQL, other tenants of the machine).

    On a shared 2-core box the load generator competes with the server it measures, so a
    throughput figure means little without this split."""

    def __init__(self, server_group: int):
        self.server_group = server_group
        self.start = self._now()

    def _now(self) -> tuple[float, float, float]:
        return time.process_time(), _group_cpu_seconds(self.server_group), _machine_busy_seconds()

    def per_request_ms(self, requests: int) -> str:
        client, server, machine = (end - begin for end, begin in zip(self._now(), self.start, strict=True))
        rest = max(machine - client - server, 0.0)
        per = 1000 / max(requests, 1)
        return (
            f"CPU per request: load generator {client * per:.1f} ms, gunicorn {server * per:.1f} ms, "
            f"PostgreSQL and the rest of the machine {rest * per:.1f} ms (machine {machine * per:.1f} ms)"
        )
