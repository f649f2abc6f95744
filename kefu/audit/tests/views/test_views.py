"""The auditor's view of who changed what."""

import pytest
from django.urls import reverse

from kefu.audit.choices import AuditAction
from kefu.core.testing import count_queries
from kefu.customers import services
from kefu.customers.tests.factories import CustomerFactory


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_account_manager_cannot_browse_the_audit_trail(client_for, manager):
    assert client_for(manager).get(reverse("audit:list")).status_code == 403


def test_auditor_sees_who_changed_what_with_before_and_after(client_for, auditor, manager, own_customer):
    services.customer_update(actor=manager, customer=own_customer, expected_version=1, data={"region": "东区"})
    body = client_for(auditor).get(reverse("audit:list")).content.decode()
    assert "王经理" in body and "东区" in body


def test_auditor_filters_by_actor_and_action(client_for, auditor, manager, agent, own_customer):
    services.customer_update(actor=manager, customer=own_customer, expected_version=1, data={"region": "东区"})
    services.customer_reveal(actor=agent, customer=own_customer, field="mobile")
    client = client_for(auditor)
    page = client.get(reverse("audit:list"), {"actor": agent.pk}).context["page_obj"]
    assert [e.action for e in page] == [AuditAction.REVEALED]
    page = client.get(reverse("audit:list"), {"action": AuditAction.UPDATED}).context["page_obj"]
    assert [e.actor for e in page] == [manager]


@pytest.mark.parametrize(
    ("name", "value", "label"),
    [
        ("actor", "1e30", "操作人"),
        ("customer", "abc", "客户ID"),
        ("since", "9999-99-99", "起始日期"),
        ("action", "x", "操作"),
    ],
)
def test_a_bad_filter_value_is_ignored_and_the_page_names_it(
    name, value, label, client_for, auditor, manager, own_customer
):
    services.customer_update(actor=manager, customer=own_customer, expected_version=1, data={"region": "东区"})
    response = client_for(auditor).get(reverse("audit:list"), {name: value})
    assert response.status_code == 200
    [error] = response.context["filter_errors"]
    assert error.startswith(f"{label}：") and error in response.content.decode()
    assert [e.actor for e in response.context["page_obj"]] == [manager]  # the trail as if unfiltered


def test_audit_list_runs_a_bounded_number_of_queries_for_1_and_50_events(client_for, auditor, manager):
    client = client_for(auditor)
    services.customer_create(actor=manager, data={"name": "一"})
    client.get(reverse("audit:list"))
    with_one = count_queries(lambda: client.get(reverse("audit:list")))
    for i in range(49):
        services.customer_create(actor=manager, data={"name": f"客户{i}"})
    # One more at most: a full first page is followed by its (capped) count; a short one is its own.
    assert count_queries(lambda: client.get(reverse("audit:list"))) == with_one + 1


def test_auditor_changes_nothing(client_for, auditor):
    customer = CustomerFactory()
    client = client_for(auditor)
    assert client.post(reverse("customers:delete", args=[customer.pk])).status_code == 403
    assert client.post(reverse("customers:create"), {"name": "x"}).status_code == 403
