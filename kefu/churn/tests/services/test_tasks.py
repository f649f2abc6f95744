"""Retention tasks: made for customers over the threshold, one open task per customer, closed
with an outcome by whoever may work the customer (page and API agree)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.churn.choices import TaskStatus
from kefu.churn.models import ChurnRun, ChurnSettings, RetentionTask
from kefu.churn.selectors import current_settings
from kefu.churn.services import churn_run, churn_scheduled_run, scores_prune
from kefu.conftest import api, login
from kefu.customers.tests.factories import CustomerFactory
from kefu.inbox.models import Notification

from ..conftest import AS_OF, complaint, volumes

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_risk(own_customer, agent):
    """The manager's customer: business stopped (30) and three complaints (25): 55 ≥ 50."""
    volumes(own_customer, earlier=1000, recent=0)
    for _ in range(3):
        complaint(own_customer, agent)
    return own_customer


def test_a_customer_over_the_threshold_gets_a_task_for_its_manager_due_in_the_settings_days(
    admin_user, manager, at_risk
):
    run = churn_run(actor=admin_user, as_of=AS_OF)
    task = RetentionTask.objects.get(customer=at_risk)
    assert (task.manager, task.status, task.risk_score) == (manager, TaskStatus.OPEN, Decimal("55"))
    assert task.due_date == AS_OF + timedelta(days=7)
    assert (run.at_risk, run.tasks) == (1, 1)
    assert AuditEvent.objects.filter(target_type="churn.retentiontask", target_id=task.pk, action="created").exists()
    assert Notification.objects.filter(recipient=manager, dedupe_key=f"churn-run-{run.pk}:{manager.pk}").exists()


def test_a_customer_under_the_threshold_gets_no_task(admin_user, own_customer):
    volumes(own_customer, earlier=1000, recent=0)  # 30 < 50
    assert churn_run(actor=admin_user, as_of=AS_OF).tasks == 0
    assert not RetentionTask.objects.exists()


def test_a_lower_threshold_makes_the_task(admin_user, own_customer):
    volumes(own_customer, earlier=1000, recent=0)
    ChurnSettings.objects.filter(pk=current_settings().pk).update(threshold=30)
    assert churn_run(actor=admin_user, as_of=AS_OF).tasks == 1


def test_a_customer_without_a_manager_is_listed_but_gets_no_task(admin_user, agent):
    orphan = CustomerFactory()
    volumes(orphan, earlier=1000, recent=0)
    for _ in range(3):
        complaint(orphan, agent)
    run = churn_run(actor=admin_user, as_of=AS_OF)
    assert (run.at_risk, run.tasks) == (1, 0)


def test_customers_at_risk_without_an_active_manager_are_told_to_the_nearest_supervisors(
    admin_user, agent, supervisor, manager, other_manager, org
):
    """No task can be made for them: the supervisors who can give them a manager hear how many
    (the east team's supervisor sits in the east branch); the admins hear of a unit without one."""
    other_manager.is_active = False
    other_manager.save()
    customers = [
        CustomerFactory(org_unit=org["east_team"]),
        CustomerFactory(org_unit=org["east_team"], account_manager=other_manager),  # manager gone
        CustomerFactory(org_unit=org["west_team"]),  # no supervisor above the west team
        CustomerFactory(org_unit=org["east_team"], account_manager=manager),  # gets a task instead
    ]
    for customer in customers:
        volumes(customer, earlier=1000, recent=0)
        for _ in range(3):
            complaint(customer, agent)
    run = churn_run(actor=admin_user, as_of=AS_OF)
    assert (run.at_risk, run.tasks) == (4, 1)
    told = {n.recipient_id: n.text for n in Notification.objects.filter(kind="churn_no_manager")}
    assert set(told) == {supervisor.pk, admin_user.pk}
    assert told[supervisor.pk].startswith("2") and told[admin_user.pk].startswith("1")
    churn_run(actor=admin_user, as_of=AS_OF)  # the next run tells them again, once
    assert Notification.objects.filter(kind="churn_no_manager").count() == 4


def test_running_again_leaves_one_open_task_per_customer(admin_user, at_risk):
    churn_run(actor=admin_user, as_of=AS_OF)
    second = churn_run(actor=admin_user, as_of=AS_OF)
    assert second.tasks == 0
    assert RetentionTask.objects.filter(customer=at_risk).count() == 1


def test_after_the_outcome_a_customer_still_at_risk_gets_a_new_task(admin_user, manager, at_risk):
    churn_run(actor=admin_user, as_of=AS_OF)
    task = RetentionTask.objects.get()
    from kefu.churn.services import retention_task_close

    retention_task_close(actor=manager, task=task, outcome=TaskStatus.RETAINED, reason="续签一年")
    assert churn_run(actor=admin_user, as_of=AS_OF).tasks == 1
    assert RetentionTask.objects.filter(customer=at_risk, status=TaskStatus.OPEN).count() == 1


