"""The import API (/api/v1/customer-imports/): the pages' steps through the same services, so each
rule answers the same through both — who may import (403), whose job it is (404), what a step
needs (409), what a value must be (400 naming the field, in Chinese). Every file is built here."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from kefu.conftest import api
from kefu.core.errors import PermissionDeniedError
from kefu.core.testing import count_queries
from kefu.customers.imports import readers, services
from kefu.customers.models import Customer, ImportJob, ImportMapping
from kefu.customers.tests.factories import HEADER, csv_upload, dry_run, xlsx_upload

CLEAN = HEADER + "甲公司,13800000001,,,,\n乙公司,13800000002,,,,\n"
ONE_BAD = HEADER + "好,13800000001,,,,\n坏,123,,,,\n"


def upload(client, file, kind="customers"):
    return client.post(reverse("api-import-list"), {"kind": kind, "file": file}, format="multipart")


def job_url(name: str, job) -> str:
    return reverse(f"api-import-{name}", args=[job.pk])


def page_message(client, response) -> str:
    """The page after a POST that redirected with a message (messages framework)."""
    return client.get(response.url).content.decode()


# --- who may call each endpoint: anonymous, without the import right, the uploader, someone else -------------------

# (method, url name, needs a job, body, status for the uploader)
ENDPOINTS = [
    ("get", "list", False, None, 200),
    ("post", "list", False, "upload", 201),
    ("get", "detail", True, None, 200),
    ("post", "header-row", True, {"header_row": 1}, 200),
    ("post", "mapping", True, {"mapping": {"0": "name", "1": "mobile"}}, 202),
    ("post", "confirm", True, None, 202),
    ("post", "retry", True, None, 409),  # the job has not failed: the uploader reaches the state check
    ("get", "errors", True, None, 200),
    ("get", "errors-xlsx", True, None, 200),
    ("delete", "detail", True, None, 204),
]
IDS = [f"{method} {name}" for method, name, *_rest in ENDPOINTS]


@pytest.fixture
def job(manager):
    return dry_run(manager, csv_upload(CLEAN))


def call(client, endpoint, job):
    method, name, needs_job, body, _status = endpoint
    url = job_url(name, job) if needs_job else reverse(f"api-import-{name}")
    if body == "upload":
        return upload(client, csv_upload(CLEAN))
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_an_anonymous_call_is_refused(endpoint, job):
    assert call(api(), endpoint, job).status_code == 401


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_a_user_without_the_import_right_is_forbidden(endpoint, agent, job):
    response = call(api(agent), endpoint, job)
    assert response.status_code == 403 and response.json()["detail"] == "您没有执行此操作的权限。"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_the_uploader_may_call_it(endpoint, manager, job):
    assert call(api(manager), endpoint, job).status_code == endpoint[4]


WITH_JOB = [endpoint for endpoint in ENDPOINTS if endpoint[2]]


@pytest.mark.parametrize("endpoint", WITH_JOB, ids=[f"{method} {name}" for method, name, *_rest in WITH_JOB])
def test_someone_elses_import_is_not_found(endpoint, other_manager, supervisor, job):
    # Not even the uploader's supervisor: the file may hold others' personal data.
    for user in (other_manager, supervisor):
        assert call(api(user), endpoint, job).status_code == 404
    assert ImportJob.objects.filter(pk=job.pk, status="validated").exists()


def test_the_list_holds_only_ones_own_jobs(manager, other_manager, job):
    dry_run(other_manager, csv_upload(CLEAN))
    assert [row["id"] for row in api(manager).get(reverse("api-import-list")).json()["results"]] == [job.pk]


def test_the_services_refuse_someone_elses_job_whoever_calls_them(other_manager, job):
    """The API and the pages find the job in the caller's own jobs first (404); the service checks again."""
    for step in (services.import_job_confirm, services.import_job_retry, services.import_job_discard):
        with pytest.raises(PermissionDeniedError):
            step(actor=other_manager, job=job)
    with pytest.raises(PermissionDeniedError):
        services.import_job_set_mapping(actor=other_manager, job=job, mapping={"0": "name"})
    with pytest.raises(PermissionDeniedError):
        services.import_job_choose_header(actor=other_manager, job=job, header_row=1)


