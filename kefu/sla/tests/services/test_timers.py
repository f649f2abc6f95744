"""Time limits on requests: start, pause/resume, warning, breach, escalation, reminder; twice-safe."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.inbox.models import Notification
from kefu.org.choices import Role
from kefu.org.tests.factories import UserFactory
from kefu.sla.choices import TimeUnit
from kefu.sla.models import SlaClock, SlaPolicy
from kefu.sla.selectors import time_limit_state
from kefu.sla.services import default_calendar, sla_install_preset
from kefu.sla.tests.factories import moment, register
from kefu.sla.timers import sla_sweep
from kefu.tickets import services
from kefu.tickets.models import Ticket, TicketEvent
from kefu.tickets.tests.factories import install_workflows

pytestmark = pytest.mark.usefixtures("workflows")


def state_of(ticket) -> str:
    return time_limit_state(SlaClock.objects.filter(ticket=ticket))


def timeline(ticket) -> list[str]:
    from kefu.tickets.selectors import ticket_events

    return [event.kind for event in ticket_events(ticket)]


def clock(ticket, metric="resolution"):
    return SlaClock.objects.get(ticket=ticket, metric=metric)


def test_clocks_start_from_the_matching_policy_and_mirror_the_due_time(policy, agent, own_customer, monkeypatch):
    ticket = register(agent, own_customer, when=moment("2025-01-27", 10), monkeypatch=monkeypatch)
    assert clock(ticket).due_at == moment("2025-02-07", 17, 30)  # end of the 3rd working day
    assert clock(ticket, "first_response").due_at == moment("2025-01-28", 10)
    assert Ticket.objects.get(pk=ticket.pk).due_at == moment("2025-02-07", 17, 30)


def test_registering_writes_one_insert_per_table_for_the_request_event_audit_entry_and_clocks(
    policy, agent, own_customer, monkeypatch
):
    from kefu.audit.models import AuditEvent

    with CaptureQueriesContext(connection) as context:
        ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    assert sorted(SlaClock.objects.filter(ticket=ticket).values_list("metric", flat=True)) == [
        "first_response", "resolution",
    ]  # fmt: skip
    assert TicketEvent.objects.filter(ticket=ticket, kind="created").count() == 1
    assert AuditEvent.objects.filter(target_type="tickets.ticket", target_id=ticket.pk).count() == 1
    inserts = [query["sql"] for query in context.captured_queries if query["sql"].startswith("INSERT")]
    # One INSERT per table: the request, its event, its audit entry, then every clock at once.
    tables = ["tickets_ticket", "tickets_ticketevent", "audit_auditevent", "sla_slaclock"]
    assert [next(t for t in tables if f'"{t}"' in sql) for sql in inserts] == tables


def test_most_specific_policy_wins(policy, agent, own_customer, monkeypatch):
    SlaPolicy.objects.create(
        name="紧急投诉", ticket_type="complaint", priority="urgent", calendar=policy.calendar, resolution=1,
        resolution_unit=TimeUnit.WORKING_DAYS,
    )  # fmt: skip
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch, priority="urgent")
    assert clock(ticket).due_at == moment("2026-03-03", 17, 30)


def test_a_request_with_no_matching_policy_has_no_clock(agent, own_customer, monkeypatch):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    assert not SlaClock.objects.filter(ticket=ticket).exists()


def test_years_past_the_known_calendar_give_provisional_deadlines_without_crashing(
    policy, agent, own_customer, monkeypatch
):
    ticket = register(agent, own_customer, when=moment("2027-02-05", 10), monkeypatch=monkeypatch)
    assert clock(ticket).provisional is True


def test_first_response_stops_when_the_request_is_acknowledged(policy, agent, own_customer, monkeypatch):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    services.ticket_transition(actor=agent, ticket=ticket, code="acknowledge")
    assert clock(ticket, "first_response").stopped_at == moment("2026-03-02", 9)
    assert clock(ticket).stopped_at is None


def test_a_step_that_leaves_the_deadline_writes_the_request_row_once(policy, agent, own_customer, monkeypatch):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    with CaptureQueriesContext(connection) as context:
        services.ticket_transition(actor=agent, ticket=ticket, code="acknowledge")
    updates = [query["sql"] for query in context.captured_queries if query["sql"].startswith('UPDATE "tickets_ticket"')]
    assert len(updates) == 1  # the step's own save: the resolution due time did not move
    assert Ticket.objects.get(pk=ticket.pk).due_at == clock(ticket).due_at


def walk_to_waiting(ticket, agent, supervisor):
    for code, fields in [("acknowledge", {}), ("assess_valid", {}), ("propose_plan", {"resolution_plan": "赔偿"})]:
        ticket = services.ticket_transition(actor=agent, ticket=ticket, code=code, fields=fields)
    ticket = services.ticket_transition(actor=supervisor, ticket=ticket, code="approve_plan")
    return services.ticket_transition(actor=agent, ticket=ticket, code="implemented", fields={"resolution": "已赔偿"})


def test_clock_pauses_while_waiting_for_the_customer_and_the_deadline_moves(
    policy, agent, supervisor, own_customer, monkeypatch
):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    due_before = clock(ticket).due_at  # Thursday 2026-03-05 17:30
    monkeypatch.setattr(timezone, "now", lambda: moment("2026-03-03", 9))
    ticket = walk_to_waiting(ticket, agent, supervisor)
    assert clock(ticket).paused_at == moment("2026-03-03", 9)
    # Paused during the sweep: no breach even long after the deadline.
    assert sla_sweep(now=moment("2026-03-10", 9)).breached == 0
    monkeypatch.setattr(timezone, "now", lambda: moment("2026-03-04", 9))  # one working day later
    services.ticket_transition(actor=agent, ticket=ticket, code="customer_disputes")
    resumed = clock(ticket)
    assert resumed.paused_at is None
    assert resumed.paused_seconds == 9 * 3600 - 90 * 60  # 08:30–17:30 minus lunch, 9:00 to 9:00
    assert resumed.due_at == moment("2026-03-06", 17, 30)
    assert resumed.due_at > due_before


def test_warning_before_breach_then_breach_with_a_frozen_clock(policy, agent, own_customer, monkeypatch):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    result = sla_sweep(now=moment("2026-03-02", 20))  # first response: 11 h of 24 h used
    assert result.warned == 0
    result = sla_sweep(now=moment("2026-03-03", 3))  # 18 h = 75 % of 24 h
    assert result.warned == 1 and result.breached == 0
    assert state_of(ticket) == "warning"
    result = sla_sweep(now=moment("2026-03-03", 9, 1))
    assert result.breached == 1
    assert state_of(ticket) == "breached"
    assert timeline(ticket) == ["created", "sla_warning", "sla_breached"]  # the first-response clock
    (notice,) = Notification.objects.filter(recipient=agent, kind="sla_breached")
    assert ticket.number in notice.text and notice.ticket_id == ticket.pk


def test_a_notice_about_many_requests_lists_five_numbers_and_counts_the_rest(policy, agent, own_customer, monkeypatch):
    tickets = [register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch) for _ in range(7)]
    sla_sweep(now=moment("2026-03-03", 9, 1))
    (notice,) = Notification.objects.filter(recipient=agent, kind="sla_breached")
    assert notice.text.count("20260302-") == 5 and "(+2)" in notice.text and notice.ticket_id is None
    assert tickets[0].number in notice.text


def test_a_later_warning_on_another_clock_does_not_hide_a_breach(policy, agent, own_customer, monkeypatch):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    sla_sweep(now=moment("2026-03-03", 9, 1))  # first response breached, resolution not yet near
    assert state_of(ticket) == "breached"
    result = sla_sweep(now=moment("2026-03-05", 10))  # resolution now past 75 % of 3 working days
    assert result.warned == 1
    assert state_of(ticket) == "breached"


def test_a_sweep_run_twice_acts_once(policy, agent, own_customer, monkeypatch):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    later = moment("2026-03-10", 9)
    first, second = sla_sweep(now=later), sla_sweep(now=later)
    assert (first.breached, second.breached) == (1, 0)
    assert sla_sweep(now=later + timedelta(minutes=1)).breached == 0
    assert timeline(ticket).count("sla_breached") == 2  # once per clock: first response, resolution
    assert Notification.objects.filter(kind="sla_breached").count() == 1


def test_breach_escalates_up_the_chain_and_reminds_the_day_after(policy, org, own_customer, monkeypatch):
    agent = UserFactory(username="east_agent", role=Role.AGENT, org_unit=org["east_team"])
    team_lead = UserFactory(username="lead", role=Role.SUPERVISOR, org_unit=org["east_team"])
    branch_head = UserFactory(username="head", role=Role.SUPERVISOR, org_unit=org["east"])
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    breach_time = moment("2026-03-06", 9)
    sla_sweep(now=breach_time)  # both limits breached (owner told)
    assert sla_sweep(now=breach_time + timedelta(hours=1)).escalated == 0  # not yet 24 h
    result = sla_sweep(now=breach_time + timedelta(hours=24))
    assert result.escalated == 1 and result.reminded == 1  # counted per request
    assert Notification.objects.filter(recipient=team_lead, kind="sla_escalated").count() == 1
    assert not Notification.objects.filter(recipient=branch_head).exists()
    sla_sweep(now=breach_time + timedelta(hours=48))
    assert Notification.objects.filter(recipient=branch_head, kind="sla_escalated").count() == 1
    sla_sweep(now=breach_time + timedelta(hours=72))  # the chain ends at level 2
    assert clock(ticket).escalation_level == 2
    assert Notification.objects.filter(recipient=agent, kind="reminder").count() == 1
    assert timeline(ticket).count("reminded") == 2  # both limits were missed
    assert timeline(ticket).count("escalated") == 2  # escalation levels 1 and 2 are event rows


def test_closing_stops_the_clocks_and_reopening_restarts_resolution(
    policy, agent, supervisor, own_customer, monkeypatch
):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    ticket = walk_to_waiting(ticket, agent, supervisor)
    ticket = services.ticket_transition(actor=agent, ticket=ticket, code="customer_confirmed")
    ticket = services.ticket_transition(
        actor=agent, ticket=ticket, code="archive", fields={"root_cause": "设备老化", "cause_class": "供电质量"}
    )
    assert all(c.stopped_at for c in SlaClock.objects.filter(ticket=ticket))
    assert sla_sweep(now=moment("2026-04-01", 9)).breached == 0
    monkeypatch.setattr(timezone, "now", lambda: moment("2026-04-01", 9))
    services.ticket_transition(actor=supervisor, ticket=ticket, code="reopen")
    reopened = clock(ticket)
    assert reopened.stopped_at is None and reopened.due_at == moment("2026-04-07", 17, 30)  # 4/4–4/6 清明 holiday
    assert Ticket.objects.get(pk=ticket.pk).due_at == reopened.due_at  # the request shows the new deadline


def test_approved_extension_moves_the_running_clock(policy, agent, supervisor, own_customer, monkeypatch):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    ticket = Ticket.objects.get(pk=ticket.pk)
    later = moment("2026-03-12", 17, 30)
    extension = services.ticket_extension_request(actor=agent, ticket=ticket, new_due_at=later, reason="需协调施工方")
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=True)
    assert clock(ticket).due_at == later
    assert sla_sweep(now=moment("2026-03-10", 9)).breached == 1  # first response only


def test_an_extension_keeps_the_earlier_warning_on_the_timeline(policy, agent, supervisor, own_customer, monkeypatch):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    sla_sweep(now=moment("2026-03-05", 10))  # the resolution limit is past 75 %
    assert clock(ticket).warned_at is not None
    monkeypatch.setattr(timezone, "now", lambda: moment("2026-03-05", 11))
    ticket = Ticket.objects.get(pk=ticket.pk)
    extension = services.ticket_extension_request(
        actor=agent, ticket=ticket, new_due_at=moment("2026-03-12", 17, 30), reason="需协调施工方"
    )
    services.ticket_extension_decide(actor=supervisor, extension=extension, approve=True)
    assert clock(ticket).warned_at is None  # the new deadline gets its own warning
    warnings = [e for e in ticket_events_of(ticket) if e.kind == "sla_warning" and e.body == "办结"]
    assert [e.created_at for e in warnings] == [moment("2026-03-05", 10)]


def test_installing_a_preset_makes_its_policies_once(db):
    assert sla_install_preset(preset="utility") == 8 + 4  # and four for the green channel's tier 三星
    assert sla_install_preset(preset="utility") == 0
    assert SlaPolicy.objects.get(preset="utility", ticket_type="repair", priority="", customer_tier="").arrival == 45
    assert SlaPolicy.objects.get(preset="utility", ticket_type="repair", customer_tier="三星").arrival == 30


def test_a_green_channel_customers_request_gets_the_presets_shorter_limits(agent, own_customer, org, monkeypatch):
    """Seed 002's green channel: the utility preset answers a top-tier complaint in 2 working days, not 4."""
    from kefu.customers.tests.factories import CustomerFactory

    sla_install_preset(preset="utility")
    top = CustomerFactory(name="大客户", tier="三星", account_manager=own_customer.account_manager)
    ordinary = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    green = register(agent, top, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    assert clock(ordinary).due_at == moment("2026-03-06", 17, 30)  # Monday + 4 working days, close of business
    assert clock(green).due_at == moment("2026-03-04", 17, 30)
    assert clock(green, "first_response").due_at == moment("2026-03-02", 11)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_produce_one_escalation(org, own_customer, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections to one database (runs in the PostgreSQL pass)")
    install_workflows()
    policy = SlaPolicy.objects.create(
        name="投诉", ticket_type="complaint", calendar=default_calendar(), resolution=1,
        resolution_unit=TimeUnit.CALENDAR_HOURS,
    )  # fmt: skip
    agent = UserFactory(username="east_agent", role=Role.AGENT, org_unit=org["east_team"])
    UserFactory(username="lead", role=Role.SUPERVISOR, org_unit=org["east_team"])
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    sla_sweep(now=moment("2026-03-02", 11))
    barrier, results = threading.Barrier(2), []

    def sweep():
        barrier.wait()
        results.append(sla_sweep(now=moment("2026-03-04", 11)))
        connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.escalated for r in results) == [0, 1]
    assert clock(ticket).escalation_level == 1
    assert Notification.objects.filter(kind="sla_escalated").count() == 1
    assert policy.pk


def test_install_preset_command_sets_up_workflows_categories_and_policies(db):
    from django.core.management import call_command

    call_command("install_preset", "hotel")
    call_command("install_preset", "hotel")
    assert SlaPolicy.objects.filter(preset="hotel").count() == 4 + 2  # two for the green channel


def test_the_sweep_writes_no_row_per_request_and_the_timeline_shows_its_stamps(
    policy, agent, own_customer, monkeypatch
):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    sla_sweep(now=moment("2026-03-10", 9))
    assert not TicketEvent.objects.filter(kind__in=["sla_warning", "sla_breached"]).exists()
    breaches = [e for e in ticket_events_of(ticket) if e.kind == "sla_breached"]
    assert [(e.created_at, e.is_internal) for e in breaches] == [(moment("2026-03-10", 9), True)] * 2
    assert len({e.body for e in breaches}) == 2  # named by their limit


def ticket_events_of(ticket):
    from kefu.tickets.selectors import ticket_events

    return ticket_events(ticket)


def test_a_reopened_request_keeps_its_earlier_breach_on_the_timeline(
    policy, agent, supervisor, own_customer, monkeypatch
):
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    sla_sweep(now=moment("2026-03-10", 9))
    ticket = walk_to_waiting(ticket, agent, supervisor)
    ticket = services.ticket_transition(actor=agent, ticket=ticket, code="customer_confirmed")
    ticket = services.ticket_transition(
        actor=agent, ticket=ticket, code="archive", fields={"root_cause": "设备老化", "cause_class": "供电质量"}
    )
    services.ticket_transition(actor=supervisor, ticket=ticket, code="reopen")
    assert clock(ticket).breached_at is None  # the resolution limit starts afresh
    assert timeline(ticket).count("sla_breached") == 2  # and the earlier breaches are still shown
    (kept,) = TicketEvent.objects.filter(ticket=ticket, kind="sla_breached")  # kept as a row
    assert kept.created_at == moment("2026-03-10", 9)  # at the time of the breach


def test_the_handler_is_told_of_a_breach(policy, agent, org, own_customer, monkeypatch):
    handler = UserFactory(username="handler", role=Role.HANDLER, org_unit=org["east_team"])
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    services.ticket_assign(actor=agent, ticket=ticket, assignee=handler, department=org["east_team"])
    sla_sweep(now=moment("2026-03-03", 9, 1))
    assert Notification.objects.filter(recipient=handler, kind="sla_breached").count() == 1
    assert Notification.objects.filter(recipient=agent, kind="sla_breached").count() == 1


def test_after_an_accepted_transfer_the_new_owner_is_told_not_the_first(policy, agent, org, own_customer, monkeypatch):
    receiver = UserFactory(username="receiver", role=Role.HANDLER, org_unit=org["east_team"])
    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    transfer = services.ticket_transfer_request(
        actor=agent, ticket=ticket, to_department=org["east_team"], reason="属抢修范围"
    )
    services.ticket_transfer_decide(actor=receiver, transfer=transfer, accept=True)
    sla_sweep(now=moment("2026-03-03", 9, 1))
    assert Notification.objects.filter(recipient=receiver, kind="sla_breached").count() == 1
    assert not Notification.objects.filter(recipient=agent, kind="sla_breached").exists()


def test_a_claim_larger_than_the_first_batch_is_taken_in_larger_ones(policy, agent, own_customer, monkeypatch):
    from kefu.sla import timers

    monkeypatch.setattr(timers, "FIRST_CLAIM_BATCH", 1)
    monkeypatch.setattr(timers, "CLAIM_BATCH", 2)
    tickets = [register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch) for _ in range(6)]
    with CaptureQueriesContext(connection) as queries:
        result = sla_sweep(now=moment("2026-03-03", 9, 1))
    assert result.breached == 6 and all(state_of(ticket) == "breached" for ticket in tickets)
    breach_claims = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE sla_slaclock SET breached")
    ]
    assert len(breach_claims) == 4  # 1 + 2 + 2 + 1 (short: the last)
    (notice,) = Notification.objects.filter(recipient=agent, kind="sla_breached")
    assert notice.text.count("20260302-") == 5 and "(+1)" in notice.text
