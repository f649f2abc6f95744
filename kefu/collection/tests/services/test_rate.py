"""The collection rate: collected ÷ due for the arrears due in the period, payments counted up
to the period's last day; per manager and per branch, in the viewer's scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kefu.collection import selectors, services
from kefu.conftest import api

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def bills(admin_user, rows):
    services.arrears_import(actor=admin_user, rows=list(enumerate(rows, start=2)))


def pay(admin_user, rows):
    services.payments_import(actor=admin_user, rows=list(enumerate(rows, start=2)))


@pytest.fixture
def small_book(book, admin_user):
    """By hand: 王经理's customers owe 1,000.00 (hotel, due 03-10) and 500.00 (mill, due 03-20)
    in March, and 300.00 (hotel's February bill due 02-28, outside the period); 李经理's school
    owes 200.00 due 03-15. Paid: hotel 600 on 03-12 and 400 on 04-02 (after the period), mill
    500 on 03-25, school nothing; the February bill 300 on 03-01 (not a March bill).
    王经理: collected 600 + 500 = 1,100 of 1,500 due → 73.33 %; 李经理: 0 of 200 → 0.00 %;
    all: 1,100 of 1,700 → 64.71 %."""
    bills(
        admin_user,
        [
            {"customer_code": "C001", "period": "2026-02", "amount": "1000", "due_date": "2026-03-10"},
            {"customer_code": "C002", "period": "2026-02", "amount": "500.00", "due_date": "2026-03-20"},
            {"customer_code": "C001", "period": "2026-01", "amount": "300", "due_date": "2026-02-28"},
            {"customer_code": "C003", "period": "2026-02", "amount": "200", "due_date": "2026-03-15"},
        ],
    )
    pay(
        admin_user,
        [
            {"customer_code": "C001", "period": "2026-02", "amount": "600", "paid_on": "2026-03-12", "reference": "P1"},
            {"customer_code": "C001", "period": "2026-02", "amount": "400", "paid_on": "2026-04-02", "reference": "P2"},
            {"customer_code": "C002", "period": "2026-02", "amount": "500", "paid_on": "2026-03-25", "reference": "P3"},
            {"customer_code": "C001", "period": "2026-01", "amount": "300", "paid_on": "2026-03-01", "reference": "P4"},
        ],
    )
    return book


def test_a_collection_rate_computed_by_hand_for_a_small_book(small_book, admin_user, manager, other_manager):
    total, rows = selectors.collection_rates(admin_user, start=MARCH[0], end=MARCH[1], by="manager")
    by_manager = {row.key: (row.due, row.collected, row.rate) for row in rows}
    assert by_manager == {
        manager.pk: (Decimal("1500.00"), Decimal("1100.00"), Decimal("73.33")),
        other_manager.pk: (Decimal("200.00"), Decimal("0"), Decimal("0.00")),
    }
    assert (total.due, total.collected, total.rate) == (Decimal("1700.00"), Decimal("1100.00"), Decimal("64.71"))


def test_the_rate_per_branch_adds_up_the_customers_of_its_units(small_book, admin_user, org):
    total, rows = selectors.collection_rates(admin_user, start=MARCH[0], end=MARCH[1], by="branch")
    assert {row.name: row.rate for row in rows} == {"城东分公司": Decimal("73.33"), "城西分公司": Decimal("0.00")}
    assert total.rate == Decimal("64.71")


def test_a_manager_sees_only_their_own_books_rate(small_book, manager):
    total, rows = selectors.collection_rates(manager, start=MARCH[0], end=MARCH[1])
    assert [row.key for row in rows] == [manager.pk]
    assert total.rate == Decimal("73.33")


def test_a_target_is_shown_against_the_rate(small_book, supervisor, manager, org):
    services.collection_target_set(
        actor=supervisor, period_start=MARCH[0], period_end=MARCH[1], target_percent="95", manager_id=manager.pk
    )
    _total, rows = selectors.collection_rates(supervisor, start=MARCH[0], end=MARCH[1])
    (row,) = rows
    assert (row.target, row.meets_target) == (Decimal("95.00"), False)


@pytest.mark.parametrize("way", ["service", "page", "api"])
def test_a_supervisor_cannot_set_a_target_for_a_manager_outside_their_subtree(
    way, supervisor, other_manager, client_for
):
    from django.core.exceptions import ValidationError

    from kefu.collection.models import CollectionTarget

    if way == "service":
        with pytest.raises(ValidationError) as refused:
            services.collection_target_set(
                actor=supervisor, period_start=MARCH[0], period_end=MARCH[1], target_percent="95",
                manager_id=other_manager.pk,
            )  # fmt: skip
        assert "manager" in refused.value.message_dict
    else:
        body = {"period_start": "2026-03-01", "period_end": "2026-03-31", "target_percent": "95"}
        body["manager"] = other_manager.pk
        if way == "page":
            response = client_for(supervisor).post(reverse("collection:rates"), body)
            assert response.status_code == 400 and 'id="id_manager"' in response.content.decode()
            assert "manager" in response.context["target_form"].errors
        else:
            response = api(supervisor).post(reverse("api-collection-target-list"), body, format="json")
            assert response.status_code == 400 and "manager" in response.json()
    assert not CollectionTarget.objects.exists()


def test_the_rates_page_and_api_agree_with_the_hand_count(small_book, admin_user, client_for):
    response = api(admin_user).get(
        reverse("api-collection-rates"), {"start": "2026-03-01", "end": "2026-03-31", "by": "manager"}
    )
    assert response.status_code == 200
    assert response.json()["total"]["rate"] == "64.71"
    page = client_for(admin_user).get(reverse("collection:rates"), {"start": "2026-03-01", "end": "2026-03-31"})
    assert page.status_code == 200 and "73.33" in page.content.decode() and "64.71" in page.content.decode()


def test_targets_are_set_and_listed_through_the_api_in_scope(supervisor, manager, other_manager, org):
    client = api(supervisor)
    body = {
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "target_percent": "100",
        "org_unit": org["east"].pk,
    }
    assert client.post(reverse("api-collection-target-list"), body, format="json").status_code == 201
    again = client.post(reverse("api-collection-target-list"), {**body, "target_percent": "98.5"}, format="json")
    assert again.status_code == 201 and again.json()["target_percent"] == "98.50"  # changed, not doubled
    outside = client.post(reverse("api-collection-target-list"), {**body, "org_unit": org["west"].pk}, format="json")
    assert outside.status_code == 400 and "org_unit" in outside.json()
    assert [row["target_percent"] for row in client.get(reverse("api-collection-target-list")).json()["results"]] == [
        "98.50"
    ]
    assert api(manager).post(reverse("api-collection-target-list"), body, format="json").status_code == 403
