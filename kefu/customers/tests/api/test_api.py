"""Customer API: same scope and services as the pages; the four permission cases per endpoint."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.conftest import api
from kefu.core.testing import count_queries
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory, KeyPersonFactory

# (method, url name, target, body, status when permitted)
ENDPOINTS = [
    ("get", "api-customer-list", None, None, 200),
    ("post", "api-customer-list", None, {"name": "新客户", "mobile": "13600000000"}, 201),
    ("get", "api-customer-detail", "customer", None, 200),
    ("patch", "api-customer-detail", "customer", {"region": "东区", "version": 1}, 200),
    ("post", "api-customer-reveal", "customer", {"field": "mobile"}, 200),
    ("get", "api-key-person-list", "customer_query", None, 200),
    ("post", "api-key-person-list", "customer_body", {"name": "刘总"}, 201),
    ("get", "api-key-person-detail", "key_person", None, 200),
    ("patch", "api-key-person-detail", "key_person", {"title": "董事长", "version": 1}, 200),
    ("delete", "api-key-person-detail", "key_person", None, 204),
]
IDS = [f"{m} {n} {t or ''}" for m, n, t, _b, _s in ENDPOINTS]


def call(client, endpoint, customer, person):
    method, name, target, body, _status = endpoint
    body = dict(body or {})
    query = {}
    if target in ("customer",):
        url = reverse(name, args=[customer.pk])
    elif target == "key_person":
        url = reverse(name, args=[person.pk])
    else:
        url = reverse(name)
    if target == "customer_query":
        query = {"customer": customer.pk}
    if target == "customer_body":
        body["customer"] = customer.pk
    if method == "get":
        return client.get(url, query)
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_anonymous_call_is_refused(endpoint, own_customer, own_person):
    assert call(api(), endpoint, own_customer, own_person).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_user_without_customer_permission_is_forbidden(endpoint, handler, own_customer, own_person):
    assert call(api(handler), endpoint, own_customer, own_person).status_code == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_account_manager_can_call_it_for_their_own_customer(endpoint, manager, own_customer, own_person):
    response = call(api(manager), endpoint, own_customer, own_person)
    assert response.status_code == endpoint[4], response.content[:500]


SCOPED = [e for e in ENDPOINTS if e[2]]


@pytest.mark.parametrize("endpoint", SCOPED, ids=[f"{m} {n} {t}" for m, n, t, _b, _s in SCOPED])
def test_customer_outside_the_scope_is_not_found(endpoint, manager, foreign_customer, foreign_person):
    assert call(api(manager), endpoint, foreign_customer, foreign_person).status_code == 404


def test_token_authentication_acts_as_the_token_owner(manager, own_customer, foreign_customer):
    token = Token.objects.create(user=manager)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.get(reverse("api-customer-list"))
    assert [row["name"] for row in response.json()["results"]] == ["张三"]


def test_list_masks_numbers_and_search_finds_by_phone(agent, own_customer):
    response = api(agent).get(reverse("api-customer-list"), {"q": own_customer.mobile})
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == ["张三"]
    assert rows[0]["mobile"] == own_customer.masked_mobile


def test_create_reports_every_bad_field_and_creates_nothing(manager):
    response = api(manager).post(
        reverse("api-customer-list"), {"name": "", "mobile": "123", "email": "x"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name", "mobile", "email"}
    assert not Customer.objects.exists()


def test_update_needs_the_version_that_was_read(manager, own_customer):
    client = api(manager)
    url = reverse("api-customer-detail", args=[own_customer.pk])
    assert client.patch(url, {"region": "东区"}, format="json").status_code == 400
    assert client.patch(url, {"region": "东区", "version": 1}, format="json").status_code == 200
    stale = client.patch(url, {"region": "西区", "version": 1}, format="json")
    assert stale.status_code == 409
    own_customer.refresh_from_db()
    assert own_customer.region == "东区"


def test_api_writes_are_audited_like_the_pages(manager):
    response = api(manager).post(reverse("api-customer-list"), {"name": "陈静", "tags": ["VIP"]}, format="json")
    event = AuditEvent.objects.get(target_id=response.json()["id"], target_type="customers.customer")
    assert event.action == AuditAction.CREATED and event.actor == manager


def test_reveal_through_the_api_is_logged(agent, own_customer):
    response = api(agent).post(
        reverse("api-customer-reveal", args=[own_customer.pk]), {"field": "mobile"}, format="json"
    )
    assert response.json() == {"field": "mobile", "value": own_customer.mobile}
    assert AuditEvent.objects.filter(action=AuditAction.REVEALED).count() == 1


def test_auditor_reads_but_cannot_write(auditor, own_customer):
    client = api(auditor)
    assert client.get(reverse("api-customer-detail", args=[own_customer.pk])).status_code == 200
    response = client.patch(reverse("api-customer-detail", args=[own_customer.pk]), {"version": 1}, format="json")
    assert response.status_code == 403


def test_openapi_schema_describes_the_customer_endpoints(agent):
    response = api(agent).get(reverse("api-schema"), {"format": "json"})
    paths = response.json()["paths"]
    assert "/api/v1/customers/" in paths and "/api/v1/customers/{id}/reveal/" in paths


def test_customer_list_runs_the_same_number_of_queries_for_1_and_50_rows(agent):
    client = api(agent)
    url = reverse("api-customer-list")
    CustomerFactory()
    client.get(url)
    with_one = count_queries(lambda: client.get(url))
    CustomerFactory.create_batch(49)
    assert count_queries(lambda: client.get(url)) == with_one


def test_key_person_list_runs_the_same_number_of_queries_for_1_and_50_rows(manager, own_customer):
    client = api(manager)
    url = reverse("api-key-person-list")
    KeyPersonFactory(customer=own_customer)
    with_one = count_queries(lambda: client.get(url, {"customer": own_customer.pk}))
    KeyPersonFactory.create_batch(49, customer=own_customer)
    assert count_queries(lambda: client.get(url, {"customer": own_customer.pk})) == with_one
