"""The import pages: who may open them (anonymous, without the right, the uploader, someone else), the
walk from upload to report, the template file and the error report's cells."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kefu.customers.imports import services
from kefu.customers.models import ImportJob
from kefu.customers.tests.factories import HEADER, csv_upload, dry_run


def test_the_error_report_writes_a_column_name_that_starts_like_a_formula_as_text(client_for, manager):
    job = services.import_job_create(
        actor=manager, kind="customers", uploaded_file=csv_upload("=名称,手机号码\n,13800000001\n")
    )
    services.import_job_set_mapping(actor=manager, job=job, mapping={"0": "name", "1": "mobile"})
    response = client_for(manager).get(reverse("customers:import_errors", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    column = sheet.cell(row=2, column=2)
    assert (column.value, column.data_type, column.quotePrefix) == ("=名称", "s", True)


# --- pages: anonymous, without permission, permitted, someone else's job -----------------------------------------


@pytest.fixture
def job(manager):
    return dry_run(manager, csv_upload(HEADER + "甲,13800000001,,,,\n"))


PAGES = [
    ("get", "customers:import_start", False),
    ("get", "customers:import_mapping", True),
    ("get", "customers:import_detail", True),
    ("get", "customers:import_progress", True),
    ("get", "customers:import_errors", True),
    ("post", "customers:import_confirm", True),
]


def url(name, job, needs_job):
    return reverse(name, args=[job.pk]) if needs_job else reverse(name)


@pytest.mark.parametrize(("method", "name", "needs_job"), PAGES)
def test_import_pages_send_anonymous_visitors_to_login(client, job, method, name, needs_job):
    response = getattr(client, method)(url(name, job, needs_job))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("method", "name", "needs_job"), PAGES)
def test_import_pages_are_forbidden_without_the_import_right(client_for, agent, job, method, name, needs_job):
    assert getattr(client_for(agent), method)(url(name, job, needs_job)).status_code == 403


@pytest.mark.parametrize(("method", "name", "needs_job"), PAGES)
def test_import_pages_work_for_the_uploader(client_for, manager, job, method, name, needs_job):
    assert getattr(client_for(manager), method)(url(name, job, needs_job)).status_code in (200, 302)


@pytest.mark.parametrize(("method", "name", "needs_job"), [p for p in PAGES if p[2]])
def test_someone_elses_import_is_not_found(client_for, other_manager, job, method, name, needs_job):
    assert getattr(client_for(other_manager), method)(url(name, job, needs_job)).status_code == 404


def test_upload_page_walks_to_the_mapping_and_the_report(client_for, manager):
    client = client_for(manager)
    response = client.post(
        reverse("customers:import_start"), {"kind": "customers", "file": csv_upload(HEADER + "甲,123,,,,\n")}
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("customers:import_mapping", args=[job.pk])
    response = client.post(
        reverse("customers:import_mapping", args=[job.pk]), {"column_0": "name", "column_1": "mobile"}
    )
    assert response.url == reverse("customers:import_detail", args=[job.pk])
    body = client.get(response.url).content.decode()
    assert 'id="import-errors"' in body and "123" in body


def test_template_file_has_the_chinese_headers(client_for, manager):
    from openpyxl import load_workbook

    response = client_for(manager).get(reverse("customers:import_template", args=["customers"]))
    header = next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert header[0] == "客户名称" and "手机" in header
