"""Business rules on what a change points at, each checked once through the page, the API and the
service itself: they must refuse the same thing on the same field and write nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.audit.models import AuditEvent
from kefu.customers import services
from kefu.customers.models import Customer

VIA = ["page", "api", "service"]


def _create(via, actor, client_for, data: dict, parent) -> set[str]:
    """Register a customer with `parent` through one path; the fields it was refused on."""
    if via == "page":
        response = client_for(actor).post(
            reverse("customers:create"), {**data, "kind": "individual", "status": "active", "parent": parent.pk}
        )
        assert response.status_code == 200
        return set(response.context["form"].errors)
    if via == "api":
        client = APIClient()
        client.force_authenticate(actor)
        response = client.post(reverse("api-customer-list"), {**data, "parent": parent.pk}, format="json")
        assert response.status_code == 400
        return set(response.json())
    with pytest.raises(ValidationError) as error:
        services.customer_create(actor=actor, data=data, relations={"parent": parent})
    return set(error.value.message_dict)


def _update(via, actor, client_for, customer: Customer, parent) -> set[str]:
    if via == "page":
        data = {"name": customer.name, "kind": customer.kind, "status": customer.status, "version": customer.version}
        response = client_for(actor).post(reverse("customers:edit", args=[customer.pk]), {**data, "parent": parent.pk})
        assert response.status_code == 200
        return set(response.context["form"].errors)
    if via == "api":
        client = APIClient()
        client.force_authenticate(actor)
        url = reverse("api-customer-detail", args=[customer.pk])
        response = client.patch(url, {"parent": parent.pk, "version": customer.version}, format="json")
        assert response.status_code == 400
        return set(response.json())
    with pytest.raises(ValidationError) as error:
        services.customer_update(
            actor=actor, customer=customer, expected_version=customer.version, data={}, relations={"parent": parent}
        )
    return set(error.value.message_dict)


@pytest.mark.parametrize("via", VIA)
def test_a_parent_organisation_outside_the_actors_scope_is_refused(
    via, client_for, supervisor, own_customer, foreign_customer
):
    """The east supervisor cannot make a west customer the group a customer belongs to."""
    before = Customer.objects.count(), AuditEvent.objects.count()
    assert _create(via, supervisor, client_for, {"name": "城东分店"}, foreign_customer) == {"parent"}
    assert _update(via, supervisor, client_for, own_customer, foreign_customer) == {"parent"}
    own_customer.refresh_from_db()
    assert own_customer.parent_id is None and own_customer.version == 1
    assert (Customer.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("via", VIA)
def test_a_parent_organisation_in_scope_is_accepted(via, client_for, supervisor, manager, own_customer, org):
    group = Customer.objects.create(name="城东集团", account_manager=manager, org_unit=org["east_team"])
    if via == "page":
        data = {"name": own_customer.name, "kind": "individual", "status": "active", "version": 1, "parent": group.pk}
        assert client_for(supervisor).post(reverse("customers:edit", args=[own_customer.pk]), data).status_code == 302
    elif via == "api":
        client = APIClient()
        client.force_authenticate(supervisor)
        url = reverse("api-customer-detail", args=[own_customer.pk])
        assert client.patch(url, {"parent": group.pk, "version": 1}, format="json").status_code == 200
    else:
        services.customer_update(
            actor=supervisor, customer=own_customer, expected_version=1, data={}, relations={"parent": group}
        )
    own_customer.refresh_from_db()
    assert own_customer.parent == group


@pytest.mark.parametrize("via", VIA)
def test_the_parent_a_customer_already_has_may_stay_though_outside_the_actors_scope(
    via, client_for, supervisor, own_customer, foreign_customer
):
    """Saving a customer unchanged must not fail because its group lies in another branch."""
    Customer.objects.filter(pk=own_customer.pk).update(parent=foreign_customer)
    own_customer.refresh_from_db()
    if via == "page":
        data = {"name": "改名后", "kind": own_customer.kind, "status": own_customer.status, "version": 1}
        response = client_for(supervisor).post(
            reverse("customers:edit", args=[own_customer.pk]), {**data, "parent": foreign_customer.pk}
        )
        assert response.status_code == 302, response.context["form"].errors
    elif via == "api":
        client = APIClient()
        client.force_authenticate(supervisor)
        url = reverse("api-customer-detail", args=[own_customer.pk])
        body = {"name": "改名后", "parent": foreign_customer.pk, "version": 1}
        response = client.patch(url, body, format="json")
        assert response.status_code == 200, response.json()
    else:
        services.customer_update(
            actor=supervisor,
            customer=own_customer,
            expected_version=1,
            data={"name": "改名后"},
            relations={"parent": foreign_customer},
        )
    own_customer.refresh_from_db()
    assert own_customer.name == "改名后" and own_customer.parent == foreign_customer
