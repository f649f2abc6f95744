"""Workflows and time-limit policies are kept in each process until their version moves in
Django's shared cache (kefu.core.config_cache): a change made here applies at once, a change
made by another process on the next call, with no timer."""

import pytest
from django.core.cache import cache
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


def change_in_another_process(**state_fields) -> None:
    """What another worker's change looks like from here: rows change without a signal in this
    process, then that worker moves the shared version once its transaction commits."""
    WorkflowState.objects.filter(**state_fields.pop("where")).update(**state_fields)
    cache.incr(config_cache.VERSION_KEY)


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


def test_another_process_s_change_is_seen_on_the_next_call(agent, own_customer):
    ticket = create(agent, own_customer)
    assert workflows.state_by_id(ticket.state_id).name != "新登记"
    change_in_another_process(where={"pk": ticket.state_id}, name="新登记")
    assert workflows.state_by_id(ticket.state_id).name == "新登记"


def test_without_a_new_version_the_process_keeps_its_copy_however_long(agent, own_customer):
    ticket = create(agent, own_customer)
    WorkflowState.objects.filter(pk=ticket.state_id).update(name="新登记")  # no signal, no new version
    assert workflows.state_by_id(ticket.state_id).name != "新登记"
    assert configuration_reads(lambda: create(agent, own_customer)) == []


class VersionReads:
    """Django's cache, counting the reads of the configuration's version."""

    def __init__(self):
        self.count = 0

    def __getattr__(self, name):
        return getattr(cache, name)

    def get(self, key, *args):
        self.count += key == config_cache.VERSION_KEY
        return cache.get(key, *args)


def test_each_call_asks_the_shared_cache_for_the_version_once(agent, own_customer, monkeypatch):
    workflows.workflow_graph()
    monkeypatch.setattr(config_cache, "cache", reads := VersionReads())
    workflows.workflow_graph()
    assert reads.count == 1


def test_a_list_of_requests_takes_its_states_with_one_look_at_the_cache(agent, own_customer, monkeypatch):
    tickets = [create(agent, own_customer) for _ in range(3)]
    monkeypatch.setattr(config_cache, "cache", reads := VersionReads())
    workflows.attach_states(tickets)
    assert reads.count == 1 and all(ticket.state.code for ticket in tickets)


def test_a_lost_shared_version_makes_every_process_load_again(agent, own_customer):
    ticket = create(agent, own_customer)
    WorkflowState.objects.filter(pk=ticket.state_id).update(name="新登记")
    cache.delete(config_cache.VERSION_KEY)  # a flushed or evicted cache
    assert workflows.state_by_id(ticket.state_id).name == "新登记"


def test_a_change_saved_here_moves_the_shared_version_once_committed(
    agent, own_customer, django_capture_on_commit_callbacks
):
    ticket = create(agent, own_customer)
    before = config_cache.version()
    state = WorkflowState.objects.get(pk=ticket.state_id)
    state.name = "新登记"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        state.save()
    assert config_cache.version() == before  # not before the change is visible to others
    for callback in callbacks:
        callback()
    assert config_cache.version() != before


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