def test_a_user_who_lost_the_import_right_no_longer_reaches_their_jobs(manager, job, client_for):
    manager.role = "agent"
    manager.save(update_fields=["role"])
    assert api(manager).get(job_url("detail", job)).status_code == 403
    assert client_for(manager).get(reverse("customers:import_detail", args=[job.pk])).status_code == 403
    with pytest.raises(PermissionDeniedError):
        services.import_job_create(actor=manager, kind="customers", uploaded_file=csv_upload(CLEAN))


# --- the walk: upload → header row → mapping (saved) → dry run → confirm → done ---------------------------------------


def test_an_office_file_walks_from_upload_to_import_through_the_api(manager):
    client = api(manager)
    rows = [["2026年城东供电所客户台账"], [], ["制表：城东所"], ["户名", "联系电话", "用电地址"]]
    rows += [["张伟", "13800000001", "城东路1号"], ["李娜", "13800000002", "城东路2号"]]
    response = upload(client, xlsx_upload(rows, "城东客户台账.xlsx"))
    assert response.status_code == 201
    job = response.json()
    # The reading ran in the background (at once in tests): the header found below the title.
    assert job["status"] == "uploaded" and job["header_row"] == 4 and job["headers"] == ["户名", "联系电话", "用电地址"]
    assert job["preview"][0] == {"row": 1, "cells": ["2026年城东供电所客户台账"]}
    assert job["mapping"] == {"0": "name", "1": "mobile", "2": "address"}
    assert {"name": "name", "label": "名称", "required": True} in job["targets"]
    assert job["file_format_label"] == "Excel 工作簿" and job["saved_mapping"] is None
    url = reverse("api-import-mapping", args=[job["id"]])
    response = client.post(
        url, {"mapping": {"0": "name", "1": "mobile", "2": ""}, "save_as": "城东台账"}, format="json"
    )
    assert response.status_code == 202
    job = client.get(reverse("api-import-detail", args=[job["id"]])).json()
    assert (job["status"], job["total_rows"], job["valid_rows"], job["error_count"]) == ("validated", 2, 2, 0)
    assert job["progress"] == 1.0 and job["rows_done"] == 2
    response = client.post(reverse("api-import-confirm", args=[job["id"]]))
    assert response.status_code == 202 and response.json()["status"] == "done"
    assert response.json()["imported_count"] == 2
    assert sorted(Customer.objects.values_list("name", "address")) == [("张伟", ""), ("李娜", "")]
    # The next file of the same shape gets the saved mapping (the address column left out again).
    job = upload(client, xlsx_upload(rows, "城东客户台账.xlsx")).json()
    assert job["saved_mapping"] == "城东台账" and job["mapping"] == {"0": "name", "1": "mobile"}


def test_the_upload_answers_before_anything_of_the_file_is_read(manager, settings, monkeypatch):
    settings.KEFU_BACKGROUND = "celery"  # queued after commit, which a test's transaction never reaches
    monkeypatch.setattr(readers, "sniff", lambda *a, **k: pytest.fail("the upload request read the file"))
    response = upload(api(manager), csv_upload(CLEAN))
    job = response.json()
    assert response.status_code == 201 and job["status"] == "reading" and job["preview"] == []
    assert job["headers"] == [] and job["progress"] == 0.0


