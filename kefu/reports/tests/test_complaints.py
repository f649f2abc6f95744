"""Complaint classification statistics: counts, rates, repeat complainants, scope, export."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kefu.core.testing import count_queries
from kefu.core.testing.factories import CustomerFactory, TicketFactory, install_workflows
from kefu.reports.selectors import Period, complaint_statistics
from kefu.tickets.models import RootCause, Ticket


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()


def cause(name: str) -> RootCause:
    """A class of the root-cause list (the workflows' installation brought the preset ones)."""
    return RootCause.objects.get_or_create(name=name)[0]


def this_year():
    today = timezone.localdate()
    return Period(since=today - timedelta(days=365), until=today)


@pytest.fixture
def complaints(agent, own_customer, org):
    """Three complaints of 张三 (two valid, one invalid), one of another east customer, one inquiry."""
    other = CustomerFactory(name="王五", org_unit=org["east_team"], tier="三星")
    made = [
        TicketFactory(
            owner=agent, customer=own_customer, is_valid=True, cause_class=cause("停送电"), department=org["east"]
        ),
        TicketFactory(
            owner=agent, customer=own_customer, is_valid=True, cause_class=cause("停送电"), department=org["east"]
        ),
        TicketFactory(owner=agent, customer=own_customer, is_valid=False, cause_class=cause("服务")),
        TicketFactory(owner=agent, customer=other),
        TicketFactory(owner=agent, customer=other, ticket_type="inquiry"),
    ]
    return made


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


def test_report_page_permissions(client, client_for, supervisor, manager, auditor, complaints):
    url = reverse("reports:complaints")
    assert client.get(url).status_code == 302
    assert client_for(manager).get(url).status_code == 403
    assert client_for(supervisor).get(url).status_code == 200
    assert client_for(auditor).get(url).status_code == 200


def test_report_exports_the_classification_table_to_excel(client_for, supervisor, complaints):
    response = client_for(supervisor).get(reverse("reports:complaints_export"), {"since": date(2000, 1, 1)})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][1] == 4
    assert any(row[0] == "停送电" and row[1] == 2 for row in values)


def test_report_export_writes_a_cause_that_starts_like_a_formula_as_text(client_for, supervisor, complaints):
    Ticket.objects.filter(pk=complaints[2].pk).update(cause_class=cause("=1+1"))
    response = client_for(supervisor).get(reverse("reports:complaints_export"), {"since": date(2000, 1, 1)})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(row[0] for row in sheet.iter_rows() if row[0].value == "=1+1")
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_report_page_runs_the_same_number_of_queries_for_1_and_50_complaints(client_for, supervisor, agent, org):
    client = client_for(supervisor)
    customer = CustomerFactory(org_unit=org["east_team"])
    TicketFactory(owner=agent, customer=customer)
    url = reverse("reports:complaints")
    client.get(url)
    with_one = count_queries(lambda: client.get(url))
    for _ in range(49):
        TicketFactory(owner=agent, customer=CustomerFactory(org_unit=org["east_team"]), cause_class=cause("服务"))
    assert count_queries(lambda: client.get(url)) == with_one
