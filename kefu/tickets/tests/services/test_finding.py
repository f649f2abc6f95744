"""Finding requests (issue 15 item 15): requests registered before callers' names were searchable get
them in their search keys."""

from kefu.tickets.tests.factories import TicketFactory


def test_requests_registered_before_get_the_callers_name_in_their_search_keys(agent):
    """PostgreSQL finds a caller's name through the bigram keys; older requests are keyed again."""
    from importlib import import_module

    from django.apps import apps

    from kefu.core.search import search_keys
    from kefu.tickets.models import Ticket

    ticket = TicketFactory(owner=agent, caller_name="欧阳娜娜")
    Ticket.objects.filter(pk=ticket.pk).update(search_grams=search_keys(ticket.title, ticket.description))
    import_module("kefu.tickets.migrations.0020_caller_name_in_search_keys").rekey_callers(apps, None)
    assert "欧阳" in Ticket.objects.get(pk=ticket.pk).search_grams.split()
