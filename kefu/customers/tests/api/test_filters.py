"""The customer list's filters (CustomerFilter): one definition for the page, its export and the
API, which checks every value before it reaches the database."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.customers.tests.factories import BAD_FILTER_VALUES, CustomerFactory


@pytest.mark.parametrize(("name", "value"), BAD_FILTER_VALUES)
def test_the_api_refuses_a_bad_filter_value_naming_the_filter(name, value, agent, own_customer):
    client = APIClient()
    client.force_authenticate(agent)
    response = client.get(reverse("api-customer-list"), {name: value})
    assert response.status_code == 400
    assert list(response.json()) == [name]


@pytest.mark.parametrize("via", ["page", "api"])
def test_the_page_and_the_api_filter_alike(via, agent, manager, own_customer, foreign_customer, client_for):
    CustomerFactory(name="无电话", mobile="", has_valid_phone=False, account_manager=manager)
    query = {"account_manager": manager.pk, "has_valid_phone": "true", "ordering": "name"}
    if via == "page":
        names = [c.name for c in client_for(agent).get(reverse("customers:list"), query).context["page_obj"]]
    else:
        client = APIClient()
        client.force_authenticate(agent)
        names = [row["name"] for row in client.get(reverse("api-customer-list"), query).json()["results"]]
    assert names == [own_customer.name]


def test_the_schema_documents_the_list_filters(agent):
    client = APIClient()
    client.force_authenticate(agent)
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/customers/"]["get"]["parameters"]}
    assert parameters["account_manager"]["type"] == "integer"
    assert parameters["has_valid_phone"]["type"] == "boolean"
    assert set(parameters["kind"]["enum"]) >= {"individual", "organisation"}
