"""One scheduler: Celery beat keeps the schedule in the database (django-celery-beat), written from
the jobs the apps registered; a second beat started by mistake stays on standby."""

from unittest import mock

import pytest
from django.core.cache import cache
from django_celery_beat.models import PeriodicTask

from config.celery import app
from kefu.core import beat, jobs

pytestmark = pytest.mark.django_db


def test_the_registered_jobs_become_the_database_schedule_once():
    registered = {job.name: job for job in jobs.periodic_jobs()}
    assert beat.sync_beat_schedule()["created"] == len(registered)
    rows = {task.name: task for task in PeriodicTask.objects.filter(description=beat.MARK)}
    assert set(rows) == set(registered)
    sweep = rows["sla_sweep"]
    assert sweep.task == "kefu.sla.tasks.sla_sweep_task" and sweep.interval.every == 60 and sweep.enabled
    assert beat.sync_beat_schedule() == {"created": 0, "updated": 0, "disabled": 0}


def test_a_changed_interval_is_written_and_a_job_no_longer_registered_is_disabled(monkeypatch):
    beat.sync_beat_schedule()
    kept = {
        "sla_sweep": jobs.PeriodicJob("sla_sweep", "kefu.sla.tasks.sla_sweep_task", 30),
    }
    monkeypatch.setattr(jobs, "_jobs", kept)
    counts = beat.sync_beat_schedule()
    assert counts["updated"] == 1 and counts["disabled"] >= 1
    assert PeriodicTask.objects.get(name="sla_sweep").interval.every == 30
    assert set(PeriodicTask.objects.filter(enabled=True).values_list("name", flat=True)) == {"sla_sweep"}


# Out of the test's transaction: django-celery-beat calls close_old_connections(), which drops a
# connection left inside an atomic block (on PostgreSQL; SQLite's in-memory one is kept).
@pytest.mark.django_db(transaction=True)
def test_the_beat_scheduler_writes_the_schedule_when_it_starts():
    scheduler = beat.KefuScheduler(app=app)
    assert "sla_sweep" in scheduler.schedule
    assert PeriodicTask.objects.filter(name="import_cleanup", enabled=True).exists()


def test_a_second_beat_waits_while_the_first_holds_the_lease_and_takes_over_when_it_lapses():
    first, second = beat.KefuScheduler(app=app, lazy=True), beat.KefuScheduler(app=app, lazy=True)
    assert first.is_leader() and not second.is_leader()
    assert first.is_leader()  # renewed
    with mock.patch("django_celery_beat.schedulers.DatabaseScheduler.tick") as tick:
        assert second.tick() == beat.STANDBY_SLEEP
        tick.assert_not_called()  # the standby beat sends nothing
        tick.return_value = 1.0
        assert first.tick() == 1.0
        tick.assert_called_once()
    cache.delete(beat.LEADER_KEY)  # the first beat died: its lease runs out
    assert second.is_leader() and not first.is_leader()


def test_celery_beat_uses_this_scheduler():
    assert app.conf.beat_scheduler == "kefu.core.beat:KefuScheduler"