def test_choosing_the_header_row_guesses_the_columns_again(manager, client_for):
    text = "城东客户台账\n名字,电话\n张伟,13800000001\n"
    job = services.import_job_create(actor=manager, kind="customers", uploaded_file=csv_upload(text))
    response = api(manager).post(job_url("header-row", job), {"header_row": 2}, format="json")
    assert response.status_code == 200 and response.json()["headers"] == ["名字", "电话"]
    # A row that is not among the first rows shown: refused, naming the field, through API and page.
    response = api(manager).post(job_url("header-row", job), {"header_row": 99}, format="json")
    assert response.status_code == 400
    message = response.json()["header_row"][0]
    assert message == "请从显示的行中选择。"
    page = client_for(manager).post(reverse("customers:import_mapping", args=[job.pk]), {"header_row": "99"})
    assert page.status_code == 200 and escape(message) in page.content.decode()
    assert api(manager).post(job_url("header-row", job), {"header_row": "abc"}, format="json").status_code == 400


# --- values refused with the field named (400), the same message on the page --------------------------------------


@pytest.fixture
def uploaded(manager):
    return services.import_job_create(actor=manager, kind="customers", uploaded_file=csv_upload(CLEAN))


@pytest.mark.parametrize(
    ("mapping", "save_as", "field", "says"),
    [
        ({"1": "mobile"}, "", "mapping", "请为以下字段选择列：名称"),
        ({"0": "name", "1": "name"}, "", "mapping", "每个字段只能对应一列。"),
        ({"0": "name", "1": "mobil"}, "", "mapping", "第 1 列：没有可导入的字段“mobil”。"),
        ({"0": "name", "9": "mobile"}, "", "mapping", "表头行没有第 9 列。"),
        ({"0": "name", "²": "mobile"}, "", "mapping", "表头行没有第 ² 列。"),
        ({"0": "name", "00": "mobile"}, "", "mapping", "表头行没有第 00 列。"),
        ({"0": "name"}, "名" * 61, "save_as", "最多 60 个字符"),
        ({"0": "name"}, "简表\u202e", "save_as", "U+202E"),
    ],
    ids=[
        "required",
        "twice",
        "no-such-field",
        "no-such-column",
        "not-a-column",
        "column-0-again",
        "long-name",
        "control-character",
    ],
)
def test_a_bad_mapping_is_refused_naming_the_field_through_api_and_page(
    manager, uploaded, client_for, mapping, save_as, field, says
):
    response = api(manager).post(job_url("mapping", uploaded), {"mapping": mapping, "save_as": save_as}, format="json")
    assert response.status_code == 400 and list(response.json()) == [field]
    message = response.json()[field][0]
    assert says in message
    uploaded.refresh_from_db()
    assert uploaded.status == "uploaded" and not ImportMapping.objects.exists()
    # The page draws one choice per column of the header row: the same refusal for those it can post.
    if set(mapping) <= {str(number) for number in range(len(uploaded.headers))}:
        form = {f"column_{index}": name for index, name in mapping.items()} | {"save_as": save_as}
        page = client_for(manager).post(reverse("customers:import_mapping", args=[uploaded.pk]), form)
        assert page.status_code == 200 and escape(message) in page.content.decode()


def test_an_upload_of_another_kind_of_file_is_refused_naming_the_field_through_api_and_page(manager, client_for):
    response = upload(api(manager), SimpleUploadedFile("客户.xls", b"\xd0\xcf\x11\xe0"))
    assert response.status_code == 400 and ".xlsx" in response.json()["file"][0]
    message = response.json()["file"][0]
    page = client_for(manager).post(
        reverse("customers:import_start"),
        {"kind": "customers", "file": SimpleUploadedFile("客户.xls", b"\xd0\xcf\x11\xe0")},
    )
    assert page.status_code == 200 and escape(message) in page.content.decode()
    response = upload(api(manager), csv_upload(CLEAN), kind="orders")
    assert response.status_code == 400 and response.json()["kind"] == ["请选择文件内容。"]
    response = api(manager).post(reverse("api-import-list"), {"kind": "customers"}, format="multipart")
    assert response.status_code == 400 and list(response.json()) == ["file"]
    assert not ImportJob.objects.exists()


# --- states: a step the job is not ready for is a conflict (409), the same message on the page -----------------------


