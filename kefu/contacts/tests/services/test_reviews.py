"""The quarterly review of each key account's file (seed 004 篇9): planned once per customer and
quarter for the tiers whose plan asks for it, closed by the manager with notes."""

from datetime import date

import pytest
from django.urls import reverse

from kefu.audit.models import AuditEvent
from kefu.conftest import api, login
from kefu.contacts import services
from kefu.contacts.models import KeyAccountReview
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_each_key_account_gets_one_review_a_quarter_due_on_its_last_day(manager, key_account, own_customer):
    assert services.reviews_plan(today=date(2026, 11, 5)) == 1  # 三星 only (own_customer has no tier)
    assert services.reviews_plan(today=date(2026, 12, 20)) == 0  # a second run in the quarter adds nothing
    review = KeyAccountReview.objects.get()
    assert (review.customer, review.manager, review.quarter_start, review.due_on) == (
        key_account,
        manager,
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert services.reviews_plan(today=date(2027, 1, 2)) == 1  # next quarter


@pytest.mark.parametrize("way", ["page", "api"])
def test_the_manager_closes_the_review_with_notes_and_an_empty_note_is_refused(way, manager, key_account):
    services.reviews_plan(today=date(2026, 11, 5))
    review = KeyAccountReview.objects.get()
    if way == "page":
        login(manager).post(reverse("contacts:review_complete", args=[review.pk]), {"notes": ""})
        review.refresh_from_db()
        assert review.status == "open"
        login(manager).post(reverse("contacts:review_complete", args=[review.pk]), {"notes": "核对了协议和关键人"})
    else:
        url = reverse("api-contact-review-complete", args=[review.pk])
        refused = api(manager).post(url, {"notes": ""}, format="json")
        assert refused.status_code == 400 and "notes" in refused.json()
        assert api(manager).post(url, {"notes": "核对了协议和关键人"}, format="json").status_code == 200
    review.refresh_from_db()
    assert (review.status, review.reviewed_by, review.notes) == ("done", manager, "核对了协议和关键人")
    assert AuditEvent.objects.filter(target_type="contacts.keyaccountreview", target_id=review.pk).exists()


@pytest.mark.parametrize("way", ["page", "api"])
def test_another_managers_review_is_not_found(way, other_manager, key_account):
    services.reviews_plan(today=date(2026, 11, 5))
    review = KeyAccountReview.objects.get()
    if way == "page":
        response = login(other_manager).post(reverse("contacts:review_complete", args=[review.pk]), {"notes": "x"})
    else:
        url = reverse("api-contact-review-complete", args=[review.pk])
        response = api(other_manager).post(url, {"notes": "x"}, format="json")
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.status == "open"


def test_a_departing_managers_open_reviews_follow_the_customer(manager, other_manager, key_account, admin_user):
    from kefu.contacts.services import hand_over_reviews

    services.reviews_plan(today=date(2026, 11, 5))
    items = hand_over_reviews(actor=admin_user, leaving=manager, receiver_for=lambda customer_id: other_manager)
    assert [item.receiver_id for item in items] == [other_manager.pk]
    assert KeyAccountReview.objects.get().manager == other_manager


def test_a_tier_without_a_review_plan_gets_none(manager, org):
    CustomerFactory(tier="二星", account_manager=manager, org_unit=org["east_team"])
    assert services.reviews_plan(today=date(2026, 11, 5)) == 0
