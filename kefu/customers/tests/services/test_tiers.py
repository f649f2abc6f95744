"""A customer's tier is one of the tier rows: checked by the service, whoever calls it (page, API,
import), named on the `tier` field in Chinese; the page offers the tiers as a list, top first."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kefu.audit.models import AuditEvent
from kefu.conftest import api
from kefu.customers import services
from kefu.customers.models import Customer, Tier
from kefu.customers.tests.factories import CustomerFactory

VIA = ["page", "api", "service"]


def _set_tier(via, actor, client_for, customer: Customer, tier: str) -> dict[str, str]:
    """Give `customer` this tier through one path: {} if saved, else {field: message}."""
    if via == "page":
        data = {"name": customer.name, "kind": customer.kind, "status": customer.status, "version": customer.version}
        response = client_for(actor).post(reverse("customers:edit", args=[customer.pk]), {**data, "tier": tier})
        if response.status_code == 302:
            return {}
        return {field: " ".join(errors) for field, errors in response.context["form"].errors.items()}
    if via == "api":
        url = reverse("api-customer-detail", args=[customer.pk])
        response = api(actor).patch(url, {"tier": tier, "version": customer.version}, format="json")
        if response.status_code == 200:
            return {}
        assert response.status_code == 400
        return {field: " ".join(errors) for field, errors in response.json().items()}
    try:
        services.customer_update(actor=actor, customer=customer, expected_version=customer.version, data={"tier": tier})
    except ValidationError as error:
        return {field: " ".join(errors) for field, errors in error.message_dict.items()}
    return {}


@pytest.mark.parametrize("via", VIA)
@pytest.mark.parametrize("value", ["五星", "VIP"])
def test_a_tier_that_is_not_a_tier_row_is_refused_on_the_tier_field(via, value, client_for, manager, own_customer):
    audits = AuditEvent.objects.count()
    with translation.override("zh-hans"):
        errors = _set_tier(via, manager, client_for, own_customer, value)
    assert set(errors) == {"tier"}
    if via != "page":  # the page's list refuses it first, with Django's own words for a choice
        assert "不是有效的客户等级" in errors["tier"] and "三星" in errors["tier"]
    assert Customer.objects.get(pk=own_customer.pk).tier == own_customer.tier
    assert AuditEvent.objects.count() == audits


@pytest.mark.parametrize("via", VIA)
def test_a_retired_tier_cannot_be_given(via, client_for, manager, own_customer):
    Tier.objects.filter(code="二星").update(active=False)
    Tier.objects.get(code="一星").save()  # any save announces the change to the configuration cache
    assert set(_set_tier(via, manager, client_for, own_customer, "二星")) == {"tier"}


@pytest.mark.parametrize("via", VIA)
def test_a_customer_keeps_a_tier_retired_since(via, client_for, manager, org):
    customer = CustomerFactory(name="老客户", tier="二星", account_manager=manager, org_unit=org["east_team"])
    Tier.objects.filter(code="二星").update(active=False)
    Tier.objects.get(code="一星").save()
    assert _set_tier(via, manager, client_for, customer, "二星") == {}
    assert Customer.objects.get(pk=customer.pk).tier == "二星"


@pytest.mark.parametrize("via", ["api", "service"])
def test_a_tier_is_given_by_code_or_by_label(via, client_for, manager, own_customer):
    Tier.objects.filter(code="一星").update(label="C级")
    Tier.objects.get(code="二星").save()
    assert _set_tier(via, manager, client_for, own_customer, "C级") == {}
    assert Customer.objects.get(pk=own_customer.pk).tier == "一星"


def test_the_customer_form_offers_the_active_tiers_top_first_by_label(client_for, manager, own_customer):
    Tier.objects.create(code="D", label="D级", rank=9, active=False)
    Tier.objects.filter(code="三星").update(label="三星级")
    Tier.objects.get(code="一星").save()
    form = client_for(manager).get(reverse("customers:edit", args=[own_customer.pk])).context["form"]
    assert list(form.fields["tier"].choices) == [("", "—"), ("三星", "三星级"), ("二星", "二星"), ("一星", "一星")]


def test_the_customer_list_filters_by_tier_and_refuses_an_unknown_one(client_for, manager, own_customer, org):
    top = CustomerFactory(name="大客户", tier="三星", account_manager=manager, org_unit=org["east_team"])
    page = client_for(manager).get(reverse("customers:list"), {"tier": "三星"})
    assert [c.pk for c in page.context["page_obj"]] == [top.pk]
    assert ("三星", "三星") in page.context["tiers"]
    assert api(manager).get(reverse("api-customer-list"), {"tier": "五星"}).status_code == 400
    answer = api(manager).get(reverse("api-customer-list"), {"tier": "三星"}).json()
    assert [(row["id"], row["green_channel"]) for row in answer["results"]] == [(top.pk, True)]


def test_the_tiers_api_lists_every_tier_top_first(manager):
    Tier.objects.create(code="D", label="D级", rank=9, active=False)
    answer = api(manager).get(reverse("api-tier-list"))
    assert answer.status_code == 200
    assert answer.json()[0] == {
        "code": "三星", "label": "三星", "rank": 1, "green_channel": True,
        "required_manager_level": "chief", "active": True,
    }  # fmt: skip
    assert [row["code"] for row in answer.json()] == ["三星", "二星", "一星", "D"]
    assert api().get(reverse("api-tier-list")).status_code in (401, 403)


def test_a_tier_saved_in_the_admin_is_audited_and_its_code_is_fixed(client_for, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    tier = Tier.objects.get(code="二星")
    url = reverse("admin:customers_tier_change", args=[tier.pk])
    client = client_for(admin_user)
    assert "code" not in client.get(url).context["adminform"].form.fields
    data = {"label": "银牌", "rank": 2, "green_channel": "on", "required_manager_level": "secondary", "active": "on"}
    assert client.post(url, data).status_code == 302
    tier.refresh_from_db()
    assert (tier.code, tier.label, tier.green_channel) == ("二星", "银牌", True)
    assert AuditEvent.objects.filter(target_type__icontains="tier", target_id=str(tier.pk)).exists()