def test_confirming_a_dry_run_with_bad_rows_is_a_conflict_through_api_and_page(manager, client_for):
    job = dry_run(manager, csv_upload(ONE_BAD))
    assert (job.status, job.error_count) == ("validated", 1)
    response = api(manager).post(job_url("confirm", job))
    assert response.status_code == 409
    message = response.json()["detail"]
    assert message == "请先改正错误行：只要有一行错误，就不会导入任何数据。"
    client = client_for(manager)
    page = client.post(reverse("customers:import_confirm", args=[job.pk]))
    assert escape(message) in page_message(client, page)
    assert not Customer.objects.exists()


def test_confirming_twice_imports_once_and_the_second_is_a_conflict(manager, job, client_for):
    assert api(manager).post(job_url("confirm", job)).status_code == 202
    response = api(manager).post(job_url("confirm", job))
    assert response.status_code == 409 and response.json()["detail"] == "此次导入不在待确认状态。"
    client = client_for(manager)
    assert escape(response.json()["detail"]) in page_message(
        client, client.post(reverse("customers:import_confirm", args=[job.pk]))
    )
    assert Customer.objects.count() == 2


def test_mapping_a_job_that_is_already_being_checked_is_a_conflict(manager, job):
    ImportJob.objects.filter(pk=job.pk).update(status="validating")
    response = api(manager).post(job_url("mapping", job), {"mapping": {"0": "name"}}, format="json")
    assert response.status_code == 409 and response.json()["detail"] == "此次导入正在处理中。"
    response = api(manager).post(job_url("header-row", job), {"header_row": 1}, format="json")
    assert response.status_code == 409


def test_only_a_failed_job_is_retried_and_a_running_one_is_not_discarded(manager, job, client_for):
    client = client_for(manager)
    response = api(manager).post(job_url("retry", job))
    assert response.status_code == 409 and response.json()["detail"] == "只有失败的导入可以重试。"
    page = client.post(reverse("customers:import_retry", args=[job.pk]))
    assert escape(response.json()["detail"]) in page_message(client, page)
    ImportJob.objects.filter(pk=job.pk).update(status="importing")
    response = api(manager).delete(job_url("detail", job))
    assert response.status_code == 409 and response.json()["detail"] == "导入正在进行，不能放弃。"
    page = client.post(reverse("customers:import_discard", args=[job.pk]))
    assert page.url == reverse("customers:import_detail", args=[job.pk])
    assert escape(response.json()["detail"]) in page_message(client, page)
    assert ImportJob.objects.filter(pk=job.pk).exists()


def test_a_failure_mid_commit_leaves_nothing_and_the_job_is_retried_through_the_api(manager, job, monkeypatch):
    def breaks(job, progress):
        Customer.objects.create(name="半截", mobile="13900000009")  # written, then rolled back with the rest
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "commit_staged", breaks)
    response = api(manager).post(job_url("confirm", job))
    failed = response.json()
    assert response.status_code == 202 and (failed["status"], failed["failed_status"]) == ("failed", "importing")
    assert "RuntimeError" in failed["failure"] and "意外错误" in failed["failure"]
    assert not Customer.objects.exists()
    monkeypatch.undo()
    response = api(manager).post(job_url("retry", job))
    assert response.status_code == 202 and response.json()["status"] == "done"
    assert Customer.objects.count() == 2


def test_a_file_that_cannot_be_read_fails_its_job_with_the_reason_and_can_be_discarded(manager):
    response = upload(api(manager), SimpleUploadedFile("客户.xlsx", b"junk"))
    job = response.json()
    assert response.status_code == 201 and job["status"] == "failed" and job["failed_status"] == "reading"
    assert "不是 Excel 工作簿" in job["failure"]
    assert api(manager).post(reverse("api-import-retry", args=[job["id"]])).json()["status"] == "failed"
    assert api(manager).delete(reverse("api-import-detail", args=[job["id"]])).status_code == 204
    assert not ImportJob.objects.exists()


# --- reading a job: progress, the errors, the list's filters ----------------------------------------------------------


