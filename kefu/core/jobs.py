"""Periodic background jobs (SLA sweeps, callbacks, care…), declared once for both runners.

Each app registers its jobs in `AppConfig.ready`. The embedded default runs them in-process
with `manage.py run_jobs`; scaled out, Celery beat schedules the same tasks (config/celery.py).
Jobs are idempotent, so an overlap or a restart does no harm.
"""

from dataclasses import dataclass


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
