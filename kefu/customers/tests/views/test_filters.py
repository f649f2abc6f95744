"""The customer list page ignores a filter value that is not one and says so (the API refuses it)."""

import pytest
from django.urls import reverse

from kefu.customers.tests.factories import BAD_FILTER_VALUES


@pytest.mark.parametrize(("name", "value"), BAD_FILTER_VALUES)
def test_the_page_ignores_a_bad_filter_value_and_says_so(name, value, agent, own_customer, client_for):
    response = client_for(agent).get(reverse("customers:list"), {name: value})
    assert response.status_code == 200
    assert response.context["filter_errors"]
    assert own_customer in list(response.context["page_obj"])  # the list as if unfiltered
