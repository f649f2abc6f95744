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


def test_celery_beat_gets_the_same_schedule(monkeypatch):
    from config.celery import app, schedule_periodic_jobs

    monkeypatch.setattr(jobs, "_jobs", {})
    jobs.register_periodic_job("probe", "kefu.core.tests.services.test_jobs.probe_task", 60)
    added = []
    monkeypatch.setattr(app, "add_periodic_task", lambda every, sig, name: added.append((every, sig.task, name)))
    schedule_periodic_jobs(app)
    assert added == [(60, "kefu.core.tests.services.test_jobs.probe_task", "probe")]
