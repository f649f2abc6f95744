"""A plan whose background job died (worker killed, task never queued) does not stay "being worked
out" forever: past the job lease the reaper fails it with a reason its creator can read."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.accountmanagers import services
from kefu.accountmanagers.choices import PlanStatus
from kefu.accountmanagers.models import AssignmentMove, AssignmentPlan
from kefu.audit.models import AuditEvent
from kefu.conftest import api


@pytest.fixture
def lost_jobs():
    """The queued job is lost: what a worker killed before it ran leaves behind."""
    with mock.patch.object(services, "run_after_commit", lambda task, **kwargs: None):
        yield


def test_a_plan_left_computing_past_the_lease_fails_with_a_reason_and_a_fresh_one_is_left_alone(
    lost_jobs, supervisor, book, settings, client_for
):
    lost = services.assignment_preview(actor=supervisor)
    fresh = services.assignment_preview(actor=supervisor)
    AssignmentPlan.objects.filter(pk=lost.pk).update(
        working_since=timezone.now() - timedelta(seconds=settings.KEFU_JOB_LEASE_SECONDS + 60)
    )
    assert services.plans_reap() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == PlanStatus.FAILED and "重新" in lost.failure
    assert fresh.status == PlanStatus.COMPUTING and not AssignmentMove.objects.exists()
    assert AuditEvent.objects.filter(target_id=lost.pk, changes__status=["computing", "failed"]).exists()
    # Its creator reads why, on the page and through the API.
    assert lost.failure in client_for(supervisor).get(reverse("accountmanagers:plan", args=[lost.pk])).content.decode()
    assert api(supervisor).get(reverse("api-assignment-plan-detail", args=[lost.pk])).json()["failure"] == lost.failure
    assert services.plans_reap() == 0  # idempotent


def test_a_plan_left_applying_past_the_lease_fails_and_no_customer_moved(supervisor, book, settings):
    plan = services.assignment_preview(actor=supervisor)  # worked out at once (sync)
    with mock.patch.object(services, "run_after_commit", lambda task, **kwargs: None):
        services.plan_apply(actor=supervisor, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLYING and plan.working_since is not None
    later = timezone.now() + timedelta(seconds=settings.KEFU_JOB_LEASE_SECONDS + 60)
    assert services.plans_reap(now=timezone.now()) == 0  # within the lease: the job may still run
    assert services.plans_reap(now=later) == 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FAILED and plan.applied_count == 0
    # The late job, should it run after all, finds the plan failed and moves nobody.
    services.plan_apply_run(plan_id=plan.pk, actor_id=supervisor.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FAILED and plan.applied_count == 0


def test_the_reaper_is_a_registered_periodic_job():
    from kefu.core.jobs import periodic_jobs

    assert "kefu.accountmanagers.plan_tasks.plans_reap_task" in {job.task for job in periodic_jobs()}
