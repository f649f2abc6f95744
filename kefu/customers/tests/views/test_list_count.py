"""The customer list page shows the capped count and skips it when the first page is short."""

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from kefu.core.testing import count_queries
from kefu.customers.tests.factories import CustomerFactory


@override_settings(KEFU_LIST_PAGE_SIZE=2, KEFU_LIST_COUNT_CAP=3)
def test_list_page_says_more_than_the_cap(client_for, agent):
    CustomerFactory.create_batch(5, name="王五")
    client = client_for(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("customers:list"), {"q": "王"})
    assert response.context["page_obj"].paginator.count_is_capped
    assert "More than 3 customers" in response.content.decode()


def test_list_page_runs_one_query_less_when_the_first_page_is_short(client_for, agent, own_customer):
    client = client_for(agent)
    client.get(reverse("customers:list"))  # session and user lookups warmed up alike below
    short = count_queries(lambda: client.get(reverse("customers:list"), {"q": own_customer.mobile}))
    CustomerFactory.create_batch(25, name="王五")
    full = count_queries(lambda: client.get(reverse("customers:list"), {"q": "王五"}))
    assert short == full - 1
