from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from kefu.customers.tests.factories import CustomerFactory
from kefu.org.tests.factories import UserFactory
from kefu.tickets.models import Ticket, TicketEvent

COMPLAINT = {"ticket_type": "complaint", "channel": "phone", "title": "停电", "description": "小区停电"}


def test_demo_requests_span_a_year_and_walk_the_workflows(agent, supervisor, org):
    UserFactory(username="crew", role="handler", org_unit=org["east_team"])
    CustomerFactory.create_batch(10, org_unit=org["east_team"])
    call_command("load_demo_requests", "--requests", "60", "--seed", "1")
    assert Ticket.objects.count() == 60
    oldest = Ticket.objects.order_by("created_at").first()
    assert (timezone.now() - oldest.created_at).days > 300
    assert Ticket.objects.filter(closed_at__isnull=False).exists()
    assert Ticket.objects.filter(closed_at__isnull=True).exists()
    assert TicketEvent.objects.filter(kind="transition").count() > 60
    first_event = TicketEvent.objects.filter(ticket=oldest).order_by("id").first()
    assert first_event.created_at == oldest.created_at


def test_demo_requests_if_empty_loads_nothing_twice(agent, supervisor, org):
    CustomerFactory.create_batch(3)
    call_command("load_demo_requests", "--requests", "5")
    call_command("load_demo_requests", "--requests", "5", "--if-empty")
    assert Ticket.objects.count() == 5


def test_demo_requests_carry_time_limits_and_some_are_overdue(agent, supervisor, org):
    from kefu.sla.models import SlaClock

    CustomerFactory.create_batch(5, org_unit=org["east_team"])
    call_command("load_demo_requests", "--requests", "40", "--seed", "3")
    assert SlaClock.objects.count() >= 40
    assert SlaClock.objects.filter(breached_at__isnull=False, stopped_at__isnull=True).exists()


def test_demo_history_of_a_young_request_ends_before_it_was_loaded(agent, own_customer):
    """Steps are three hours apart, but a request registered an hour before the demo was loaded
    fits all of its steps into that hour, in order: nothing on it is dated in the future."""
    from kefu.audit.models import AuditEvent
    from kefu.tickets import services
    from kefu.tickets.management.commands.load_demo_requests import Command

    ticket, _created = services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer)
    for code in ("acknowledge", "assess_valid"):
        ticket = services.ticket_transition(actor=agent, ticket=ticket, code=code, fields={})
    registered = timezone.now() - timedelta(hours=1)
    Command()._shift_into_the_past(ticket, registered)

    loaded = timezone.now()
    steps = list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("created_at", flat=True))
    assert len(steps) == 3 and steps[0] == registered
    assert steps == sorted(steps) and steps[-1] < loaded
    ticket.refresh_from_db()
    assert ticket.created_at == registered and registered <= ticket.updated_at < loaded
    audit = AuditEvent.objects.filter(target_type="tickets.ticket", target_id=ticket.pk).order_by("id")
    assert list(audit.values_list("occurred_at", flat=True)) == steps  # the trail agrees with the timeline


def test_demo_history_of_an_old_request_keeps_three_hours_between_steps(agent, own_customer):
    from kefu.tickets import services
    from kefu.tickets.management.commands.load_demo_requests import Command

    ticket, _created = services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer)
    ticket = services.ticket_transition(actor=agent, ticket=ticket, code="acknowledge", fields={})
    registered = timezone.now() - timedelta(days=30)
    Command()._shift_into_the_past(ticket, registered)

    steps = list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("created_at", flat=True))
    assert steps == [registered, registered + timedelta(hours=3)]
