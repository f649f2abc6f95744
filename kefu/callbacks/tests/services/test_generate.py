"""The set-based catch-up: every request closed on a day gets the task its rule gives, the same
as the lifecycle hook would, and running it twice (or beside the hook) adds nothing."""

from datetime import date

import pytest
from django.utils import timezone

from kefu.callbacks import schedule
from kefu.callbacks.choices import CallbackStatus
from kefu.callbacks.generate import callbacks_generate_closed
from kefu.callbacks.models import Callback, CallbackRule
from kefu.callbacks.tests.conftest import moment
from kefu.customers.tests.factories import CustomerFactory
from kefu.sla.services import default_calendar
from kefu.tickets.models import Ticket, WorkflowState
from kefu.tickets.tests.factories import TicketFactory, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_in_bulk(agent):
    """Twenty repairs of a top-tier customer and twenty of an ordinary one, closed on Friday
    6 March 2026 by a bulk load (no lifecycle hook ran), at times across the day."""
    closed = WorkflowState.objects.get(workflow__ticket_type="repair", code="closed")
    vip = CustomerFactory(name="星级酒店", tier="三星")
    plain = CustomerFactory(name="普通用户", tier="一星")
    tickets = []
    for i in range(40):
        ticket = TicketFactory(owner=agent, customer=vip if i < 20 else plain, ticket_type="repair", state=closed)
        tickets.append(ticket)
        Ticket.objects.filter(pk=ticket.pk).update(closed_at=moment("2026-03-06", i % 24, (7 * i) % 60))
    return {"vip": vip, "plain": plain, "tickets": tickets}


def test_every_request_of_a_top_tier_customer_gets_its_task_once(closed_in_bulk):
    added = callbacks_generate_closed(day=date(2026, 3, 6))
    vip_tasks = Callback.objects.filter(customer=closed_in_bulk["vip"])
    assert vip_tasks.count() == 20
    assert 0 < Callback.objects.filter(customer=closed_in_bulk["plain"]).count() < 20
    assert added == Callback.objects.count()
    assert callbacks_generate_closed(day=date(2026, 3, 6)) == 0


def test_set_based_tasks_are_due_as_the_hook_plans_them(closed_in_bulk):
    callbacks_generate_closed(day=date(2026, 3, 6))
    rule = CallbackRule.objects.get(name="服务回访")
    calendar = default_calendar()
    for task in Callback.objects.select_related("ticket"):
        closed_at = task.ticket.closed_at
        assert task.due_at == schedule.due_time(calendar, closed_at, 3, "days", rule.quiet_hours)
        assert task.next_try_at == schedule.next_callable(calendar, closed_at, rule.quiet_hours)
        assert schedule.is_callable(calendar, task.due_at, rule.quiet_hours)
        assert task.status == CallbackStatus.PENDING and task.tier_rank in (1, 3)


def test_requests_the_hook_already_planned_are_left_alone(agent):
    vip = CustomerFactory(name="星级酒店", tier="三星")
    ticket = TicketFactory(owner=agent, customer=vip, ticket_type="repair")
    step(ticket, agent, "resolve_now", resolution="已修复")
    step(ticket, agent, "close")
    ticket.refresh_from_db()
    assert callbacks_generate_closed(day=ticket.closed_at.astimezone(moment("2026-01-01", 0).tzinfo).date()) == 0
    assert Callback.objects.filter(ticket=ticket).count() == 1


def _forget(tasks) -> list[tuple]:
    """What the hook planned, then the tasks removed: as if the moment passed while no worker ran."""
    planned = sorted(tasks.values_list("rule_id", "sequence", "due_at", "next_try_at", "tier_rank", "staff_id"))
    tasks.delete()
    return planned


def test_catch_up_plans_the_complaint_callback_state_as_the_hook_would(at, complaint_at_callback):
    from kefu.callbacks.generate import callbacks_generate

    planned = _forget(Callback.objects.filter(ticket=complaint_at_callback))
    assert planned
    day = timezone.localdate(timezone.now())
    assert callbacks_generate(day=day) == len(planned)
    again = Callback.objects.filter(ticket=complaint_at_callback)
    assert sorted(again.values_list("rule_id", "sequence", "due_at", "next_try_at", "tier_rank", "staff_id")) == planned
    assert callbacks_generate(day=day) == 0


def test_catch_up_plans_an_installation_handover_and_its_repeats_once(at, agent, own_customer):
    from kefu.callbacks.generate import callbacks_generate
    from kefu.callbacks.presets import installation_rule

    handed_over = WorkflowState.objects.get(workflow__ticket_type="service", code="resolved")
    rule = installation_rule(handed_over)
    ticket = TicketFactory(owner=agent, customer=own_customer, ticket_type="service")
    at("2026-03-03", 10, 0)
    step(ticket, agent, "resolve_now", resolution="设备已交底")
    planned = _forget(Callback.objects.filter(ticket=ticket, rule=rule))
    assert [row[1] for row in planned] == [1, 2, 3, 4]  # 3 hours after handover, then every 3 months, 3 times
    assert callbacks_generate(day=date(2026, 3, 3)) == 4
    again = Callback.objects.filter(ticket=ticket, rule=rule)
    assert sorted(again.values_list("rule_id", "sequence", "due_at", "next_try_at", "tier_rank", "staff_id")) == planned
    assert callbacks_generate(day=date(2026, 3, 3)) == 0


def test_catch_up_does_not_repeat_a_task_already_called_since_the_moment(at, agent, own_customer):
    """A repeat the customer was already called for is not planned again: only the missing numbers."""
    from kefu.callbacks.generate import callbacks_generate
    from kefu.callbacks.presets import installation_rule

    handed_over = WorkflowState.objects.get(workflow__ticket_type="service", code="resolved")
    rule = installation_rule(handed_over)
    ticket = TicketFactory(owner=agent, customer=own_customer, ticket_type="service")
    at("2026-03-03", 10, 0)
    step(ticket, agent, "resolve_now", resolution="设备已交底")
    tasks = Callback.objects.filter(ticket=ticket, rule=rule)
    tasks.filter(sequence=1).update(status=CallbackStatus.DONE, result="satisfied")
    tasks.filter(sequence=3).delete()
    assert callbacks_generate(day=date(2026, 3, 3)) == 1
    assert sorted(tasks.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    assert tasks.filter(sequence=1).count() == 1


def test_catch_up_of_a_closed_rule_leaves_state_rules_to_their_own_moments(at, complaint_at_callback):
    """callbacks_generate_closed (the benchmark's) plans only closings."""
    planned = _forget(Callback.objects.filter(ticket=complaint_at_callback))
    assert planned
    assert callbacks_generate_closed(day=timezone.localdate(timezone.now())) == 0
