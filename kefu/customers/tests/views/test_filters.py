"""The customer list page ignores a filter value that is not one and says so (the API refuses it)."""

import pytest
from django.urls import reverse

from kefu.customers.tests.factories import BAD_FILTER_VALUES

# The message names the refused filter in Chinese.
LABELS = {"account_manager": "客户经理", "tag": "标签", "kind": "客户类型", "ordering": "排序"}


@pytest.mark.parametrize(("name", "value"), BAD_FILTER_VALUES)
def test_the_page_ignores_a_bad_filter_value_and_says_so(name, value, agent, own_customer, client_for):
    response = client_for(agent).get(reverse("customers:list"), {name: value})
    assert response.status_code == 200
    [error] = response.context["filter_errors"]
    assert error.startswith(LABELS[name]) and error in response.content.decode()
    assert own_customer in list(response.context["page_obj"])  # the list as if unfiltered
