"""The periodic jobs on callback tasks: stale tasks expire off the desk, overdue tasks are told
of once. Both idempotent (run twice, nothing more happens)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.callbacks import selectors
from kefu.callbacks.choices import CallbackStatus
from kefu.callbacks.models import Callback
from kefu.callbacks.services import callback_claim, callbacks_expire_stale, callbacks_notify_overdue
from kefu.inbox.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(complaint_at_callback):
    return Callback.objects.get(ticket=complaint_at_callback)


def _due(task, **ago) -> Callback:
    Callback.objects.filter(pk=task.pk).update(due_at=timezone.now() - timedelta(**ago))
    return Callback.objects.get(pk=task.pk)


def test_a_task_not_called_long_after_its_due_time_expires_with_its_reason_audited(task, agent):
    _due(task, days=8)  # the default rule: 7 days
    assert callbacks_expire_stale() == 1
    task.refresh_from_db()
    assert task.status == CallbackStatus.EXPIRED
    assert "7" in task.closed_reason
    audited = AuditEvent.objects.filter(target_type="callbacks.callback", target_id=task.pk)
    assert audited.filter(summary__contains=task.closed_reason).exists()
    assert task not in selectors.desk(agent, include_later=True)
    assert callbacks_expire_stale() == 0  # idempotent
    assert audited.filter(summary__contains=task.closed_reason).count() == 1


def test_expiry_follows_the_rules_days(task):
    _due(task, days=6)
    assert callbacks_expire_stale() == 0
    assert Callback.objects.get(pk=task.pk).status == CallbackStatus.PENDING
    task.rule.expire_after_days = 5
    task.rule.save()
    assert callbacks_expire_stale() == 1
    assert Callback.objects.get(pk=task.pk).status == CallbackStatus.EXPIRED


def test_a_task_an_agent_is_calling_does_not_expire_under_them(task, agent):
    callback_claim(actor=agent, callback=_due(task, days=30))
    assert callbacks_expire_stale() == 0
    assert Callback.objects.get(pk=task.pk).status == CallbackStatus.PENDING


def test_an_expired_task_cannot_be_recorded(task, agent):
    from kefu.core.errors import ConflictError

    callbacks_expire_stale(now=task.due_at + timedelta(days=8))
    with pytest.raises(ConflictError):
        callback_claim(actor=agent, callback=task)


def test_an_overdue_callback_tells_the_teams_supervisor_once(task, org, supervisor):
    Callback.objects.filter(pk=task.pk).update(team=org["east"])
    _due(task, hours=1)
    assert callbacks_notify_overdue() == 1
    assert callbacks_notify_overdue() == 0  # not every run
    notices = Notification.objects.filter(kind="callback_overdue")
    assert list(notices.values_list("recipient_id", flat=True)) == [supervisor.pk]
    assert task.ticket.number in notices.get().text


def test_an_overdue_callback_being_called_tells_the_agent_calling(task, agent, org, supervisor):
    Callback.objects.filter(pk=task.pk).update(team=org["east"])
    callback_claim(actor=agent, callback=_due(task, hours=1))
    assert callbacks_notify_overdue() == 1
    assert list(Notification.objects.filter(kind="callback_overdue").values_list("recipient_id", flat=True)) == [
        agent.pk
    ]


def test_a_callback_not_yet_due_or_done_tells_nobody(task, org, supervisor):
    Callback.objects.filter(pk=task.pk).update(team=org["east"])
    assert task.due_at > timezone.now()
    assert callbacks_notify_overdue() == 0
    _due(task, hours=1)
    Callback.objects.filter(pk=task.pk).update(status=CallbackStatus.DONE, result="satisfied")
    assert callbacks_notify_overdue() == 0
    assert not Notification.objects.filter(kind="callback_overdue").exists()
