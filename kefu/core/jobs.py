"""Periodic background jobs (SLA sweeps, callbacks, care…), declared once for both runners.

Each app registers its jobs in `AppConfig.ready`. The embedded default runs them in-process
with `manage.py run_jobs`; scaled out, Celery beat schedules the same tasks (config/celery.py).
Jobs are idempotent, so an overlap or a restart does no harm.

Each runner records when a job last finished without error (`record_job_run`, in the shared
cache): /metrics shows it, so an alert fires when a scheduler silently stops.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str  # dotted path of a Celery task wrapping a service function
    every_seconds: int


_jobs: dict[str, PeriodicJob] = {}


def register_periodic_job(name: str, task: str, every_seconds: int) -> PeriodicJob:
    job = PeriodicJob(name=name, task=task, every_seconds=every_seconds)
    _jobs[name] = job
    return job


def periodic_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def _last_run_key(name: str) -> str:
    return f"kefu:job-last-run:{name}"


def record_job_run(name: str, at: float | None = None) -> None:
    """The job `name` just finished without error (kept a week: longer than any job's period)."""
    cache.set(_last_run_key(name), at if at is not None else time.time(), 7 * 24 * 3600)


def job_for_task(task: str) -> PeriodicJob | None:
    return next((job for job in _jobs.values() if job.task == task), None)


def job_last_runs() -> dict[str, float | None]:
    """{job name: Unix time of its last successful run, or None if not within a week}."""
    names = [job.name for job in periodic_jobs()]
    found = cache.get_many([_last_run_key(name) for name in names])
    return {name: found.get(_last_run_key(name)) for name in names}
