"""kefu.core.writes: rows of several tables written in one round trip, inside the transaction."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import connection, models, transaction
from django.db.models.enums import Choices
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazystr

from kefu.audit.models import AuditEvent
from kefu.core import writes
from kefu.core.testing.factories import TicketFactory, install_workflows
from kefu.sla.choices import Metric
from kefu.sla.models import SlaClock
from kefu.sla.services import sla_install_preset
from kefu.tickets import services
from kefu.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes each group on its own")


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()


def an_event(ticket, body="已受理") -> TicketEvent:
    return TicketEvent(ticket=ticket, kind="created", body=body, data={})


def an_audit_entry(ticket) -> AuditEvent:
    return AuditEvent(action="created", target_type="tickets.ticket", target_id=ticket.pk, target_repr="x")


def test_rows_queued_in_a_block_are_all_written_when_it_ends():
    ticket = TicketFactory()
    with transaction.atomic(), writes.together():
        writes.insert([an_event(ticket, "一"), an_event(ticket, "二")])
        writes.insert([an_audit_entry(ticket)])
        assert not TicketEvent.objects.filter(ticket=ticket).exists()  # still queued
    assert sorted(TicketEvent.objects.filter(ticket=ticket).values_list("body", flat=True)) == ["一", "二"]
    assert AuditEvent.objects.filter(target_id=ticket.pk).count() == 1


@on_postgresql
def test_on_postgresql_the_rows_of_every_table_leave_in_one_statement():
    ticket = TicketFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as context, writes.together():
        writes.insert([an_event(ticket)])
        writes.insert([an_audit_entry(ticket)])
    inserts = [query["sql"] for query in context.captured_queries if "INSERT" in query["sql"]]
    assert len(inserts) == 1 and "tickets_ticketevent" in inserts[0] and "audit_auditevent" in inserts[0]


def test_nothing_queued_is_written_when_the_block_raises():
    ticket = TicketFactory()
    with pytest.raises(RuntimeError), transaction.atomic(), writes.together():
        writes.insert([an_event(ticket)])
        raise RuntimeError("the service refused")
    assert not TicketEvent.objects.filter(ticket=ticket).exists()


def test_a_block_inside_another_leaves_with_the_outer_one():
    ticket = TicketFactory()
    with transaction.atomic(), writes.together():
        with writes.together():
            writes.insert([an_event(ticket)])
        assert not TicketEvent.objects.filter(ticket=ticket).exists()
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1


def test_rows_outside_a_block_are_written_at_once():
    ticket = TicketFactory()
    writes.insert([an_event(ticket)])
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1


def test_a_row_made_before_its_parent_was_saved_is_written_with_the_parents_key():
    ticket = a_request_like(TicketFactory())
    event = an_event(ticket)  # the request has no key yet, as when its clocks are planned
    ticket.save()
    with transaction.atomic(), writes.together():
        writes.insert([event])
    assert TicketEvent.objects.get(ticket=ticket).body == "已受理"


def test_a_row_whose_parent_was_never_saved_is_refused():
    template = TicketFactory()
    unsaved = Ticket(title="未保存", state=template.state, owner=template.owner, created_by=template.owner)
    with pytest.raises(ValueError, match="unsaved"), transaction.atomic(), writes.together():
        writes.insert([an_event(unsaved)])


def test_a_model_with_save_receivers_is_refused():
    def receiver(**kwargs):
        pass

    post_save.connect(receiver, sender=TicketEvent)
    try:
        with pytest.raises(ValueError, match="receivers"):
            writes.insert([an_event(TicketFactory())])
    finally:
        post_save.disconnect(receiver, sender=TicketEvent)


def test_the_models_written_this_way_have_no_save_receivers():
    for model in (TicketEvent, AuditEvent, SlaClock):
        assert not writes._has_save_receivers(model), model


def test_a_model_with_database_computed_columns_is_refused():
    class Computed(models.Model):  # noqa: DJ008 (never shown)
        stamp = models.IntegerField(db_default=1)

        class Meta:
            app_label = "core"

    with pytest.raises(ValueError, match="database-computed"):
        writes._insert_parts(Computed)


def test_values_are_written_verbatim_whatever_characters_they_hold():
    ticket = TicketFactory()
    awkward = "电费涨了100%？%s %(x)s 'O''Brien' \\ 结束"
    with transaction.atomic(), writes.together():
        writes.insert([an_event(ticket, awkward), an_event(ticket, "二")])
    assert sorted(TicketEvent.objects.filter(ticket=ticket).values_list("body", flat=True)) == sorted([awkward, "二"])


def a_request_like(template: Ticket, **values) -> Ticket:
    return Ticket(
        ticket_type=template.ticket_type, channel=template.channel, priority=template.priority, title="新",
        description="新", state=template.state, owner=template.owner, created_by=template.owner, **values,
    )  # fmt: skip


def test_one_row_is_inserted_with_its_generated_key_read_back():
    ticket = a_request_like(TicketFactory(), idempotency_key="key-1")
    writes.insert_one(ticket)
    assert ticket.pk and not ticket._state.adding and ticket.created_at is not None
    assert Ticket.objects.get(pk=ticket.pk).idempotency_key == "key-1"


def test_a_row_breaking_a_unique_key_raises_djangos_integrity_error():
    from django.db import IntegrityError

    template = TicketFactory()
    writes.insert_one(a_request_like(template, idempotency_key="same"))
    with pytest.raises(IntegrityError), transaction.atomic():
        writes.insert_one(a_request_like(template, idempotency_key="same"))


# Values Django would pass through unchanged are sent as they are (writes._db_value): on
# PostgreSQL every column must get exactly what Django's own conversion gives.


def djangos_value(row, field):
    return field.get_db_prep_save(field.pre_save(row, True), connection)


def assert_sent_as_django_sends(row):
    """Same type, and the same SQL once merged into the statement (auto_now columns: one clock)."""
    fixed = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    with connection.cursor() as cursor, mock.patch("django.utils.timezone.now", return_value=fixed):
        for column in writes._insert_parts(type(row))[1]:
            ours, django = writes._db_value(row, column), djangos_value(row, column[-1])
            django_type = type(django.value) if isinstance(django, Choices) else type(django)  # a choice: its value
            sent = [type(ours), cursor.mogrify("%s", [ours])], [django_type, cursor.mogrify("%s", [django])]
            assert sent[0] == sent[1], f"{type(row).__name__}.{column[0]}"


@on_postgresql
def test_every_column_of_a_registered_request_is_sent_as_django_sends_it(agent, own_customer):
    sla_install_preset(preset="utility")  # a repair: first response, arrival on site, resolution
    with mock.patch.object(writes, "_values_of", wraps=writes._values_of) as values_of:
        services.ticket_create(
            actor=agent,
            customer=own_customer,
            data={"ticket_type": "repair", "channel": "phone", "title": "停电", "description": "家中突然停电"},
        )
    rows = [row for call in values_of.call_args_list for row in call.args[1]]
    assert {type(row).__name__ for row in rows} >= {"Ticket", "TicketEvent", "AuditEvent", "SlaClock"}
    for row in rows:
        assert_sent_as_django_sends(row)


@on_postgresql
def test_values_django_would_convert_go_through_django():
    ticket = TicketFactory()
    clock = SlaClock(
        ticket=ticket,
        metric=Metric.RESOLUTION,  # an enum member, not a plain str
        started_at=datetime(2026, 1, 5, 9),  # noqa: DTZ001 (naive on purpose: Django warns and makes it aware)
        due_at=ticket.created_at,
        warn_at=ticket.created_at,
        paused_seconds=True,  # a bool in a number column: Django sends 1
        provisional=1,  # a number in a flag column: Django sends True
    )
    with pytest.warns(RuntimeWarning, match="naive datetime"):
        assert_sent_as_django_sends(clock)
    event = an_event(ticket, body=lazystr("已受理"))  # a lazy string (as a translation is): Django sends its text
    assert_sent_as_django_sends(event)
