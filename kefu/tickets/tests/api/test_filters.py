"""The request list's filters (TicketFilter): one definition for the queue page and the API,
which checks every value before it reaches the database."""

import pytest
from django.urls import reverse

from kefu.conftest import api
from kefu.tickets.tests.factories import BAD_FILTER_VALUES, TicketFactory


@pytest.mark.parametrize(("name", "value"), BAD_FILTER_VALUES)
def test_the_api_refuses_a_bad_filter_value_naming_the_filter(name, value, agent):
    response = api(agent).get(reverse("api-request-list"), {name: value})
    assert response.status_code == 400
    assert list(response.json()) == [name]


@pytest.mark.parametrize("via", ["page", "api"])
def test_the_page_and_the_api_filter_alike(via, agent, own_customer, foreign_customer, client_for):
    mine = TicketFactory(owner=agent, customer=own_customer, ticket_type="complaint")
    TicketFactory(owner=agent, customer=own_customer, ticket_type="inquiry")
    TicketFactory(owner=agent, customer=foreign_customer, ticket_type="complaint")
    query = {"queue": "all_open", "customer": own_customer.pk, "ticket_type": "complaint"}
    if via == "page":
        found = [row.pk for row in client_for(agent).get(reverse("tickets:queue"), query).context["page_obj"]]
    else:
        found = [row["id"] for row in api(agent).get(reverse("api-request-list"), query).json()["results"]]
    assert found == [mine.pk]


def test_the_schema_documents_the_list_filters(agent):
    schema = api(agent).get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/requests/"]["get"]["parameters"]}
    assert parameters["customer"]["type"] == parameters["department"]["type"] == "integer"
    assert set(parameters["queue"]["enum"]) >= {"mine", "all_open", "closed"}
    assert set(parameters["sla_state"]["enum"]) == {"ok", "warning", "breached"}
