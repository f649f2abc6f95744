"""Callback tasks are planned by rules: when, for whom, never in quiet hours or on a holiday."""

from datetime import timedelta

import pytest

from kefu.callbacks import schedule
from kefu.callbacks.choices import CallbackStatus, RuleEvent
from kefu.callbacks.models import Callback, CallbackRule
from kefu.callbacks.presets import installation_rule
from kefu.callbacks.tests.conftest import moment
from kefu.customers.tests.factories import CustomerFactory
from kefu.sla.services import default_calendar
from kefu.tickets.tests.factories import TicketFactory, step, walk_to_callback

pytestmark = pytest.mark.django_db


def test_complaint_confirmed_on_a_friday_evening_is_due_within_3_days_never_in_quiet_hours(
    at, agent, supervisor, own_customer
):
    ticket = TicketFactory(owner=agent, customer=own_customer)
    at("2026-03-06", 20, 40)  # a Friday, 20:40: 20 minutes before the night's quiet hours
    walk_to_callback(ticket, agent, supervisor)
    task = Callback.objects.get(ticket=ticket)
    calendar = default_calendar()
    rule = task.rule
    assert task.due_at <= moment("2026-03-06", 20, 40) + timedelta(days=3)
    assert schedule.is_callable(calendar, task.due_at, rule.quiet_hours)
    # Monday 9 March, 20:40 is three days on and callable (quiet hours start at 21:00).
    assert task.due_at == moment("2026-03-09", 20, 40)
    assert task.next_try_at == moment("2026-03-06", 20, 40)


def test_callback_due_on_a_public_holiday_moves_to_the_next_working_day_outside_quiet_hours(
    at, agent, supervisor, own_customer
):
    ticket = TicketFactory(owner=agent, customer=own_customer)
    at("2026-09-29", 22, 15)  # Tuesday night before the National Day holiday (1–7 October)
    walk_to_callback(ticket, agent, supervisor)
    task = Callback.objects.get(ticket=ticket)
    local = task.due_at.astimezone(moment("2026-01-01", 0).tzinfo)
    # 2 October is a holiday: the due day is the first working day after the holiday, and 22:15
    # is quiet, so it moves back to 20:59 that day.
    assert local.date().isoformat() == "2026-10-08"
    assert (local.hour, local.minute) == (20, 59)
    assert schedule.is_callable(default_calendar(), task.due_at, task.rule.quiet_hours)
    # The first callable moment after the event skips the night and the holiday too.
    assert task.next_try_at == moment("2026-09-30", 8, 0)


@pytest.mark.parametrize(
    ("closing", "expected"),
    [
        (("2026-03-03", 12, 30), ("2026-03-06", 11, 59)),  # lunch rest: back to before noon
        (("2026-03-03", 7, 0), ("2026-03-06", 8, 0)),  # early morning: nothing before on that day
        (("2026-03-03", 10, 0), ("2026-03-06", 10, 0)),  # already callable
    ],
)
def test_due_time_never_in_quiet_hours(closing, expected):
    calendar = default_calendar()
    quiet = [["12:00", "14:00"], ["21:00", "08:00"]]
    due = schedule.due_time(calendar, moment(*closing), 3, "days", quiet)
    assert due == moment(*expected)


def test_every_closed_request_of_a_top_tier_customer_gets_a_callback(agent):
    vip = CustomerFactory(name="星级酒店", tier="三星")
    others = CustomerFactory(name="普通用户", tier="一星")
    for customer in [vip] * 20 + [others] * 20:
        ticket = TicketFactory(owner=agent, customer=customer, ticket_type="repair")
        step(ticket, agent, "resolve_now", resolution="已修复")
        step(ticket, agent, "close")
    vip_tasks = Callback.objects.filter(customer=vip).count()
    other_tasks = Callback.objects.filter(customer=others).count()
    assert vip_tasks == 20
    # The other tier is sampled (30 % by default): some, not all.
    assert 0 < other_tasks < 20


def test_closing_twice_after_a_reopen_plans_no_second_pending_task(agent, supervisor):
    vip = CustomerFactory(name="星级酒店", tier="三星")
    ticket = TicketFactory(owner=agent, customer=vip, ticket_type="repair")
    step(ticket, agent, "resolve_now", resolution="已修复")
    step(ticket, agent, "close")
    step(ticket, supervisor, "reopen")
    step(ticket, agent, "resolve", resolution="再修")
    step(ticket, agent, "close")
    assert Callback.objects.filter(ticket=ticket, status=CallbackStatus.PENDING).count() == 1


def test_installation_handover_is_called_within_3_hours_then_every_3_months_3_times(at, agent, own_customer):
    from kefu.tickets.models import WorkflowState

    handed_over = WorkflowState.objects.get(workflow__ticket_type="service", code="resolved")
    installation_rule(handed_over)
    ticket = TicketFactory(owner=agent, customer=own_customer, ticket_type="service")
    at("2026-03-03", 10, 0)
    step(ticket, agent, "resolve_now", resolution="设备已交底")
    tasks = list(Callback.objects.filter(ticket=ticket, rule__name="安装回访").order_by("sequence"))
    assert [task.sequence for task in tasks] == [1, 2, 3, 4]
    # 13:00 is in the lunch rest (12:00–14:00): due before it, still within the 3 hours.
    assert tasks[0].due_at == moment("2026-03-03", 11, 59)
    assert tasks[1].due_at.date().isoformat() == "2026-06-03"
    assert tasks[3].due_at.date().isoformat() == "2026-12-03"
    for task in tasks:
        assert schedule.is_callable(default_calendar(), task.due_at, task.rule.quiet_hours)


def test_a_rule_with_a_bad_quiet_period_is_refused_naming_the_field(admin_user):
    from django.core.exceptions import ValidationError

    from kefu.callbacks.services import callback_rule_save

    rule = CallbackRule(name="坏规则", event=RuleEvent.CLOSED, quiet_hours=[["25:00", "08:00"]])
    with pytest.raises(ValidationError) as refused:
        callback_rule_save(actor=admin_user, rule=rule)
    assert "quiet_hours" in refused.value.message_dict
    assert not CallbackRule.objects.filter(name="坏规则").exists()
