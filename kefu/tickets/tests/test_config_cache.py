"""Workflows and time-limit policies are read from a per-process cache: a change made here
applies at once, a change made by another process within KEFU_CONFIG_CACHE_SECONDS."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core import config_cache
from kefu.sla.choices import TimeUnit
from kefu.sla.clocks import active_policies
from kefu.sla.models import SlaClock, SlaPolicy
from kefu.sla.services import default_calendar
from kefu.tickets import selectors, services, workflows
from kefu.tickets.models import WorkflowState, WorkflowTransition

REPAIR = {"ticket_type": "repair", "channel": "phone", "title": "停电", "description": "家中停电"}


def create(agent, customer):
    ticket, _created = services.ticket_create(actor=agent, data=REPAIR, customer=customer)
    return ticket


def later(monkeypatch, seconds):
    """Move the process's clock on, as if `seconds` had passed since the cache was filled."""
    now = time.monotonic()
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: now + seconds)


CONFIGURATION_TABLES = ("tickets_workflow", "tickets_category", "sla_slapolicy", "sla_businesscalendar")


def configuration_reads(action) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        action()
    return [q["sql"] for q in context.captured_queries if any(t in q["sql"] for t in CONFIGURATION_TABLES)]


def test_creating_a_request_reads_no_configuration_once_the_cache_is_warm(agent, own_customer):
    assert configuration_reads(lambda: create(agent, own_customer))  # the first one fills the cache
    assert configuration_reads(lambda: create(agent, own_customer)) == []


def test_moving_a_request_and_listing_its_moves_read_no_configuration(agent, own_customer):
    ticket = create(agent, own_customer)
    assert configuration_reads(lambda: selectors.available_transitions(agent, ticket)) == []
    first_move = selectors.available_transitions(agent, ticket)[0].code
    assert configuration_reads(lambda: services.ticket_transition(actor=agent, ticket=ticket, code=first_move)) == []


def test_a_workflow_change_saved_in_this_process_applies_at_once(agent, own_customer):
    ticket = create(agent, own_customer)
    move = WorkflowTransition.objects.get(pk=selectors.available_transitions(agent, ticket)[0].pk)
    move.name = "确认受理"
    move.save()
    assert "确认受理" in [move.name for move in selectors.available_transitions(agent, ticket)]
    move.delete()
    assert move.code not in [move.code for move in selectors.available_transitions(agent, ticket)]


def test_another_process_s_change_is_seen_once_the_cache_expires(agent, own_customer, settings, monkeypatch):
    settings.KEFU_CONFIG_CACHE_SECONDS = 60
    ticket = create(agent, own_customer)
    # An update() sends no signal: this is how a change made by another worker looks from here.
    WorkflowState.objects.filter(pk=ticket.state_id).update(name="新登记")
    assert workflows.state_by_id(ticket.state_id).name != "新登记"
    later(monkeypatch, 61)
    assert workflows.state_by_id(ticket.state_id).name == "新登记"


def test_a_state_added_by_another_process_is_found_without_waiting(agent, own_customer):
    ticket = create(agent, own_customer)
    workflows.workflow_graph()
    added = WorkflowState.objects.bulk_create([WorkflowState(workflow=ticket.state.workflow, code="x", name="新状态")])
    assert workflows.state_by_id(added[0].pk).name == "新状态"


def test_a_new_policy_applies_to_the_next_request_at_once(agent, own_customer):
    assert not SlaClock.objects.filter(ticket=create(agent, own_customer)).exists()
    SlaPolicy.objects.create(
        name="报修", ticket_type="repair", calendar=default_calendar(), resolution=24,
        resolution_unit=TimeUnit.CALENDAR_HOURS,
    )  # fmt: skip
    assert SlaClock.objects.filter(ticket=create(agent, own_customer), metric="resolution").exists()


def test_a_calendar_change_reaches_the_cached_policies(agent, own_customer, admin_user):
    from datetime import date

    from kefu.sla.services import calendar_day_set

    policy = SlaPolicy.objects.create(
        name="报修", ticket_type="repair", calendar=default_calendar(), resolution=1,
        resolution_unit=TimeUnit.WORKING_DAYS,
    )  # fmt: skip
    create(agent, own_customer)
    revision = policy.calendar.revision
    calendar_day_set(actor=admin_user, calendar=policy.calendar, day=date(2026, 12, 1), is_workday=False, name="停")
    cached = next(p for p in active_policies() if p.pk == policy.pk)
    assert cached.calendar.revision == revision + 1


def test_a_cache_of_zero_seconds_reads_every_time(agent, own_customer, settings):
    settings.KEFU_CONFIG_CACHE_SECONDS = 0
    create(agent, own_customer)
    assert configuration_reads(lambda: create(agent, own_customer))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")
def test_moving_a_request_locks_its_own_rows_not_the_shared_state_or_policy(agent, own_customer):
    """A FOR UPDATE over a join locks the joined rows too: every request leaving the same state,
    or running under the same policy, would then wait for the others."""
    SlaPolicy.objects.create(
        name="报修", ticket_type="repair", calendar=default_calendar(), resolution=24,
        resolution_unit=TimeUnit.CALENDAR_HOURS,
    )  # fmt: skip
    ticket = create(agent, own_customer)
    first_move = selectors.available_transitions(agent, ticket)[0].code
    with CaptureQueriesContext(connection) as context:
        services.ticket_transition(actor=agent, ticket=ticket, code=first_move)
    locks = [q["sql"] for q in context.captured_queries if "FOR UPDATE" in q["sql"]]
    assert len(locks) == 2
    assert not [sql for sql in locks if " JOIN " in sql]


def test_a_renamed_step_shows_its_new_name_in_the_next_api_answer(agent, own_customer):
    from kefu.tickets.api.serializers import TicketDetailSerializer

    ticket = create(agent, own_customer)

    def steps():
        context = {"transitions": selectors.available_transitions(agent, ticket)}
        return TicketDetailSerializer(ticket, context=context).data["transitions"]

    first = steps()
    step = WorkflowTransition.objects.get(pk=selectors.available_transitions(agent, ticket)[0].pk)
    step.name = "改名后的步骤"
    step.save()
    assert first[0]["name"] != "改名后的步骤" and steps()[0]["name"] == "改名后的步骤"
