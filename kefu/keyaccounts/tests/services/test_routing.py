"""One point of contact (一点受理, seed 002 篇十): a request from any member of a key account's
group reaches the account's team."""

import pytest
from django.urls import reverse

from kefu.conftest import api
from kefu.inbox.models import Notification
from kefu.keyaccounts.choices import TeamRole
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create
from kefu.tickets.tests.factories import COMPLAINT


def register(via, actor, customer, client_for):
    if via == "page":
        client_for(actor).post(reverse("tickets:create"), {**COMPLAINT, "priority": "normal", "customer": customer.pk,
                                                           "token": "t1"})  # fmt: skip
    elif via == "api":
        response = api(actor).post("/api/v1/requests/", {**COMPLAINT, "customer": customer.pk}, format="json")
        assert response.status_code == 201, response.content
    else:
        ticket_create(actor=actor, data=COMPLAINT, customer=customer)
    return Ticket.objects.get(customer=customer)


@pytest.mark.parametrize("via", ["page", "api", "service"])
def test_a_members_request_reaches_the_key_accounts_team(
    via, client_for, account, site, agent, phone_agent, manager, deputy, engineer
):
    ticket = register(via, agent, site, client_for)
    assert ticket.assignee == phone_agent  # the account's dedicated phone agent handles it
    assert ticket.owner == agent  # whoever registered it stays its first responder (首问负责制)
    told = set(Notification.objects.filter(ticket=ticket).values_list("recipient__username", flat=True))
    assert told == {"manager", "deputy", "engineer", "phone_agent"}


def test_a_request_outside_any_key_account_is_left_as_it_was(account, foreign_customer, agent, client_for):
    ticket = register("service", agent, foreign_customer, client_for)
    assert ticket.assignee is None and not Notification.objects.filter(ticket=ticket).exists()


def test_without_a_phone_agent_the_team_is_still_told(account, site, agent, client_for):
    account.team.filter(role=TeamRole.PHONE_AGENT).delete()
    ticket = register("service", agent, site, client_for)
    assert ticket.assignee is None
    assert Notification.objects.filter(ticket=ticket, recipient__username="deputy").exists()


def test_a_callers_request_linked_to_a_member_later_reaches_the_team(account, site, agent):
    from kefu.tickets.services import ticket_link_customer

    ticket = ticket_create(actor=agent, data={**COMPLAINT, "caller_name": "王先生"})[0]
    assert not Notification.objects.filter(ticket=ticket).exists()
    ticket_link_customer(actor=agent, ticket=ticket, customer=site)
    told = set(Notification.objects.filter(ticket=ticket).values_list("recipient__username", flat=True))
    assert told == {"manager", "deputy", "engineer", "phone_agent"}
