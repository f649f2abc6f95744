"""Import: every value checked against what the archive can store, before anything is written.

Lengths against the model's columns, birthdays not in the future, landlines with extensions
kept, an ID number Excel turned into a number explained, formula cells without a stored value
and error cells reported, values that a spreadsheet would run as formulas refused. The length
and birthday rules are the archive's rulebook, so the customer form and API refuse the same.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kefu.customers.imports import services
from kefu.customers.models import Customer
from kefu.customers.services import customer_create
from kefu.customers.tests.factories import csv_upload, dry_run, xlsx_upload


def problems(job) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["message"] for e in job.errors}


def confirm(actor, job):
    services.import_job_confirm(actor=actor, job=job)
    job.refresh_from_db()
    return job


def test_a_value_longer_than_its_column_is_refused_naming_row_column_and_limit(manager):
    text = (
        "客户名称,地址,网格\n"
        + f"张伟,{'城' * 600},1号\n"
        + f"{'李' * 121},中山路,1号\n"
        + f"王芳,中山路,{'网' * 51}\n"
    )
    job = dry_run(manager, csv_upload(text))
    found = problems(job)
    assert set(found) == {(2, "地址"), (3, "客户名称"), (4, "网格")}
    assert "200" in found[(2, "地址")] and "600" in found[(2, "地址")]
    assert job.error_count == 3 and not Customer.objects.exists()


@pytest.mark.parametrize("via", ["service", "page", "api"])
def test_the_archive_refuses_an_address_longer_than_its_column_everywhere(client_for, manager, via):
    data = {"name": "张伟", "address": "城" * 600}
    if via == "service":
        with pytest.raises(ValidationError) as error:
            customer_create(actor=manager, data=data)
        assert "address" in error.value.message_dict
    elif via == "page":
        response = client_for(manager).post(reverse("customers:create"), {**data, "kind": "individual"})
        assert response.status_code == 200 and "200" in response.content.decode()
    else:
        response = client_for(manager).post("/api/v1/customers/", data, content_type="application/json")
        assert response.status_code == 400 and "address" in response.json()
    assert not Customer.objects.exists()


def test_a_birthday_in_the_future_is_refused(manager):
    tomorrow = timezone.localdate() + timedelta(days=1)
    job = dry_run(manager, xlsx_upload([["客户名称", "生日"], ["张伟", tomorrow.isoformat()], ["李娜", "1980-01-01"]]))
    assert list(problems(job)) == [(2, "生日")] and tomorrow.isoformat() in job.errors[0]["message"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0591-87654321转801", "059187654321-801"),
        ("0591-87654321 ext. 801", "059187654321-801"),
        ("(010) 6552 9988 分机 12", "01065529988-12"),
        ("0591-87654321", "059187654321"),
        ("95598", "95598"),
    ],
)
def test_a_landline_with_an_extension_is_accepted_and_the_extension_kept(manager, typed, stored):
    job = confirm(manager, dry_run(manager, csv_upload(f"客户名称,固定电话\n张伟,{typed}\n")))
    assert job.imported_count == 1
    customer = Customer.objects.get()
    assert customer.phone == stored and customer.has_valid_phone


@pytest.mark.parametrize("typed", ["021-5555555", "转801", "0591-8765abcd"])
def test_a_landline_nobody_could_dial_is_refused(manager, typed):
    job = dry_run(manager, csv_upload(f"客户名称,固定电话\n张伟,{typed}\n"))
    assert list(problems(job)) == [(2, "固定电话")]


def test_an_id_number_excel_turned_into_a_number_is_explained(manager):
    job = dry_run(
        manager,
        xlsx_upload([["客户名称", "身份证号"], ["张伟", 3.601021980050303e17], ["李娜", "3.601021980050303E+17"]]),
    )
    found = problems(job)
    assert set(found) == {(2, "身份证号"), (3, "身份证号")}
    assert all("文本" in message for message in found.values())  # “format the column as text”


def test_a_formula_without_a_stored_value_is_reported_as_such(manager):
    # openpyxl writes formulas without their results, as a program that does not calculate does.
    job = dry_run(manager, xlsx_upload([["客户名称", "手机号码"], ["张伟", "=A1&B1"], ["李娜", "13800000002"]]))
    found = problems(job)
    assert list(found) == [(2, "手机号码")] and "=A1&B1" in found[(2, "手机号码")] and "公式" in found[(2, "手机号码")]


def test_an_excel_error_cell_is_reported(manager):
    job = dry_run(manager, xlsx_upload([["客户名称", "手机号码"], ["张伟", "#N/A"]]))
    assert list(problems(job)) == [(2, "手机号码")] and "#N/A" in job.errors[0]["message"]


@pytest.mark.parametrize(
    ("column", "value"),
    [("客户名称", '=HYPERLINK("http://x","点我")'), ("地址", "@SUM(A1)"), ("备注", "+1+1"), ("网格", "-2+3")],
)
def test_a_value_a_spreadsheet_would_run_as_a_formula_is_refused(manager, column, value):
    name = value if column == "客户名称" else "张伟"
    row = {"客户名称": name, "地址": "", "备注": "", "网格": ""}
    row[column] = value
    text = (
        "客户名称,地址,备注,网格\n"
        + ",".join(f'"{v}"' if '"' not in v else '"' + v.replace('"', '""') + '"' for v in row.values())
        + "\n"
    )
    job = dry_run(manager, csv_upload(text))
    assert list(problems(job)) == [(2, column)] and value[0] in job.errors[0]["message"]


def test_signs_that_belong_to_the_value_pass(manager):
    text = "客户名称,手机号码,地址\n张伟,+86 138 0000 0001,-\n"
    job = confirm(manager, dry_run(manager, csv_upload(text)))
    assert job.imported_count == 1 and Customer.objects.get().mobile == "13800000001"


def test_numbers_excel_stored_as_numbers_are_read_as_text(manager):
    rows = [["客户编号", "客户名称", "手机号码"], [1001, "张伟", 13800000001.0]]
    job = confirm(manager, dry_run(manager, xlsx_upload(rows)))
    assert job.imported_count == 1
    assert list(Customer.objects.values_list("code", "mobile")) == [("1001", "13800000001")]
