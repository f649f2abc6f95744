"""Lifting a supervision through the API: the answer is the request, and out of scope is not found."""

from kefu.conftest import api
from kefu.tickets.tests.factories import TicketFactory, put_under_supervision


def test_lifting_through_the_api_answers_with_the_request(supervisor, own_ticket):
    put_under_supervision(own_ticket, supervisor)
    response = api(supervisor).post(f"/api/v1/requests/{own_ticket.pk}/lift-supervision/", {}, format="json")
    assert response.status_code == 200 and response.json()["supervised"] is False
    again = api(supervisor).post(f"/api/v1/requests/{own_ticket.pk}/lift-supervision/", {}, format="json")
    assert again.status_code == 400


def test_a_supervision_outside_the_scope_is_not_found(supervisor, admin_user, foreign_customer, other_manager):
    ticket = TicketFactory(owner=other_manager, customer=foreign_customer)
    put_under_supervision(ticket, admin_user)
    assert api(supervisor).post(f"/api/v1/requests/{ticket.pk}/lift-supervision/", {}).status_code == 404
