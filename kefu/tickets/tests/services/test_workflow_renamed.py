"""A step's effect lives on the workflow data: an admin renaming codes changes no behaviour."""

import importlib

import pytest
from django.apps import apps

from kefu.sla.choices import Metric, TimeUnit
from kefu.sla.models import SlaClock, SlaPolicy
from kefu.sla.services import default_calendar
from kefu.tickets import services
from kefu.tickets.choices import TransitionEffect
from kefu.tickets.models import Ticket, WorkflowState, WorkflowTransition
from kefu.tickets.tests.factories import step

REQUEST = {"channel": "phone", "title": "计划停电未提前通知", "description": "小区昨日停电8小时，没有收到任何通知。"}


@pytest.fixture
def renamed():
    """Every state and step code of every workflow renamed, one row at a time as the admin saves."""
    for state in WorkflowState.objects.all():
        state.code = f"my_{state.code}"
        state.save()
    for move in WorkflowTransition.objects.all():
        move.code = f"my_{move.code}"
        move.save()


@pytest.mark.parametrize(
    ("code", "fields", "valid"),
    [("my_assess_valid", {}, True), ("my_assess_invalid", {"invalid_reason": "非我方设备"}, False)],
)
def test_judging_a_complaint_valid_or_invalid_survives_renamed_steps(renamed, agent, own_customer, code, fields, valid):
    ticket, _ = services.ticket_create(actor=agent, data={**REQUEST, "ticket_type": "complaint"}, customer=own_customer)
    step(ticket, agent, "my_acknowledge")
    step(ticket, agent, code, **fields)
    assert Ticket.objects.get(pk=ticket.pk).is_valid is valid


def test_a_step_without_an_effect_leaves_validity_alone(agent, own_customer):
    WorkflowTransition.objects.filter(code="assess_valid").update(effect="")
    ticket, _ = services.ticket_create(actor=agent, data={**REQUEST, "ticket_type": "complaint"}, customer=own_customer)
    step(ticket, agent, "acknowledge")
    step(ticket, agent, "assess_valid")
    assert Ticket.objects.get(pk=ticket.pk).is_valid is None


def test_arrival_on_site_stops_the_arrival_clock_whatever_the_state_is_called(renamed, agent, own_customer):
    SlaPolicy.objects.create(
        name="报修",
        ticket_type="repair",
        calendar=default_calendar(),
        arrival=45,
        arrival_unit=TimeUnit.CALENDAR_MINUTES,
        resolution=1,
        resolution_unit=TimeUnit.CALENDAR_HOURS,
    )
    ticket, _ = services.ticket_create(actor=agent, data={**REQUEST, "ticket_type": "repair"}, customer=own_customer)
    step(ticket, agent, "my_start")
    assert SlaClock.objects.get(ticket=ticket, metric=Metric.ARRIVAL).stopped_at is None
    step(ticket, agent, "my_arrive")
    assert SlaClock.objects.get(ticket=ticket, metric=Metric.ARRIVAL).stopped_at is not None
    assert SlaClock.objects.get(ticket=ticket, metric=Metric.RESOLUTION).stopped_at is None


def test_the_presets_carry_the_effects():
    assert dict(WorkflowTransition.objects.exclude(effect="").values_list("code", "effect")) == {
        "assess_valid": TransitionEffect.MARK_VALID,
        "assess_invalid": TransitionEffect.MARK_INVALID,
        "callback_done": TransitionEffect.CALLBACK_DONE,
        "callback_unsatisfied": TransitionEffect.CALLBACK_UNSATISFIED,
    }
    assert list(WorkflowState.objects.filter(stops_arrival_clock=True).values_list("code", flat=True)) == ["on_site"]


def test_workflows_installed_before_the_effects_get_them_from_their_codes():
    WorkflowTransition.objects.update(effect="")
    WorkflowState.objects.update(stops_arrival_clock=False)
    migration = importlib.import_module("kefu.tickets.migrations.0014_workflow_effects_on_data")
    migration.effects_from_codes(apps, None)
    assert WorkflowTransition.objects.get(workflow__ticket_type="complaint", code="assess_valid").effect == "mark_valid"
    assert WorkflowTransition.objects.get(code="assess_invalid").effect == "mark_invalid"
    assert WorkflowState.objects.get(code="on_site").stops_arrival_clock
