"""The complaint report page: who may read it, its Excel export, and its queries."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kefu.core.testing import count_queries
from kefu.customers.tests.factories import CustomerFactory
from kefu.tickets.models import RootCause, Ticket
from kefu.tickets.tests.factories import TicketFactory, install_workflows


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()


def cause(name: str) -> RootCause:
    """A class of the root-cause list (the workflows' installation brought the preset ones)."""
    return RootCause.objects.get_or_create(name=name)[0]


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
