"""Plans are worked out and applied as background jobs: the request only records the plan and
returns; the job does the work once, and a failing job leaves the plan failed, saying why, with
nothing half-written."""

from unittest import mock

import pytest
from django.urls import reverse

from kefu.accountmanagers import services
from kefu.accountmanagers.choices import PlanStatus
from kefu.accountmanagers.models import AssignmentMove, AssignmentPlan, Handover
from kefu.audit.models import AuditEvent
from kefu.conftest import api
from kefu.customers.models import Customer
from kefu.inbox.models import Notification


def _managers():
    return dict(Customer.objects.values_list("pk", "account_manager_id"))


@pytest.fixture
def queued():
    """run_after_commit records the jobs instead of running them: what a request does before any worker."""
    jobs = []
    with mock.patch.object(services, "run_after_commit", lambda task, **kwargs: jobs.append((task, kwargs))):
        yield jobs


def _run(jobs):
    for task, kwargs in jobs:
        task.run(**kwargs)


@pytest.mark.parametrize("via", ["page", "api"])
def test_the_preview_request_returns_before_the_plan_is_worked_out(via, queued, client_for, supervisor, book):
    if via == "page":
        response = client_for(supervisor).post(reverse("accountmanagers:assignment_run"))
        plan = AssignmentPlan.objects.get()
        assert response.status_code == 302 and response.url == reverse("accountmanagers:plan", args=[plan.pk])
        page = client_for(supervisor).get(response.url).content.decode()
        assert reverse("accountmanagers:plan_progress", args=[plan.pk]) in page and 'id="plan-apply"' not in page
    else:
        response = api(supervisor).post(reverse("api-assignment-plan-list"))
        assert response.status_code == 202 and response.json()["status"] == PlanStatus.COMPUTING
        plan = AssignmentPlan.objects.get(pk=response.json()["id"])
    assert plan.status == PlanStatus.COMPUTING and not AssignmentMove.objects.exists()
    progress = client_for(supervisor).get(reverse("accountmanagers:plan_progress", args=[plan.pk]))
    assert progress.status_code == 200 and "HX-Refresh" not in progress
    _run(queued)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.moves_count == AssignmentMove.objects.count() > 0
    assert client_for(supervisor).get(reverse("accountmanagers:plan_progress", args=[plan.pk]))["HX-Refresh"] == "true"
    if via == "api":
        assert api(supervisor).get(reverse("api-assignment-plan-detail", args=[plan.pk])).json()["status"] == "draft"


def test_a_plan_being_worked_out_cannot_be_applied(queued, supervisor, book):
    from django.core.exceptions import ValidationError

    plan = services.assignment_preview(actor=supervisor)
    with pytest.raises(ValidationError):
        services.plan_apply(actor=supervisor, plan=plan)
    assert AssignmentPlan.objects.get(pk=plan.pk).status == PlanStatus.COMPUTING


def test_the_preview_job_run_twice_writes_the_moves_once(queued, supervisor, book):
    plan = services.assignment_preview(actor=supervisor)
    _run(queued)
    _run(queued)
    plan.refresh_from_db()
    assert plan.moves_count == AssignmentMove.objects.filter(plan=plan).count() > 0


@pytest.mark.parametrize("via", ["page", "api"])
def test_the_apply_request_returns_before_the_customers_move_and_the_job_applies_once(
    via, client_for, supervisor, book, team
):
    plan = services.assignment_preview(actor=supervisor)  # sync: worked out at once
    before = _managers()
    jobs = []
    with mock.patch.object(services, "run_after_commit", lambda task, **kwargs: jobs.append((task, kwargs))):
        if via == "page":
            response = client_for(supervisor).post(reverse("accountmanagers:plan_apply", args=[plan.pk]))
            assert response.status_code == 302
        else:
            response = api(supervisor).post(reverse("api-assignment-plan-apply", args=[plan.pk]))
            assert response.status_code == 202 and response.json()["status"] == PlanStatus.APPLYING
        assert AssignmentPlan.objects.get(pk=plan.pk).status == PlanStatus.APPLYING and _managers() == before
        _run(jobs)  # a second worker, or a retried job, runs the same job again
        _run(jobs)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPLIED and plan.applied_count == plan.moves_count > 0
    moved = Customer.objects.get(pk=book["top"].pk)
    assert moved.account_manager == team["chief"] and moved.version == 2
    assert AuditEvent.objects.filter(target_type="customers.customer", target_id=moved.pk).count() == 1
    assert Notification.objects.filter(recipient=team["chief"], kind="customers_assigned").count() == 1


def test_a_failing_apply_leaves_the_plan_failed_with_its_reason_and_no_customer_moved(client_for, supervisor, book):
    plan = services.assignment_preview(actor=supervisor)
    before = _managers()
    with mock.patch.object(services, "notify_each", side_effect=RuntimeError("mail server down")):
        services.plan_apply(actor=supervisor, plan=plan)  # the customers are updated before the notices fail
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FAILED and "RuntimeError" in plan.failure and "未做任何更改" in plan.failure
    assert _managers() == before and plan.applied_count == 0
    assert not AuditEvent.objects.filter(target_type="customers.customer").exists()
    page = client_for(supervisor).get(reverse("accountmanagers:plan", args=[plan.pk])).content.decode()
    assert plan.failure in page and 'id="plan-apply"' not in page
    assert api(supervisor).get(reverse("api-assignment-plan-detail", args=[plan.pk])).json()["failure"] == plan.failure


def test_a_failing_preview_leaves_the_plan_failed_with_its_reason(supervisor, book):
    with mock.patch.object(services, "plan_assignment", side_effect=MemoryError()):
        plan = services.assignment_preview(actor=supervisor)
    assert plan.status == PlanStatus.FAILED and "MemoryError" in plan.failure and "未做任何更改" in plan.failure
    assert not AssignmentMove.objects.exists()


def test_a_successor_gone_before_the_departure_is_worked_out_fails_the_plan(queued, supervisor, team, book):
    before = _managers()
    plan = services.departure_preview(actor=supervisor, leaving=team["a"], successors=[team["b"]])
    team["b"].is_active = False
    team["b"].save()
    _run(queued)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FAILED and "接任者" in plan.failure
    assert _managers() == before and not Handover.objects.exists() and not AssignmentMove.objects.exists()
