"""core.models.new_row: the instance Django's own constructor gives, built by position."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.core.models import new_row
from kefu.core.testing.factories import TicketFactory, install_workflows
from kefu.sla.choices import Metric
from kefu.sla.models import SlaClock
from kefu.tickets.models import Ticket, TicketEvent, WorkflowState

pytestmark = pytest.mark.django_db
AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def state_of(row) -> dict:
    """Every column's value, the related rows attached, and where the row stands."""
    values = {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}
    cache = row._state.fields_cache
    attached = {name: (type(related), getattr(related, "pk", None)) for name, related in cache.items()}
    return {**values, "_attached": attached, "_adding": row._state.adding, "_db": row._state.db}


@pytest.fixture
def shapes(agent, own_customer):
    install_workflows()
    saved = TicketFactory(owner=agent, customer=own_customer)
    state = WorkflowState.objects.first()
    return {
        Ticket: {"title": "停电", "description": "家中突然停电", "customer": own_customer, "owner": agent,
                 "created_by": agent, "state": state, "category": None, "idempotency_key": None},
        SlaClock: {"ticket": saved, "metric": Metric.RESOLUTION, "owner_id": agent.pk, "assignee_id": None,
                   "started_at": AT, "due_at": AT, "warn_at": AT, "provisional": False},
        TicketEvent: {"ticket": saved, "kind": "created", "actor": agent, "to_state": state, "body": "x"},
        AuditEvent: {"actor": None, "action": "created", "target_type": "tickets.ticket", "target_id": 1},
    }  # fmt: skip


@pytest.mark.parametrize("model", [Ticket, SlaClock, TicketEvent, AuditEvent], ids=lambda m: m.__name__)
def test_a_row_is_built_as_djangos_constructor_builds_it(shapes, model, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: AT)  # defaults that read the clock (an event's time)
    values = shapes[model]
    assert state_of(new_row(model, **values)) == state_of(model(**values))


def test_a_row_made_before_its_parent_was_saved_keeps_the_parent_attached(agent):
    install_workflows()
    unsaved = Ticket(title="停电")
    clock = new_row(SlaClock, ticket=unsaved, metric=Metric.RESOLUTION, started_at=AT, due_at=AT, warn_at=AT)
    assert clock.ticket is unsaved and clock.ticket_id is None  # filled in when written (core.writes)
    assert state_of(clock) == state_of(
        SlaClock(ticket=unsaved, metric=Metric.RESOLUTION, started_at=AT, due_at=AT, warn_at=AT)
    )


def test_callable_defaults_give_each_row_its_own_value():
    first, second = new_row(TicketEvent, kind="created"), new_row(TicketEvent, kind="created")
    assert first.data == {} and first.data is not second.data


def test_a_related_row_of_the_wrong_kind_is_refused(agent):
    with pytest.raises(ValueError, match=r"SlaClock\.ticket must be a Ticket"):
        new_row(SlaClock, ticket=agent)


def test_an_unknown_field_is_refused_as_django_refuses_it():
    with pytest.raises(TypeError, match="unexpected keyword"):
        new_row(SlaClock, no_such_field=1)
