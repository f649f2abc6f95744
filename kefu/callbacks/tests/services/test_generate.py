"""The set-based catch-up: every request closed on a day gets the task its rule gives, the same
as the lifecycle hook would, and running it twice (or beside the hook) adds nothing."""

from datetime import date

import pytest

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
