"""The customer list page ignores a filter value that is not one and says so (the API refuses it)."""

import pytest
from django.urls import reverse

BAD_VALUES = [
    ("account_manager", "abc"),
    ("account_manager", "1e30"),
    ("account_manager", "99999999999999999999"),
    ("account_manager", "-3"),
    ("tag", "abc"),
    ("kind", "robot"),
    ("ordering", "password"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_the_page_ignores_a_bad_filter_value_and_says_so(name, value, agent, own_customer, client_for):
    response = client_for(agent).get(reverse("customers:list"), {name: value})
    assert response.status_code == 200
    assert response.context["filter_errors"]
    assert own_customer in list(response.context["page_obj"])  # the list as if unfiltered
