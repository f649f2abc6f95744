"""The report's repeat complainants link only to customers the reader may open."""

from django.urls import reverse

from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.tests.factories import TicketFactory, install_workflows


def test_a_repeat_complainant_outside_the_readers_customers_is_named_without_a_link(client_for, agent, supervisor, org):
    # Complaints dispatched to the supervisor's branch count in their report, but the customer
    # belongs to another branch: the link led to a 404.
    install_workflows()
    west = CustomerFactory(name="城西客户", org_unit=org["west_team"])
    east = CustomerFactory(name="城东客户", org_unit=org["east_team"])
    for customer in (west, west, east, east):
        TicketFactory(owner=agent, customer=customer, department=org["east"])
    page = client_for(supervisor).get(reverse("reports:complaints")).content.decode()
    assert "城西客户" in page and reverse("customers:detail", args=[west.pk]) not in page
    assert f'<a href="{reverse("customers:detail", args=[east.pk])}">城东客户</a>' in page
