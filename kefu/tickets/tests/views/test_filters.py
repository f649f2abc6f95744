"""The queue page ignores a filter value that is not one and says so (the API refuses it: api/test_filters.py)."""

import pytest
from django.urls import reverse

from kefu.tickets.tests.factories import BAD_FILTER_VALUES, TicketFactory


@pytest.mark.parametrize(("name", "value"), BAD_FILTER_VALUES)
def test_the_queue_page_ignores_a_bad_filter_value_and_says_so(name, value, agent, own_customer, client_for):
    ticket = TicketFactory(owner=agent, customer=own_customer)
    response = client_for(agent).get(reverse("tickets:queue"), {"queue": "all_open", name: value})
    assert response.status_code == 200
    assert response.context["filter_errors"]
    assert ticket.pk in [row.pk for row in response.context["page_obj"]]
