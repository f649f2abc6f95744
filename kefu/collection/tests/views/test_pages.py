"""The collection pages and cards: the arrear on the customer 360 page, its timeline, the workbench."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kefu.collection import reminders
from kefu.collection.workbench import collection_cards
from kefu.customers.panels import customer_panels

from ..factories import ArrearFactory

pytestmark = pytest.mark.django_db


def test_the_customer_360_page_shows_what_is_owed_and_the_reminder(book, manager, client_for):
    arrear = ArrearFactory(
        customer=book["hotel"], amount=Decimal("321.00"), due_date=timezone.localdate() - timedelta(days=4)
    )
    reminders.arrear_remind(actor=manager, arrear=arrear)
    (panel,) = [panel for panel in customer_panels(manager, book["hotel"].pk) if panel.key == "arrears"]
    assert panel.total == 1 and "321.00" in panel.title
    page = client_for(manager).get(reverse("customers:detail", args=[book["hotel"].pk])).content.decode()
    assert "321.00" in page and "柔性催费提醒" in page


def test_the_workbench_card_counts_past_due_and_broken_promises(book, manager, other_manager):
    ArrearFactory(customer=book["hotel"], due_date=timezone.localdate() - timedelta(days=1), promise_broken=True)
    ArrearFactory(customer=book["school"], due_date=timezone.localdate() - timedelta(days=1))
    (card,) = collection_cards(manager)
    assert card["value"] == 1 and "1" in card["hint"]


def test_every_collection_page_answers(book, admin_user, client_for):
    arrear = ArrearFactory(customer=book["hotel"])
    client = client_for(admin_user)
    for url in (
        reverse("collection:list"),
        reverse("collection:list") + "?state=paid&q=酒店",
        reverse("collection:list") + "?state=nonsense&manager=abc",
        reverse("collection:detail", args=[arrear.pk]),
        reverse("collection:import"),
        reverse("collection:rates") + "?by=branch",
        reverse("collection:rates") + "?start=9999-99-99",
    ):
        assert client.get(url).status_code == 200, url


def test_the_arrears_export_holds_the_users_list_with_no_formula(book, manager, client_for):
    from io import BytesIO

    from openpyxl import load_workbook

    from kefu.audit.models import AuditEvent

    book["hotel"].name = "=HYPERLINK(1)"
    book["hotel"].save()
    ArrearFactory(customer=book["hotel"], amount=Decimal("50.00"), due_date=timezone.localdate() - timedelta(days=2))
    ArrearFactory(customer=book["school"])  # another manager's
    response = client_for(manager).get(reverse("collection:export"), {"state": "open"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and rows[0][1] == "=HYPERLINK(1)" and rows[0][8] == 2
    assert sheet.cell(row=2, column=2).data_type == "s"  # text, not a formula
    assert AuditEvent.objects.filter(action="exported", target_type="collection.arrear", actor=manager).exists()


def test_a_supervisor_sets_a_target_on_the_rates_page_and_a_manager_may_not(supervisor, manager, client_for):
    from kefu.collection.models import CollectionTarget

    form = {"period_start": "2026-01-01", "period_end": "2026-12-31", "target_percent": "100", "manager": manager.pk}
    response = client_for(supervisor).post(reverse("collection:rates"), form)
    assert response.status_code == 302
    assert CollectionTarget.objects.get().target_percent == Decimal("100.00")
    refused = client_for(supervisor).post(reverse("collection:rates"), {**form, "target_percent": "120"})
    assert refused.status_code == 400 and "0 到 100" in refused.content.decode()
    assert client_for(manager).post(reverse("collection:rates"), form).status_code == 403
    assert client_for(manager).get(reverse("collection:import")).status_code == 403


def test_a_supervisor_narrows_the_list_to_one_manager_and_the_workbench_shows_the_card(
    book, manager, supervisor, org, client_for
):
    from kefu.customers.tests.factories import CustomerFactory
    from kefu.org.choices import Role
    from kefu.org.tests.factories import UserFactory

    colleague = UserFactory(username="colleague", role=Role.ACCOUNT_MANAGER, org_unit=org["east_team"])
    ArrearFactory(customer=book["hotel"], due_date=timezone.localdate() - timedelta(days=1))
    ArrearFactory(customer=CustomerFactory(name="城东菜场", account_manager=colleague, org_unit=org["east_team"]))
    page = client_for(supervisor).get(reverse("collection:list"), {"manager": manager.pk}).content.decode()
    assert "星级酒店" in page and "城东菜场" not in page and 'id="arrear-manager"' in page
    assert 'id="arrear-manager"' not in client_for(manager).get(reverse("collection:list")).content.decode()
    assert "逾期欠费" in client_for(manager).get(reverse("workbench")).content.decode()
