"""The request page links to the customer 360 page only for readers who may open it."""

from django.urls import reverse

from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.tests.factories import TicketFactory, install_workflows


def test_a_request_of_a_customer_outside_the_readers_scope_names_the_customer_without_a_link(
    client_for, agent, supervisor, org
):
    # A west customer's request transferred to the east branch: the east supervisor handles it,
    # but may not open the customer (404), so the page must not offer the way there.
    install_workflows()
    west = CustomerFactory(name="城西客户", org_unit=org["west_team"])
    ticket = TicketFactory(owner=agent, customer=west, department=org["east"])
    customer_page = reverse("customers:detail", args=[west.pk])
    page = client_for(supervisor).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "城西客户" in page and customer_page not in page
    assert client_for(supervisor).get(customer_page).status_code == 404
    assert customer_page in client_for(agent).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
