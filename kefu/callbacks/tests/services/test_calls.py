"""Calling: claims, attempts, results, and what a result does to the request. Each rule through
the service, the page and the API, so they can never disagree."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.audit.models import AuditEvent
from kefu.callbacks import services
from kefu.callbacks.choices import CallbackStatus
from kefu.callbacks.models import Callback, CallbackRule
from kefu.core.errors import ConflictError
from kefu.customers.tests.factories import CustomerFactory
from kefu.inbox.models import Notification
from kefu.tickets.models import Ticket
from kefu.tickets.tests.factories import TicketFactory, step

pytestmark = pytest.mark.django_db

WAYS = ["service", "page", "api"]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def claim(way, user, task, client_for):
    if way == "service":
        try:
            services.callback_claim(actor=user, callback=task)
        except ConflictError:
            return False
        return True
    if way == "page":
        response = client_for(user).post(reverse("callbacks:claim", args=[task.pk]))
        return response.url == reverse("callbacks:call", args=[task.pk])
    return api(user).post(reverse("api-callback-claim", args=[task.pk])).status_code == 200


def record(way, user, task, client_for, *, result, comment="", question="满意"):
    if way == "service":
        services.callback_record(
            actor=user, callback=task, result=result, comment=comment, answers={"question": question}
        )
        return 200
    if way == "page":
        data = {"version": Callback.objects.get(pk=task.pk).version, "result": result, "comment": comment}
        data["question"] = question
        response = client_for(user).post(reverse("callbacks:result", args=[task.pk]), data)
        return 200 if response.status_code == 302 else response.status_code
    body = {"result": result, "comment": comment, "answers": {"question": question}}
    return api(user).post(reverse("api-callback-result", args=[task.pk]), body, format="json").status_code


@pytest.mark.parametrize("way", WAYS)
def test_two_agents_cannot_claim_one_callback(way, complaint_at_callback, agent, second_agent, client_for):
    task = Callback.objects.get(ticket=complaint_at_callback)
    assert claim(way, agent, task, client_for)
    assert not claim(way, second_agent, task, client_for)
    assert Callback.objects.get(pk=task.pk).claimed_by == agent


@pytest.mark.parametrize("way", WAYS)
def test_recording_needs_the_claim(way, complaint_at_callback, agent, client_for):
    task = Callback.objects.get(ticket=complaint_at_callback)
    if way == "service":
        with pytest.raises(ConflictError):
            record(way, agent, task, client_for, result="satisfied")
    else:
        assert record(way, agent, task, client_for, result="satisfied") in (400, 409)
    assert Callback.objects.get(pk=task.pk).status == CallbackStatus.PENDING


@pytest.mark.parametrize("way", WAYS)
def test_a_satisfied_result_completes_the_complaints_callback_step(way, complaint_at_callback, agent, client_for):
    task = Callback.objects.get(ticket=complaint_at_callback)
    services.callback_claim(actor=agent, callback=task)
    assert record(way, agent, task, client_for, result="basically", question="还行，基本满意") == 200
    task.refresh_from_db()
    assert (task.status, task.result, task.answers["question"]) == ("done", "basically", "还行，基本满意")
    ticket = Ticket.objects.get(pk=complaint_at_callback.pk)
    assert ticket.state.code == "summary"  # 待总结归档: archiving with the root cause comes next
    entries = AuditEvent.objects.filter(target_type="callbacks.callback", target_id=task.pk)
    assert ["", "basically"] in [entry.changes.get("result") for entry in entries]


@pytest.mark.parametrize("way", WAYS)
def test_unsatisfied_sends_the_complaint_back_to_investigation(
    way, complaint_at_callback, agent, supervisor, client_for
):
    # The complaint waits in 待回访, so 不满意 takes its step back to 调查中; no second complaint.
    task = Callback.objects.get(ticket=complaint_at_callback)
    services.callback_claim(actor=agent, callback=task)
    assert record(way, agent, task, client_for, result="unsatisfied", comment="赔偿没有落实") == 200
    ticket = Ticket.objects.get(pk=complaint_at_callback.pk)
    assert ticket.state.code == "investigating"
    assert not Ticket.objects.filter(ticket_type="complaint").exclude(pk=ticket.pk).exists()


@pytest.mark.parametrize("way", WAYS)
def test_unsatisfied_after_closing_reopens_the_request_and_notifies_the_supervisor(
    way, agent, manager, supervisor, client_for
):
    vip = CustomerFactory(name="星级酒店", tier="三星", account_manager=manager)
    ticket = TicketFactory(owner=manager, customer=vip, ticket_type="repair")
    step(ticket, manager, "resolve_now", resolution="已修复")
    step(ticket, manager, "close")
    task = Callback.objects.get(ticket=ticket)
    services.callback_claim(actor=agent, callback=task)
    assert record(way, agent, task, client_for, result="unsatisfied", comment="又坏了") == 200
    ticket.refresh_from_db()
    assert ticket.closed_at is None and ticket.reopen_count == 1
    # The manager's supervisor (east branch) is told, once.
    notice = Notification.objects.get(recipient=supervisor, kind="callback_unsatisfied")
    assert "又坏了" in notice.text


def test_unsatisfied_opens_a_new_linked_complaint_when_the_rule_says_so(agent, manager, supervisor):
    CallbackRule.objects.filter(name="服务回访").update(on_unsatisfied="new_complaint")
    vip = CustomerFactory(name="星级酒店", tier="三星", account_manager=manager)
    ticket = TicketFactory(owner=manager, customer=vip, ticket_type="repair")
    step(ticket, manager, "resolve_now", resolution="已修复")
    step(ticket, manager, "close")
    task = Callback.objects.get(ticket=ticket)
    services.callback_claim(actor=agent, callback=task)
    services.callback_record(actor=agent, callback=task, result="unsatisfied", comment="态度差")
    task.refresh_from_db()
    assert task.follow_up.ticket_type == "complaint" and task.follow_up.customer == vip
    ticket.refresh_from_db()
    assert ticket.closed_at is not None  # the request itself stays closed
    assert Notification.objects.filter(recipient=supervisor, kind="callback_unsatisfied").count() == 1


@pytest.mark.parametrize("way", ["service", "api"])
def test_unsatisfied_without_what_the_customer_said_is_refused(way, complaint_at_callback, agent, client_for):
    task = Callback.objects.get(ticket=complaint_at_callback)
    services.callback_claim(actor=agent, callback=task)
    if way == "service":
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as refused:
            services.callback_record(actor=agent, callback=task, result="unsatisfied")
        assert "comment" in refused.value.message_dict
    else:
        response = api(agent).post(
            reverse("api-callback-result", args=[task.pk]), {"result": "unsatisfied"}, format="json"
        )
        assert response.status_code == 400 and "comment" in response.json()
    assert Callback.objects.get(pk=task.pk).status == CallbackStatus.PENDING


def test_the_callback_step_is_not_offered_or_taken_by_hand(complaint_at_callback, agent, client_for):
    from kefu.tickets.selectors import available_transitions
    from kefu.tickets.services import IllegalTransitionError

    assert "callback_done" not in {move.code for move in available_transitions(agent, complaint_at_callback)}
    with pytest.raises(IllegalTransitionError):
        step(complaint_at_callback, agent, "callback_done")


def test_no_answer_retries_later_and_after_the_last_attempt_the_customer_is_unreachable(
    at, complaint_at_callback, agent
):
    task = Callback.objects.get(ticket=complaint_at_callback)
    at("2026-03-03", 20, 30)
    services.callback_claim(actor=agent, callback=task)
    task = services.callback_attempt_failed(actor=agent, callback=task, outcome="no_answer")
    # 2 hours later is 22:30, in the night's quiet hours: the next try is 08:00 the next working day.
    assert task.next_try_at.isoformat() == "2026-03-04T08:00:00+08:00"
    assert task.status == CallbackStatus.PENDING and task.claimed_by is None
    for _ in range(2):
        services.callback_claim(actor=agent, callback=task)
        task = services.callback_attempt_failed(actor=agent, callback=task, outcome="busy")
    assert task.status == CallbackStatus.UNREACHABLE and task.attempts == 3


def test_a_call_later_time_in_quiet_hours_is_refused(at, complaint_at_callback, agent):
    from django.core.exceptions import ValidationError

    from kefu.callbacks.tests.conftest import moment

    task = Callback.objects.get(ticket=complaint_at_callback)
    at("2026-03-03", 10, 0)
    services.callback_claim(actor=agent, callback=task)
    with pytest.raises(ValidationError) as refused:
        services.callback_attempt_failed(
            actor=agent, callback=task, outcome="call_later", call_at=moment("2026-03-03", 12, 30)
        )
    assert "call_at" in refused.value.message_dict
    task = services.callback_attempt_failed(
        actor=agent, callback=task, outcome="call_later", call_at=moment("2026-03-03", 15, 0)
    )
    assert task.next_try_at == moment("2026-03-03", 15, 0) and task.status == CallbackStatus.PENDING


def release(way, user, task, client_for) -> bool:
    if way == "service":
        try:
            services.callback_release(actor=user, callback=task)
        except ConflictError:
            return False
        return True
    if way == "page":
        client_for(user).post(reverse("callbacks:release", args=[task.pk]))
        return Callback.objects.get(pk=task.pk).claimed_by_id is None
    return api(user).post(reverse("api-callback-release", args=[task.pk])).status_code == 200


@pytest.mark.parametrize("way", WAYS)
def test_only_the_agent_calling_can_give_a_callback_back_and_then_anyone_may_claim_it(
    way, complaint_at_callback, agent, second_agent, client_for
):
    task = Callback.objects.get(ticket=complaint_at_callback)
    services.callback_claim(actor=agent, callback=task)
    assert not release(way, second_agent, task, client_for)
    assert Callback.objects.get(pk=task.pk).claimed_by == agent
    assert release(way, agent, task, client_for)
    changes = AuditEvent.objects.filter(target_type="callbacks.callback", target_id=task.pk).values_list(
        "changes", flat=True
    )
    assert {"claimed_by": [agent.pk, None]} in list(changes)  # the release is audited, once
    assert list(changes).count({"claimed_by": [agent.pk, None]}) == 1
    assert claim(way, second_agent, task, client_for)
