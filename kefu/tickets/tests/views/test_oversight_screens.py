"""What approvers see on the pages: lifting a supervision from the request page, and the tabs for
incoming transfers and approvals."""

from django.urls import reverse

from kefu.tickets.models import Ticket
from kefu.tickets.tests.factories import TicketFactory, put_under_supervision, request_extension


def test_the_request_page_offers_lifting_only_while_supervised(client_for, supervisor, own_ticket):
    url, lift = (
        reverse("tickets:detail", args=[own_ticket.pk]),
        reverse("tickets:supervision_lift", args=[own_ticket.pk]),
    )
    assert lift not in client_for(supervisor).get(url).content.decode()
    put_under_supervision(own_ticket, supervisor)
    assert lift in client_for(supervisor).get(url).content.decode()


def test_a_supervisor_lifts_a_supervision_from_the_page(client_for, supervisor, own_ticket):
    put_under_supervision(own_ticket, supervisor)
    response = client_for(supervisor).post(reverse("tickets:supervision_lift", args=[own_ticket.pk]), {"note": "好"})
    assert response.status_code == 302
    assert not Ticket.objects.get(pk=own_ticket.pk).supervised


# Supervisors' queues


def test_supervisors_have_tabs_for_incoming_transfers_and_approvals_agents_do_not(client_for, supervisor, agent):
    supervisor_page = client_for(supervisor).get(reverse("tickets:queue")).content.decode()
    agent_page = client_for(agent).get(reverse("tickets:queue")).content.decode()
    assert "待接收转办" in supervisor_page and "待审批" in supervisor_page
    assert "待接收转办" not in agent_page and "queue=approvals" not in agent_page


def test_the_approvals_tab_counts_and_lists_them_on_the_page(client_for, supervisor, agent, own_customer):
    extension = TicketFactory(owner=agent, customer=own_customer, title="需延期的工单")
    request_extension(extension, agent)
    response = client_for(supervisor).get(reverse("tickets:queue"), {"queue": "approvals"})
    assert [t.pk for t in response.context["page_obj"]] == [extension.pk]
    tabs = {tab["code"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs["approvals"] == 1 and tabs["incoming"] == 0
