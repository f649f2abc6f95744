"""Bills and payments from the billing system: idempotent on (customer number, bill period) and
on the payment reference, all or nothing with every bad row named, by file and by API."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from kefu.audit.models import AuditEvent
from kefu.collection import imports, services
from kefu.collection.models import Arrear, Payment
from kefu.conftest import api

pytestmark = pytest.mark.django_db

BILLS = [
    {"customer_code": "C001", "period": "2026-03", "amount": "1,234.50", "due_date": "2026-04-15"},
    {"customer_code": "C002", "period": "202603", "amount": 80, "due_date": "2026/4/15"},
]


def rows(items):
    return list(enumerate(items, start=2))


def csv_file(text: str, name="bills.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(table, name="bills.xlsx"):
    book = Workbook()
    sheet = book.active
    for line in table:
        sheet.append(line)
    buffer = BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_bills_sent_twice_are_imported_once(book, admin_user):
    first = services.arrears_import(actor=admin_user, rows=rows(BILLS))
    again = services.arrears_import(actor=admin_user, rows=rows(BILLS))
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    hotel = Arrear.objects.get(customer=book["hotel"])
    assert (hotel.period, hotel.amount, hotel.due_date) == (date(2026, 3, 1), Decimal("1234.50"), date(2026, 4, 15))
    assert AuditEvent.objects.filter(target_type="collection.arrear", action="imported").count() == 2


def test_a_corrected_bill_updates_its_arrear_and_is_audited(book, admin_user):
    services.arrears_import(actor=admin_user, rows=rows(BILLS))
    result = services.arrears_import(
        actor=admin_user,
        rows=rows([{"customer_code": "C001", "period": "2026-03", "amount": "1000", "due_date": "2026-04-15"}]),
    )
    assert result.updated == 1
    assert Arrear.objects.get(customer=book["hotel"]).amount == Decimal("1000.00")
    event = AuditEvent.objects.get(target_type="collection.arrear", action="updated")
    assert event.changes == {"amount": ["1234.50", "1000.00"]}


def test_bad_rows_are_each_named_and_nothing_is_written(book, admin_user):
    bad = [
        *BILLS,
        {"customer_code": "C999", "period": "2026-03", "amount": "5", "due_date": "2026-04-15"},
        {"customer_code": "C003", "period": "2026-13", "amount": "5", "due_date": "2026-04-15"},
        {"customer_code": "C003", "period": "2026-03", "amount": "-5", "due_date": "2026-04-15"},
        {"customer_code": "C003", "period": "2026-03", "amount": "5", "due_date": "明天"},
        {"customer_code": "C001", "period": "2026-03", "amount": "5", "due_date": "2026-04-15"},
    ]
    with pytest.raises(ValidationError) as refused:
        services.arrears_import(actor=admin_user, rows=rows(bad))
    messages = refused.value.message_dict["rows"]
    assert [message.split("：")[0] for message in messages] == [f"第 {row} 行" for row in (4, 5, 6, 7, 8)]
    assert "C999" in messages[0] and "第 2 行" in messages[4]  # the duplicate names the row it repeats
    assert not Arrear.objects.exists()


def test_payments_sent_twice_count_once_and_settle_the_arrear(book, admin_user):
    services.arrears_import(actor=admin_user, rows=rows(BILLS))
    payment = {"customer_code": "C002", "period": "2026-03", "amount": "80", "paid_on": "2026-04-01", "reference": "R1"}
    assert services.payments_import(actor=admin_user, rows=rows([payment])).created == 1
    assert services.payments_import(actor=admin_user, rows=rows([payment])).unchanged == 1
    mill = Arrear.objects.get(customer=book["mill"])
    assert (mill.paid, mill.status, mill.settled_on) == (Decimal("80.00"), "paid", date(2026, 4, 1))
    assert Payment.objects.count() == 1


def test_a_payments_import_takes_the_same_number_of_queries_for_ten_or_forty_bills(admin_user, org):
    """Settling the bills and keeping their promises is read and written per import, not per
    bill: a month's file of thousands of payments is applied in the request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kefu.collection.models import Promise
    from kefu.customers.tests.factories import CustomerFactory

    def queries_for(count, first):
        codes = [f"Q{first + index:04d}" for index in range(count)]
        for code in codes:
            CustomerFactory(code=code, org_unit=org["east_team"])
        services.arrears_import(
            actor=admin_user,
            rows=rows(
                [{"customer_code": c, "period": "2026-03", "amount": "100", "due_date": "2026-04-15"} for c in codes]
            ),
        )
        for arrear in Arrear.objects.filter(customer__code__in=codes):
            Promise.objects.create(
                arrear=arrear, customer_id=arrear.customer_id, promised_on=date(2026, 4, 20), amount=Decimal("50"),
                paid_before=Decimal(0), made_by=admin_user,
            )  # fmt: skip
        payments = [
            {"customer_code": c, "period": "2026-03", "amount": str(50 + 50 * (i % 2)), "paid_on": "2026-04-01",
             "reference": f"P-{c}"}
            for i, c in enumerate(codes)
        ]  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            assert services.payments_import(actor=admin_user, rows=rows(payments)).created == count
        return len(captured.captured_queries)

    assert queries_for(10, 0) == queries_for(40, 100)
    assert Arrear.objects.filter(status="paid").count() == 25 and Promise.objects.filter(status="kept").count() == 50


