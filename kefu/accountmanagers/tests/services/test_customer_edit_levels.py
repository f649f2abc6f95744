"""The tier → manager level rule (Tier.required_manager_level) holds when a customer is given a
manager through the customer's own page, API or service, as it does for the account managers'
hand assignment: a 三星 customer needs a chief (the default tiers, customers migration 0005)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.accountmanagers.models import ManagerProfile
from kefu.audit.models import AuditEvent
from kefu.customers import services as customer_services
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory
from kefu.org.choices import ManagerLevel, Role
from kefu.org.tests.factories import UserFactory

VIA = ["page", "api", "service"]


@pytest.fixture
def top_customer(org):
    return CustomerFactory(name="三星客户", tier="三星", org_unit=org["east_team"])


@pytest.fixture
def chief(org):
    user = UserFactory(username="chief", full_name="李首席", role=Role.ACCOUNT_MANAGER, org_unit=org["east_team"])
    ManagerProfile.objects.create(user=user, level=ManagerLevel.CHIEF)
    return user


def _give(via, actor, client_for, customer: Customer, manager) -> set[str]:
    """Give `customer` to `manager` through one path; the fields it was refused on (empty: saved)."""
    if via == "page":
        data = {"name": customer.name, "kind": customer.kind, "status": customer.status, "tier": customer.tier}
        response = client_for(actor).post(
            reverse("customers:edit", args=[customer.pk]),
            {**data, "version": customer.version, "account_manager": manager.pk},
        )
        return set(response.context["form"].errors) if response.status_code == 200 else set()
    if via == "api":
        client = APIClient()
        client.force_authenticate(actor)
        url = reverse("api-customer-detail", args=[customer.pk])
        response = client.patch(url, {"account_manager": manager.pk, "version": customer.version}, format="json")
        return set(response.json()) if response.status_code == 400 else set()
    try:
        customer_services.customer_update(
            actor=actor,
            customer=customer,
            expected_version=customer.version,
            data={},
            relations={"account_manager": manager},
        )
    except ValidationError as error:
        return set(error.message_dict)
    return set()


@pytest.mark.parametrize("via", VIA)
def test_a_top_tier_customer_given_to_a_regular_manager_is_refused(via, client_for, supervisor, manager, top_customer):
    before = AuditEvent.objects.count()
    assert _give(via, supervisor, client_for, top_customer, manager) == {"account_manager"}
    top_customer.refresh_from_db()
    assert top_customer.account_manager_id is None and top_customer.version == 1
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("via", VIA)
def test_a_top_tier_customer_given_to_a_chief_is_saved(via, client_for, supervisor, chief, top_customer):
    assert _give(via, supervisor, client_for, top_customer, chief) == set()
    top_customer.refresh_from_db()
    assert top_customer.account_manager_id == chief.pk


def test_a_tier_change_alone_is_not_refused_the_next_plan_moves_the_customer(supervisor, manager, org):
    """Grading changes tiers too; the customer keeps its manager until assignment moves it."""
    customer = CustomerFactory(name="升级客户", tier="一星", account_manager=manager, org_unit=org["east_team"])
    customer_services.customer_update(actor=supervisor, customer=customer, expected_version=1, data={"tier": "三星"})
    customer.refresh_from_db()
    assert customer.tier == "三星" and customer.account_manager_id == manager.pk


def test_the_refusal_names_the_tier_and_both_levels_in_chinese(supervisor, manager, top_customer):
    with pytest.raises(ValidationError) as error:
        customer_services.customer_update(
            actor=supervisor, customer=top_customer, expected_version=1, data={}, relations={"account_manager": manager}
        )
    message = error.value.message_dict["account_manager"][0]
    assert "三星" in message and "首席客户经理" in message and "普通客户经理" in message and "王经理" in message
