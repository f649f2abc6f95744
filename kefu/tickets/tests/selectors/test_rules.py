"""The data scope behind the rules on what a change points at: `visible_to` narrows any request queryset."""

from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.models import Ticket
from kefu.tickets.tests.factories import TicketFactory


def test_visible_to_narrows_any_request_queryset_by_the_users_scope(manager, other_manager, own_customer):
    own = TicketFactory(owner=manager, customer=own_customer)
    foreign = TicketFactory(owner=other_manager, customer=CustomerFactory(account_manager=other_manager))
    assert list(Ticket.objects.visible_to(manager)) == [own]
    assert list(Ticket.objects.filter(pk=foreign.pk).visible_to(manager)) == []
    assert list(Ticket.objects.filter(pk=foreign.pk).visible_to(other_manager)) == [foreign]
