"""Complaint classification statistics (complaint_statistics): counts, rates, repeat complainants, scope."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.reports.selectors import Period, complaint_statistics
from kefu.tickets.models import Ticket
from kefu.tickets.tests.factories import TicketFactory, install_workflows


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()


def this_year():
    today = timezone.localdate()
    return Period(since=today - timedelta(days=365), until=today)


def test_counts_only_complaints_in_the_period(supervisor, complaints):
    stats = complaint_statistics(supervisor, this_year())
    assert stats["total"] == 4
    old = complaints[3]
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=800))
    assert complaint_statistics(supervisor, this_year())["total"] == 3


def test_valid_rate_is_valid_over_assessed(supervisor, complaints):
    stats = complaint_statistics(supervisor, this_year())
    assert (stats["valid"], stats["assessed"], stats["valid_rate"]) == (2, 3, 66.67)


def test_breakdown_by_cause_and_department(supervisor, complaints):
    stats = complaint_statistics(supervisor, this_year())
    by_cause = {row["label"]: row["total"] for row in stats["by_cause"]}
    assert by_cause["停送电"] == 2 and by_cause["服务"] == 1
    assert stats["by_department"][0] == {"label": "城东分公司", "total": 2, "valid": 2, "closed": 0}


def test_customers_with_two_or_more_complaints_are_repeat_complainants(supervisor, complaints):
    stats = complaint_statistics(supervisor, this_year())
    assert [(r["customer__name"], r["total"]) for r in stats["repeat_customers"]] == [("张三", 3)]
    assert stats["repeat_complaints"] == 3


def test_complaints_per_ten_thousand_customers(supervisor, complaints):
    stats = complaint_statistics(supervisor, this_year())
    assert stats["customers"] == 2
    assert stats["per_10k_customers"] == 20000.0


def test_merged_duplicates_are_not_counted_twice(supervisor, complaints):
    Ticket.objects.filter(pk=complaints[1].pk).update(merged_into=complaints[0])
    assert complaint_statistics(supervisor, this_year())["total"] == 3


def test_statistics_stay_inside_the_readers_scope(supervisor, complaints, other_manager, foreign_customer):
    TicketFactory(owner=other_manager, customer=foreign_customer)
    assert complaint_statistics(supervisor, this_year())["total"] == 4