def test_a_known_reference_with_another_amount_is_refused(book, admin_user):
    services.arrears_import(actor=admin_user, rows=rows(BILLS))
    payment = {"customer_code": "C002", "period": "2026-03", "amount": "30", "paid_on": "2026-04-01", "reference": "R1"}
    services.payments_import(actor=admin_user, rows=rows([payment]))
    with pytest.raises(ValidationError) as refused:
        services.payments_import(actor=admin_user, rows=rows([{**payment, "amount": "31"}]))
    assert "R1" in refused.value.message_dict["rows"][0]
    assert Arrear.objects.get(customer=book["mill"]).paid == Decimal("30.00")


def test_a_gbk_csv_from_chinese_excel_imports(book, admin_user):
    text = "客户编号,账期,欠费金额,应缴日期\r\nC001,2026-03,100.5,2026-04-15\r\n"
    result = imports.import_file(actor=admin_user, kind="arrears", uploaded_file=csv_file(text, encoding="gbk"))
    assert result.created == 1
    assert Arrear.objects.get().amount == Decimal("100.50")


def test_an_xlsx_with_excel_dates_and_numbers_imports(book, admin_user):
    table = [["户号", "电费年月", "应缴金额", "缴费截止日期"], ["C001", 202603, 99.9, date(2026, 4, 15)]]
    result = imports.import_file(actor=admin_user, kind="arrears", uploaded_file=xlsx_file(table))
    assert result.created == 1
    arrear = Arrear.objects.get()
    assert (arrear.period, arrear.amount, arrear.due_date) == (date(2026, 3, 1), Decimal("99.90"), date(2026, 4, 15))


@pytest.mark.parametrize(
    "upload, words",
    [
        (SimpleUploadedFile("bills.pdf", b"%PDF-1.4"), ".xlsx"),
        (SimpleUploadedFile("bills.xlsx", b"%PDF-1.4 renamed"), "PDF"),
        (SimpleUploadedFile("bills.csv", b"name,amount\r\nx,1\r\n"), "客户编号"),
        (SimpleUploadedFile("bills.csv", b""), ""),
    ],
)
def test_a_file_that_is_not_a_bill_list_is_refused_on_file(book, admin_user, upload, words):
    with pytest.raises(ValidationError) as refused:
        imports.import_file(actor=admin_user, kind="arrears", uploaded_file=upload)
    assert words in refused.value.message_dict["file"][0]


def test_only_the_billing_interface_may_import(book, manager):
    from kefu.core.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        services.arrears_import(actor=manager, rows=rows(BILLS))
    assert api(manager).post(reverse("api-arrear-import"), {"rows": BILLS}, format="json").status_code == 403


def test_the_api_imports_bills_and_payments_idempotently(book, admin_user):
    client = api(admin_user)
    first = client.post(reverse("api-arrear-import"), {"rows": BILLS}, format="json")
    again = client.post(reverse("api-arrear-import"), {"rows": BILLS}, format="json")
    assert (first.status_code, first.json()["created"], again.json()["unchanged"]) == (200, 2, 2)
    payment = {
        "customer_code": "C001",
        "period": "2026-03",
        "amount": "34.50",
        "paid_on": "2026-04-01",
        "reference": "X",
    }
    assert client.post(reverse("api-payment-import"), {"rows": [payment]}, format="json").json()["created"] == 1
    assert client.post(reverse("api-payment-import"), {"rows": [payment]}, format="json").json()["unchanged"] == 1
    bad = client.post(reverse("api-arrear-import"), {"rows": [{**BILLS[0], "customer_code": "NOPE"}]}, format="json")
    assert bad.status_code == 400 and "NOPE" in bad.json()["rows"][0]


def test_the_import_page_takes_a_file_and_names_bad_rows(book, admin_user, client_for):
    client = client_for(admin_user)
    good = "客户编号,账期,欠费金额,应缴日期\nC001,2026-03,10,2026-04-15\n"
    response = client.post(reverse("collection:import"), {"kind": "arrears", "file": csv_file(good)})
    assert response.status_code == 302 and Arrear.objects.count() == 1
    bad = "客户编号,账期,欠费金额,应缴日期\nC404,2026-03,10,2026-04-15\n"
    response = client.post(reverse("collection:import"), {"kind": "arrears", "file": csv_file(bad)})
    assert response.status_code == 400 and "C404" in response.content.decode()


@pytest.mark.parametrize(
    "field, value",
    [("customer_code", "C\x00001"), ("customer_code", "C" * 41), ("amount", "NaN"), ("amount", "1e400"),
     ("due_date", "2958466"), ("period", "0000-01")],
)  # fmt: skip
def test_hostile_cells_are_named_rows_not_errors_of_the_server(book, admin_user, field, value):
    response = api(admin_user).post(reverse("api-arrear-import"), {"rows": [{**BILLS[0], field: value}]}, format="json")
    assert response.status_code == 400
    assert response.json()["rows"][0].startswith("第 1 行")
    assert not Arrear.objects.exists()
