"""Lifting a supervision through the API: the answer is the request, and out of scope is not found."""

import pytest
from rest_framework.test import APIClient

from kefu.tickets import services
from kefu.tickets.tests.factories import TicketFactory


@pytest.fixture
def own_ticket(agent, own_customer):
    return TicketFactory(owner=agent, customer=own_customer)


def _supervised(ticket, supervisor):
    return services.ticket_supervise(actor=supervisor, ticket=ticket, note="今日内答复")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_lifting_through_the_api_answers_with_the_request(supervisor, own_ticket):
    _supervised(own_ticket, supervisor)
    response = api(supervisor).post(f"/api/v1/requests/{own_ticket.pk}/lift-supervision/", {}, format="json")
    assert response.status_code == 200 and response.json()["supervised"] is False
    again = api(supervisor).post(f"/api/v1/requests/{own_ticket.pk}/lift-supervision/", {}, format="json")
    assert again.status_code == 400


def test_a_supervision_outside_the_scope_is_not_found(supervisor, admin_user, foreign_customer, other_manager):
    ticket = TicketFactory(owner=other_manager, customer=foreign_customer)
    _supervised(ticket, admin_user)
    assert api(supervisor).post(f"/api/v1/requests/{ticket.pk}/lift-supervision/", {}).status_code == 404
