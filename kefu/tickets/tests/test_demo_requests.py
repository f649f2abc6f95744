from django.core.management import call_command
from django.utils import timezone

from kefu.core.testing.factories import CustomerFactory, UserFactory
from kefu.tickets.models import Ticket, TicketEvent


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