def test_a_working_job_reports_its_progress_from_the_background(manager, job):
    ImportJob.objects.filter(pk=job.pk).update(status="importing")
    services._progress(job.pk)(1, 0.5)  # what the commit reports while it writes
    body = api(manager).get(job_url("detail", job)).json()
    assert (body["status"], body["rows_done"], body["progress"], body["valid_rows"]) == ("importing", 1, 0.5, 2)


def test_the_errors_are_listed_and_downloaded_as_the_same_workbook_as_the_page(manager, client_for):
    text = "=名称,手机号码\n甲,123\n,13800000001\n"
    job = services.import_job_create(actor=manager, kind="customers", uploaded_file=csv_upload(text))
    services.import_job_set_mapping(actor=manager, job=job, mapping={"0": "name", "1": "mobile"})
    errors = api(manager).get(job_url("errors", job)).json()
    assert [(e["row"], e["column"]) for e in errors] == [(2, "手机号码"), (3, "=名称")]
    assert all(e["message"] for e in errors)
    from_api = api(manager).get(job_url("errors-xlsx", job))
    from_page = client_for(manager).get(reverse("customers:import_errors", args=[job.pk]))
    assert from_api.status_code == 200 and from_api["Content-Type"] == from_page["Content-Type"]
    assert from_api["Content-Disposition"] == from_page["Content-Disposition"]
    api_sheet = load_workbook(io.BytesIO(from_api.content)).active
    page_sheet = load_workbook(io.BytesIO(from_page.content)).active
    rows = list(api_sheet.iter_rows(values_only=True))
    assert rows == list(page_sheet.iter_rows(values_only=True)) and rows[0] == ("行", "列", "问题")
    assert api_sheet.cell(row=3, column=2).quotePrefix  # the header "=名称" written as text, not a formula


def test_the_list_filters_by_status_and_kind_and_names_a_bad_filter(manager, own_customer, job):
    Customer.objects.filter(pk=own_customer.pk).update(code="K0001")
    people = dry_run(manager, csv_upload("客户编号,姓名\nK0001,刘总\n"), kind="key_persons")
    bad = dry_run(manager, csv_upload(ONE_BAD))
    url = reverse("api-import-list")

    def ids(**query):
        return sorted(row["id"] for row in api(manager).get(url, query).json()["results"])

    assert ids() == sorted([job.pk, people.pk, bad.pk])
    assert ids(kind="key_persons") == [people.pk]
    assert ids(kind="customers", status="validated") == sorted([job.pk, bad.pk])
    assert ids(status="done") == []
    response = api(manager).get(url, {"status": "finished"})
    assert response.status_code == 400 and list(response.json()) == ["status"]
    listed = api(manager).get(url, {"kind": "key_persons"}).json()["results"][0]
    assert "preview" not in listed and listed["valid_rows"] == 1  # the list leaves the preview to the detail


def test_the_list_reads_a_page_of_jobs_in_the_same_queries_however_many(manager, job):
    url = reverse("api-import-list")
    few = count_queries(lambda: api(manager).get(url))
    for _n in range(3):
        dry_run(manager, csv_upload(CLEAN))
    assert count_queries(lambda: api(manager).get(url)) == few


def test_the_lists_of_jobs_leave_each_jobs_problems_and_first_rows_unread(manager, client_for):
    """Up to 10,000 problems a job: only a job's own page and `errors` read them, not the API's
    list nor the upload page's recent imports."""
    dry_run(manager, csv_upload(ONE_BAD))
    table = ImportJob._meta.db_table
    for listing in (
        lambda: api(manager).get(reverse("api-import-list")),
        lambda: client_for(manager).get(reverse("customers:import_start")),
    ):
        with CaptureQueriesContext(connection) as context:
            assert listing().status_code == 200
        reads = [query["sql"] for query in context.captured_queries if f'FROM "{table}"' in query["sql"]]
        assert reads and not any(f'"{table}"."errors"' in sql or f'"{table}"."preview"' in sql for sql in reads)
