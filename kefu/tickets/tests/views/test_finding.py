"""Finding requests (issue 15 item 15): the search, the workbench's most urgent, a supervisor's
department queue. Each through the queue page and the API, which share the selectors."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets import services
from kefu.tickets.tests.factories import TicketFactory

COMPLAINT = {"ticket_type": "complaint", "channel": "phone", "title": "电压不稳", "description": "灯光闪烁"}


def found(via, user, client_for, **query) -> set[int]:
    """The ids a queue page or the API list shows for this query (all open requests by default)."""
    query.setdefault("queue", "all_open")
    if via == "page":
        response = client_for(user).get(reverse("tickets:queue"), query)
        assert response.status_code == 200
        return {ticket.pk for ticket in response.context["page_obj"]}
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(reverse("api-request-list"), query)
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def requests_to_find(agent, own_customer):
    """A request of a customer, one of an unidentified caller, and others that must not match."""
    of_customer = TicketFactory(owner=agent, customer=own_customer, title="电表走字快", description="怀疑电表故障")
    of_caller = services.ticket_create(
        actor=agent, data={**COMPLAINT, "caller_name": "欧阳娜娜", "caller_phone": "13700001234"}
    )[0]
    others = [
        TicketFactory(owner=agent, customer=CustomerFactory(name="王五"), title="路灯不亮", description="夜间无照明")
        for _ in range(3)
    ]
    return {"customer": of_customer, "caller": of_caller, "others": others}


@pytest.mark.parametrize("via", ["page", "api"])
def test_the_search_finds_a_request_by_customer_name(via, client_for, agent, requests_to_find):
    assert found(via, agent, client_for, q="张三") == {requests_to_find["customer"].pk}


@pytest.mark.parametrize("via", ["page", "api"])
def test_the_search_finds_a_request_by_caller_name(via, client_for, agent, requests_to_find):
    assert found(via, agent, client_for, q="欧阳") == {requests_to_find["caller"].pk}


@pytest.mark.parametrize("via", ["page", "api"])
def test_the_search_finds_a_request_by_its_short_number(via, client_for, agent, requests_to_find):
    """The number read out on the phone is often only the part after the date (4711 of 20261123-4711)."""
    wanted = requests_to_find["others"][1]
    assert found(via, agent, client_for, q=str(wanted.pk)) == {wanted.pk}
    assert found(via, agent, client_for, q=wanted.number) == {wanted.pk}


@pytest.mark.parametrize("via", ["page", "api"])
def test_the_search_by_number_stays_within_the_scope(via, client_for, manager, other_manager, own_customer):
    foreign = TicketFactory(owner=other_manager, customer=CustomerFactory(account_manager=other_manager))
    assert found(via, manager, client_for, q=str(foreign.pk)) == set()
    assert found(via, manager, client_for, q="9" * 25) == set()  # no id that long: no error either


def test_the_workbench_links_the_most_urgent_requests_to_their_pages(client_for, agent, own_customer):
    soon = TicketFactory(
        owner=agent, customer=own_customer, title="明早到期", due_at=timezone.now() + timedelta(hours=3)
    )
    page = client_for(agent).get(reverse("workbench")).content.decode()
    assert f'href="{reverse("tickets:detail", args=[soon.pk])}"' in page


@pytest.mark.parametrize("via", ["page", "api"])
def test_a_supervisors_department_queue_holds_their_customers_requests_before_dispatch(
    via, client_for, agent, supervisor, own_customer, foreign_customer, org
):
    """The hotline (an agent at head office) registers a request of an east customer: nobody has
    dispatched it yet, and the east supervisor finds it in their department's queue."""
    hotline = services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer)[0]
    dispatched_here = TicketFactory(owner=agent, customer=foreign_customer, department=org["east_team"])
    elsewhere = TicketFactory(owner=agent, customer=foreign_customer)
    assert hotline.department_id is None
    queue = found(via, supervisor, client_for, queue="department")
    assert queue == {hotline.pk, dispatched_here.pk}
    assert elsewhere.pk not in found(via, supervisor, client_for)  # nor in their scope at all
