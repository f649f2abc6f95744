"""What the callbacks and visits add to other pages: the customer 360 timeline, the workbench
card, the admin's rule screen."""

import pytest
from django.urls import reverse

from kefu.callbacks import services
from kefu.callbacks.models import Callback

pytestmark = pytest.mark.django_db


def test_a_callback_result_is_on_the_customers_timeline(complaint_at_callback, agent, client_for):
    task = Callback.objects.get(ticket=complaint_at_callback)
    services.callback_claim(actor=agent, callback=task)
    services.callback_record(actor=agent, callback=task, result="unsatisfied", comment="赔偿没有落实")
    page = client_for(agent).get(reverse("customers:detail", args=[task.customer_id])).content.decode()
    assert "回访：不满意" in page and "赔偿没有落实" in page


def test_the_workbench_counts_the_callbacks_due_today(at, agent, supervisor, own_customer, client_for):
    from kefu.tickets.tests.factories import TicketFactory, walk_to_callback

    at("2026-03-03", 10, 0)
    walk_to_callback(TicketFactory(owner=agent, customer=own_customer), agent, supervisor)
    at("2026-03-06", 9, 0)  # due today at 10:00
    page = client_for(agent).get(reverse("workbench")).content.decode()
    assert "今日应回访" in page


def test_the_admin_edits_callback_rules(admin_user, client_for):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    page = client_for(admin_user).get(reverse("admin:callbacks_callbackrule_add"))
    assert page.status_code == 200 and "免打扰时段" in page.content.decode()


def _rule_form(rule, **changes) -> dict:
    import json

    data = {
        "name": rule.name,
        "is_active": "on" if rule.is_active else "",
        "event": rule.event,
        "state": rule.state_id or "",
        "ticket_types": json.dumps(rule.ticket_types),
        "due_amount": rule.due_amount,
        "due_unit": rule.due_unit,
        "repeat_every_months": rule.repeat_every_months,
        "repeat_times": rule.repeat_times,
        "full_coverage_rank": rule.full_coverage_rank,
        "sample_percent": rule.sample_percent,
        "quiet_hours": json.dumps(rule.quiet_hours),
        "calendar": rule.calendar_id or "",
        "max_attempts": rule.max_attempts,
        "retry_after_minutes": rule.retry_after_minutes,
        "expire_after_days": rule.expire_after_days,
        "on_unsatisfied": rule.on_unsatisfied,
        "script": json.dumps(rule.script),
    }
    return {**data, **changes}


@pytest.fixture
def rule_admin(admin_user, client_for):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    return client_for(admin_user)


def test_a_rule_changed_in_the_admin_is_audited_with_what_changed(rule_admin, admin_user):
    from kefu.audit.models import AuditEvent
    from kefu.callbacks.models import CallbackRule

    rule = CallbackRule.objects.get(name="服务回访")
    url = reverse("admin:callbacks_callbackrule_change", args=[rule.pk])
    assert rule_admin.post(url, _rule_form(rule, sample_percent=50)).status_code == 302
    rule.refresh_from_db()
    assert rule.sample_percent == 50
    entry = AuditEvent.objects.get(target_type="callbacks.callbackrule", target_id=rule.pk)
    assert entry.actor == admin_user and entry.changes == {"sample_percent": [30, 50]}


def test_a_bad_quiet_period_in_the_admin_names_the_field_in_chinese_and_changes_nothing(rule_admin):
    from kefu.callbacks.models import CallbackRule

    rule = CallbackRule.objects.get(name="服务回访")
    url = reverse("admin:callbacks_callbackrule_change", args=[rule.pk])
    page = rule_admin.post(url, _rule_form(rule, sample_percent=50, quiet_hours='[["25:00", "08:00"]]'))
    assert page.status_code == 200 and "不是有效的时段" in page.content.decode()
    rule.refresh_from_db()
    assert rule.sample_percent == 30


def test_rules_switched_off_in_the_admin_go_through_the_service_audited(rule_admin, admin_user):
    from kefu.audit.models import AuditEvent
    from kefu.callbacks.models import CallbackRule

    rule = CallbackRule.objects.get(name="服务回访")
    data = {"action": "deactivate", "_selected_action": [rule.pk]}
    assert rule_admin.post(reverse("admin:callbacks_callbackrule_changelist"), data).status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active
    entry = AuditEvent.objects.get(target_type="callbacks.callbackrule", target_id=rule.pk)
    assert entry.changes == {"is_active": [True, False]}
