"""The callback API: the desk, one callback with its script, claim, attempt, result, satisfaction, rules."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.callbacks.models import Callback, CallbackRule

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_desk_and_a_callback_with_its_script(complaint_at_callback, agent):
    task = Callback.objects.get(ticket=complaint_at_callback)
    listed = api(agent).get(reverse("api-callback-list"), {"show": "all"}).json()
    assert [row["id"] for row in listed["results"]] == [task.pk]
    detail = api(agent).get(reverse("api-callback-detail", args=[task.pk])).json()
    assert detail["request_number"] == complaint_at_callback.number
    assert detail["script"]["greeting"].startswith("您好，我是孙坐席")


def test_claim_attempt_and_result_through_the_api(complaint_at_callback, agent, second_agent):
    task = Callback.objects.get(ticket=complaint_at_callback)
    assert api(agent).post(reverse("api-callback-claim", args=[task.pk])).status_code == 200
    assert api(second_agent).post(reverse("api-callback-claim", args=[task.pk])).status_code == 409
    refused = api(agent).post(reverse("api-callback-attempt", args=[task.pk]), {"outcome": "hung_up"}, format="json")
    assert refused.status_code == 400 and "outcome" in refused.json()
    stale = api(agent).post(
        reverse("api-callback-result", args=[task.pk]), {"result": "satisfied", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    done = api(agent).post(
        reverse("api-callback-result", args=[task.pk]),
        {"result": "satisfied", "answers": {"question": "很满意"}, "version": task.version + 1},
        format="json",
    )
    assert done.status_code == 200 and done.json()["result"] == "satisfied"


def test_anonymous_without_capability_and_out_of_scope(complaint_at_callback, handler, other_manager):
    task = Callback.objects.get(ticket=complaint_at_callback)
    assert api().get(reverse("api-callback-list")).status_code == 401
    assert api(handler).get(reverse("api-callback-list")).status_code == 403
    assert api(other_manager).get(reverse("api-callback-detail", args=[task.pk])).status_code == 404
    assert api(other_manager).post(reverse("api-callback-claim", args=[task.pk])).status_code == 404
    assert api(other_manager).get(reverse("api-callback-satisfaction")).status_code == 403


def test_satisfaction_by_grouping_and_a_refused_grouping(supervisor):
    assert api(supervisor).get(reverse("api-callback-satisfaction"), {"by": "team"}).status_code == 200
    refused = api(supervisor).get(reverse("api-callback-satisfaction"), {"by": "weather"})
    assert refused.status_code == 400 and "by" in refused.json()


def test_only_admins_keep_the_rules_and_a_bad_rule_names_its_field(admin_user, supervisor):
    assert api(supervisor).get(reverse("api-callback-rule-list")).status_code == 403
    body = {"name": "节日回访", "event": "closed", "quiet_hours": [["22:00", "22:00"]]}
    refused = api(admin_user).post(reverse("api-callback-rule-list"), body, format="json")
    assert refused.status_code == 400 and "quiet_hours" in refused.json()
    body["quiet_hours"] = [["21:30", "08:30"]]
    assert api(admin_user).post(reverse("api-callback-rule-list"), body, format="json").status_code == 201
    assert CallbackRule.objects.get(name="节日回访").quiet_hours == [["21:30", "08:30"]]


def test_an_admin_reads_changes_and_switches_off_a_rule_through_the_api_audited(admin_user, agent):
    from kefu.audit.models import AuditEvent
    from kefu.customers.tests.factories import CustomerFactory
    from kefu.tickets.tests.factories import TicketFactory, step

    rule = CallbackRule.objects.get(name="服务回访")
    url = reverse("api-callback-rule-detail", args=[rule.pk])
    assert api(admin_user).get(url).json()["sample_percent"] == 30
    changed = api(admin_user).patch(url, {"sample_percent": 50, "expire_after_days": 10}, format="json")
    assert changed.status_code == 200 and changed.json()["expire_after_days"] == 10
    rule.refresh_from_db()
    assert (rule.sample_percent, rule.expire_after_days, rule.name) == (50, 10, "服务回访")
    entry = AuditEvent.objects.get(target_type="callbacks.callbackrule", target_id=rule.pk, action="updated")
    assert entry.actor == admin_user and entry.changes == {"sample_percent": [30, 50], "expire_after_days": [7, 10]}
    off = api(admin_user).post(reverse("api-callback-rule-deactivate", args=[rule.pk]))
    assert off.status_code == 200 and off.json()["is_active"] is False
    # Switched off, it plans nothing: a top-tier customer's closed repair gets no task.
    ticket = TicketFactory(owner=agent, customer=CustomerFactory(name="星级酒店", tier="三星"), ticket_type="repair")
    step(ticket, agent, "resolve_now", resolution="已修复")
    step(ticket, agent, "close")
    assert not Callback.objects.filter(ticket=ticket).exists()


def test_a_bad_rule_change_names_its_field_in_chinese_and_changes_nothing(admin_user):
    rule = CallbackRule.objects.get(name="服务回访")
    url = reverse("api-callback-rule-detail", args=[rule.pk])
    refused = api(admin_user).patch(url, {"quiet_hours": [["25:00", "08:00"]], "sample_percent": 50}, format="json")
    assert refused.status_code == 400
    assert "不是有效的时段" in refused.json()["quiet_hours"][0]
    too_many = api(admin_user).patch(url, {"sample_percent": 150}, format="json")
    assert too_many.status_code == 400 and "sample_percent" in too_many.json()
    not_lines = api(admin_user).patch(url, {"script": ["您好"]}, format="json")
    assert not_lines.status_code == 400 and "话术" in not_lines.json()["script"][0]
    rule.refresh_from_db()
    assert rule.sample_percent == 30 and rule.quiet_hours == [["12:00", "14:00"], ["21:00", "08:00"]]


def test_only_admins_change_or_switch_off_rules(supervisor):
    rule = CallbackRule.objects.get(name="服务回访")
    assert api(supervisor).get(reverse("api-callback-rule-detail", args=[rule.pk])).status_code == 403
    url = reverse("api-callback-rule-detail", args=[rule.pk])
    assert api(supervisor).patch(url, {"sample_percent": 50}, format="json").status_code == 403
    assert api(supervisor).post(reverse("api-callback-rule-deactivate", args=[rule.pk])).status_code == 403
    rule.refresh_from_db()
    assert rule.is_active and rule.sample_percent == 30
