"""Each preset computed exactly for hand-worked examples, by the set-based run (SQL), and the
explanation (Python) adds up to the same score and tier."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kefu.customers.choices import CustomerStatus
from kefu.grading import presets
from kefu.grading.explain import explain_score
from kefu.grading.models import GradeScore
from kefu.grading.services import grading_run, scheme_create, scheme_install_preset
from kefu.grading.tests.factories import AS_OF, graded_customer, volumes, weighted_rules
from kefu.tickets.models import Ticket
from kefu.tickets.tests.factories import TicketFactory, install_workflows


def _scores(run) -> dict:
    return {s.customer_id: s for s in GradeScore.objects.filter(run=run).select_related("run")}


def _check_explanations(run):
    for score in GradeScore.objects.filter(run=run).select_related("run"):
        explanation = explain_score(score)
        assert explanation.tier == score.tier
        if run.rules["method"] == "weighted":
            assert explanation.score == score.score


@pytest.mark.django_db
def test_seed_weighted_preset_scores_scale_credit_and_potential(admin_user):
    # 25 × (volume points + revenue points + credit points + potential points) / 100.
    top = graded_customer(credit_rating="A", potential="medium")
    volumes(top, {"2026-03": (60000, 150000), "2026-04": (60000, 150000), "2025-11": (999999, 9999999)})
    low = graded_customer(credit_rating="B", potential="low")
    volumes(low, {"2026-11": (20000, 150000)})
    empty = graded_customer(credit_rating="", potential="high")
    middle = graded_customer(credit_rating="B", potential="medium")
    volumes(middle, {"2025-12": (20000, 200000)})
    scheme = scheme_install_preset(actor=admin_user, preset=presets.SEED_WEIGHTED)

    scores = _scores(grading_run(actor=admin_user, scheme=scheme, as_of=AS_OF))

    # 120,000 (the 2025-11 month is before the period) → 100; 300,000 → 60; 甲 100; 中 60.
    assert (scores[top.pk].volume_total, scores[top.pk].revenue_total) == (Decimal("120000"), Decimal("300000"))
    assert (scores[top.pk].score, scores[top.pk].tier) == (Decimal("80"), "三星")
    assert (scores[low.pk].score, scores[low.pk].tier) == (Decimal("40"), "一星")  # 15 + 5 + 15 + 5
    assert (scores[empty.pk].score, scores[empty.pk].tier) == (Decimal("35"), "一星")  # 5 + 5 + 0 + 25
    assert (scores[middle.pk].score, scores[middle.pk].tier) == (Decimal("60"), "二星")  # 15 × 4
    _check_explanations(scores[top.pk].run)


@pytest.mark.django_db
def test_abc_preset_classes_by_cumulative_value_share(admin_user):
    # Revenue 50/30/10/6/4 of 100: cumulative 50, 80 → A; 90 → B; 96, 100 → C.
    customers = [graded_customer() for _ in range(5)]
    for customer, revenue in zip(customers, [50, 30, 10, 6, 4], strict=True):
        volumes(customer, {"2026-05": (1, revenue)})
    closed = graded_customer(status=CustomerStatus.CLOSED)
    volumes(closed, {"2026-05": (1, 1000)})
    scheme = scheme_install_preset(actor=admin_user, preset=presets.ABC)

    run = grading_run(actor=admin_user, scheme=scheme, as_of=AS_OF)
    scores = _scores(run)

    assert closed.pk not in scores and run.customers == 5
    assert [scores[c.pk].tier for c in customers] == ["三星", "三星", "二星", "一星", "一星"]
    assert [scores[c.pk].share for c in customers] == [Decimal(n) for n in (50, 80, 90, 96, 100)]
    _check_explanations(run)


@pytest.mark.django_db
def test_rfm_preset_sums_recency_frequency_and_monetary_points(admin_user):
    every_month = graded_customer()
    months = [f"{2025 + (m > 0)}-{(m + 11) % 12 + 1:02d}" for m in range(12)]  # 2025-12 … 2026-11
    volumes(every_month, dict.fromkeys(months, (1, 100000)))
    once = graded_customer()
    volumes(once, {"2026-06": (1, 60000)})
    never = graded_customer()
    recent = graded_customer()
    volumes(recent, {"2026-09": (1, 100000), "2026-10": (1, 100000), "2026-11": (1, 100000)})
    scheme = scheme_install_preset(actor=admin_user, preset=presets.RFM)

    run = grading_run(actor=admin_user, scheme=scheme, as_of=AS_OF)
    scores = _scores(run)

    # R 0 → 5, F 12 → 5, M 1,200,000 → 5.
    assert (scores[every_month.pk].recency_months, scores[every_month.pk].active_months) == (0, 12)
    assert (scores[every_month.pk].score, scores[every_month.pk].tier) == (Decimal("15"), "三星")
    # R 5 (June to November) → 3, F 1 → 1, M 60,000 → 3.
    assert scores[once.pk].recency_months == 5
    assert (scores[once.pk].score, scores[once.pk].tier) == (Decimal("7"), "一星")
    # No business: R none → 0, F 0 → 0, M 0 → 1.
    assert scores[never.pk].recency_months is None
    assert (scores[never.pk].score, scores[never.pk].tier) == (Decimal("1"), "一星")
    # R 0 → 5, F 3 → 2, M 300,000 → 4.
    assert (scores[recent.pk].score, scores[recent.pk].tier) == (Decimal("11"), "二星")
    _check_explanations(run)


@pytest.mark.django_db
def test_complaints_of_the_last_year_and_whole_years_as_customer(admin_user, manager):
    install_workflows()
    rules = weighted_rules(
        [
            {"source": "complaints", "weight": 50, "bands": [
                {"min": 0, "points": 100}, {"min": 1, "points": 50}, {"min": 3, "points": 0},
            ]},
            {"source": "years", "weight": 50, "bands": [{"min": 0, "points": 0}, {"min": 6, "points": 100}]},
        ]
    )  # fmt: skip
    scheme = scheme_create(actor=admin_user, data=rules)
    loyal = graded_customer(customer_since=date(2020, 12, 5))  # six years on the reference date
    newer = graded_customer(customer_since=date(2020, 12, 6))  # five years: the anniversary is tomorrow
    within_year = [TicketFactory(customer=newer, owner=manager) for _ in range(2)]
    within_year.append(TicketFactory(customer=newer, owner=manager, is_valid=False))  # found invalid: not counted
    within_year.append(TicketFactory(customer=newer, owner=manager, ticket_type="inquiry"))  # not a complaint
    old = TicketFactory(customer=loyal, owner=manager)  # 400 days before: outside the 12 months
    Ticket.objects.filter(pk__in=[t.pk for t in within_year]).update(created_at=_at(AS_OF - timedelta(days=30)))
    Ticket.objects.filter(pk=old.pk).update(created_at=_at(AS_OF - timedelta(days=400)))

    run = grading_run(actor=admin_user, scheme=scheme, as_of=AS_OF)
    scores = _scores(run)

    assert (scores[loyal.pk].years, scores[loyal.pk].complaints) == (6, 0)
    assert (scores[newer.pk].years, scores[newer.pk].complaints) == (5, 2)
    assert scores[loyal.pk].score == Decimal("100")  # 50 × 100 + 50 × 100
    assert scores[newer.pk].score == Decimal("25")  # 50 × 50 + 50 × 0
    _check_explanations(run)


def _at(day: date):
    return timezone.make_aware(datetime.combine(day, time(12)))