def test_the_nightly_job_scores_once_a_day(at_risk, monkeypatch):
    today = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today(*args, **kwargs) if args else AS_OF)
    first = churn_scheduled_run()
    assert first["ran"] and first["tasks"] == 1
    assert churn_scheduled_run() == {"ran": False, "reason": "already ran today"}
    assert ChurnRun.objects.count() == 1


def test_pruning_keeps_the_scores_a_task_points_at(admin_user, at_risk):
    other = CustomerFactory()
    first = churn_run(actor=admin_user, as_of=AS_OF)
    for _ in range(2):
        churn_run(actor=admin_user, as_of=AS_OF)
    assert scores_prune() == 1  # the first run's score of `other`
    task = RetentionTask.objects.get()
    assert task.score.run_id == first.pk
    assert not first.scores.filter(customer=other).exists()


# Closing a task: the same rule through the service, the page and the API.


def _close_page(user, task, **data):
    payload = {"version": task.version, "outcome": "", "reason": "", **data}
    return login(user).post(f"/churn/tasks/{task.pk}/", payload)


def _close_api(user, task, **data):
    return api(user).post(f"/api/v1/churn/tasks/{task.pk}/outcome/", {"version": task.version, **data}, format="json")


@pytest.fixture
def task(admin_user, at_risk):
    churn_run(actor=admin_user, as_of=AS_OF)
    return RetentionTask.objects.get()


@pytest.mark.parametrize("close", [_close_page, _close_api])
def test_the_manager_records_the_customer_retained(close, manager, task):
    response = close(manager, task, outcome="retained", reason="降价5%后续签")
    assert response.status_code in (200, 302)
    task.refresh_from_db()
    assert (task.status, task.reason, task.closed_by) == (TaskStatus.RETAINED, "降价5%后续签", manager)
    event = AuditEvent.objects.get(target_type="churn.retentiontask", target_id=task.pk, action="updated")
    assert event.changes["status"] == ["open", "retained"]


@pytest.mark.parametrize("close", [_close_page, _close_api])
def test_a_lost_customer_needs_a_reason(close, manager, task):
    response = close(manager, task, outcome="lost", reason="")
    assert response.status_code == 400
    assert "reason" in (response.json() if close is _close_api else response.context["form"].errors)
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


@pytest.mark.parametrize("close", [_close_page, _close_api])
def test_an_unknown_outcome_is_refused_on_outcome(close, manager, task):
    response = close(manager, task, outcome="forgotten", reason="x")
    assert response.status_code == 400
    assert "outcome" in (response.json() if close is _close_api else response.context["form"].errors)


@pytest.mark.parametrize("close", [_close_page, _close_api])
def test_another_branchs_manager_cannot_reach_the_task(close, other_manager, task):
    assert close(other_manager, task, outcome="retained").status_code == 404


@pytest.mark.parametrize("close", [_close_page, _close_api])
def test_the_supervisor_of_the_unit_may_close_it(close, supervisor, task):
    assert close(supervisor, task, outcome="lost", reason="客户迁址外省").status_code in (200, 302)
    task.refresh_from_db()
    assert task.status == TaskStatus.LOST


@pytest.mark.parametrize("close", [_close_page, _close_api])
def test_an_auditor_reads_but_cannot_close(close, auditor, task):
    assert close(auditor, task, outcome="retained").status_code == 403


def test_closing_twice_is_a_conflict(manager, task):
    assert _close_api(manager, task, outcome="retained").status_code == 200
    task.refresh_from_db()
    response = _close_api(manager, task, outcome="lost", reason="x")
    assert response.status_code == 409


def test_a_stale_version_is_a_conflict(manager, task):
    RetentionTask.objects.filter(pk=task.pk).update(version=5)
    assert _close_api(manager, task, outcome="retained").status_code == 409


def test_a_leaving_managers_open_task_goes_to_the_customers_new_manager(supervisor, manager, other_manager, task):
    from kefu.accountmanagers.handover import _providers
    from kefu.churn.services import hand_over_retention_tasks

    assert _providers["retention_tasks"] is hand_over_retention_tasks
    items = hand_over_retention_tasks(actor=supervisor, leaving=manager, receiver_for=lambda customer_id: other_manager)
    task.refresh_from_db()
    assert (task.manager, task.version) == (other_manager, 2)
    assert [(item.kind, item.ref_id, item.receiver_id) for item in items] == [
        ("retention_tasks", task.pk, other_manager.pk)
    ]
    event = AuditEvent.objects.get(target_type="churn.retentiontask", target_id=task.pk, action="updated")
    assert event.changes == {"manager": [manager.pk, other_manager.pk]}
