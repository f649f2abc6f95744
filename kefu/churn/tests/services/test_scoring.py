"""The risk score: each factor's points by its rule, stored per factor, summed; set-based."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.churn.models import ChurnScore
from kefu.churn.services import churn_run
from kefu.contacts.models import ContactLog
from kefu.customers.tests.factories import CustomerFactory

from ..conftest import AS_OF, aware, competitor, complaint, unsatisfied_callback, volumes

pytestmark = pytest.mark.django_db


def score_of(run, customer) -> ChurnScore:
    return ChurnScore.objects.get(run=run, customer=customer)


def test_revenue_falling_by_half_gives_half_the_volume_weight(admin_user, own_customer):
    volumes(own_customer, earlier=1000, recent=500)
    run = churn_run(actor=admin_user, as_of=AS_OF)
    score = score_of(run, own_customer)
    assert score.revenue_earlier == Decimal("3000") and score.revenue_recent == Decimal("1500")
    assert score.drop_percent == Decimal("50")
    assert score.points_volume == Decimal("15")  # 30 × 50 %


def test_a_drop_below_the_smallest_that_counts_gives_nothing(admin_user, own_customer):
    volumes(own_customer, earlier=1000, recent=900)  # 10 % < 20 %
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    assert score.drop_percent == Decimal("10") and score.points_volume == 0


def test_growing_business_gives_no_volume_points(admin_user, own_customer):
    volumes(own_customer, earlier=500, recent=1000)
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    assert score.points_volume == 0


def test_business_stopping_entirely_gives_the_full_volume_weight(admin_user, own_customer):
    volumes(own_customer, earlier=1000, recent=0)
    assert score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer).points_volume == Decimal("30")


def test_complaints_count_with_unresolved_ones_twice_up_to_full_points(admin_user, agent, own_customer):
    complaint(own_customer, agent)  # 1
    run = churn_run(actor=admin_user, as_of=AS_OF)
    assert score_of(run, own_customer).points_complaints == Decimal("8.33")  # 25 × 1/3
    complaint(own_customer, agent, closed=False)  # recent and unresolved: counts 2 more
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    assert (score.complaints, score.open_complaints) == (2, 1)
    assert score.points_complaints == Decimal("25")  # 3 of 3


def test_old_resolved_invalid_and_other_requests_do_not_count_as_complaints(admin_user, agent, own_customer):
    complaint(own_customer, agent, on=AS_OF.replace(year=2025))  # outside 180 days, resolved
    complaint(own_customer, agent, valid=False)  # found invalid
    complaint(own_customer, agent, kind="repair")  # not a complaint
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    assert (score.complaints, score.open_complaints, score.points_complaints) == (0, 0, 0)


def test_an_old_complaint_still_unresolved_counts(admin_user, agent, own_customer):
    complaint(own_customer, agent, on=AS_OF.replace(year=2025), closed=False)
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    assert (score.complaints, score.open_complaints) == (0, 1)
    assert score.points_complaints == Decimal("8.33")


def test_unsatisfied_callbacks_give_points_satisfied_ones_none(admin_user, agent, own_customer):
    unsatisfied_callback(own_customer, agent, result="satisfied")
    unsatisfied_callback(own_customer, agent)
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    assert score.unsatisfied == 1
    assert score.points_callbacks == Decimal("7.5")  # 15 × 1/2


def test_a_competitor_record_of_the_last_year_gives_the_competitor_weight(admin_user, manager, own_customer):
    competitor(own_customer, manager)
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    assert score.competitor_records == 1 and score.points_competitor == Decimal("15")


def test_the_score_is_the_sum_of_the_factor_points(admin_user, agent, manager, own_customer):
    volumes(own_customer, earlier=1000, recent=0)  # 30
    complaint(own_customer, agent, closed=False)  # 2 of 3 → 16.67
    unsatisfied_callback(own_customer, agent)  # 1 of 2 → 7.5
    competitor(own_customer, manager)  # 15
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    parts = [
        score.points_volume,
        score.points_complaints,
        score.points_callbacks,
        score.points_contact,
        score.points_competitor,
    ]
    assert parts == [Decimal("30"), Decimal("16.67"), Decimal("7.5"), Decimal("0"), Decimal("15")]
    assert score.score == sum(parts) == Decimal("69.17")


def test_a_closed_account_is_not_scored(admin_user, own_customer):
    closed = CustomerFactory(status="closed")
    run = churn_run(actor=admin_user, as_of=AS_OF)
    assert not ChurnScore.objects.filter(run=run, customer=closed).exists()
    assert run.customers == 1


def test_scoring_is_one_statement_whatever_the_number_of_customers(admin_user, own_customer):
    def inserts_into_scores(count):
        CustomerFactory.create_batch(count)
        with CaptureQueriesContext(connection) as queries:
            churn_run(actor=admin_user, as_of=AS_OF)
        return sum(
            1
            for q in queries.captured_queries
            if q["sql"].startswith('INSERT INTO "churn_churnscore"')
            or q["sql"].startswith("INSERT INTO churn_churnscore")
        )

    assert inserts_into_scores(2) == 1
    assert inserts_into_scores(20) == 1


def _created_long_ago(customer):
    type(customer).objects.filter(pk=customer.pk).update(created_at=aware(AS_OF.replace(year=2025)))


def _contacted(customer, user, on):
    ContactLog.objects.create(customer=customer, user=user, contacted_at=aware(on), channel="phone", summary="电话回访")


def test_no_contact_for_longer_than_the_setting_gives_the_contact_weight(admin_user, manager, own_customer):
    _created_long_ago(own_customer)
    _contacted(own_customer, manager, AS_OF - timedelta(days=91))
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    assert score.points_contact == Decimal("15")
    assert timezone.localdate(score.last_contact) == AS_OF - timedelta(days=91)


def test_a_recent_contact_gives_no_contact_points(admin_user, manager, own_customer):
    _created_long_ago(own_customer)
    _contacted(own_customer, manager, AS_OF - timedelta(days=91))
    _contacted(own_customer, manager, AS_OF - timedelta(days=10))
    score = score_of(churn_run(actor=admin_user, as_of=AS_OF), own_customer)
    assert score.points_contact == 0
    assert timezone.localdate(score.last_contact) == AS_OF - timedelta(days=10)


def test_a_customer_never_contacted_counts_from_its_registration(admin_user, own_customer):
    new = CustomerFactory()
    type(new).objects.filter(pk=new.pk).update(created_at=aware(AS_OF - timedelta(days=5)))
    _created_long_ago(own_customer)
    run = churn_run(actor=admin_user, as_of=AS_OF)
    assert score_of(run, new).points_contact == 0
    assert score_of(run, own_customer).points_contact == Decimal("15")
