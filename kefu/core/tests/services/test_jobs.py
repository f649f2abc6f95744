import pytest
from celery import shared_task
from django.core.management import call_command

from kefu.core import jobs

calls = []


@shared_task
def probe_task():
    calls.append("ran")
    return "ok"


@shared_task
def failing_task():
    raise RuntimeError("boom")


@pytest.mark.django_db
def test_run_jobs_once_runs_every_registered_job_and_survives_a_failing_one(monkeypatch):
    monkeypatch.setattr(jobs, "_jobs", {})
    jobs.register_periodic_job("probe", "kefu.core.tests.services.test_jobs.probe_task", 60)
    jobs.register_periodic_job("failing", "kefu.core.tests.services.test_jobs.failing_task", 60)
    call_command("run_jobs", "--once")
    assert calls == ["ran"]


@pytest.mark.django_db
def test_celery_beat_gets_the_same_schedule(monkeypatch):
    """The one beat's database schedule is written from the same registry (kefu.core.beat)."""
    from django_celery_beat.models import PeriodicTask

    from kefu.core.beat import sync_beat_schedule

    monkeypatch.setattr(jobs, "_jobs", {})
    jobs.register_periodic_job("probe", "kefu.core.tests.services.test_jobs.probe_task", 60)
    sync_beat_schedule()
    assert [(t.interval.every, t.task, t.name) for t in PeriodicTask.objects.filter(enabled=True)] == [
        (60, "kefu.core.tests.services.test_jobs.probe_task", "probe")
    ]
