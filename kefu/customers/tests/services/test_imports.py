"""Importing customers and key persons: mapping, dry run reporting every bad row, all-or-nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kefu.audit.models import AuditEvent
from kefu.core.errors import ConflictError
from kefu.customers.imports import services
from kefu.customers.imports.mapping import guess_mapping
from kefu.customers.models import Customer, ImportJob, KeyPerson
from kefu.customers.tests.factories import HEADER, csv_upload, dry_run, xlsx_upload


def confirm(actor, job) -> ImportJob:
    services.import_job_confirm(actor=actor, job=job)
    job.refresh_from_db()
    return job


def test_mapping_is_guessed_from_chinese_and_english_headers():
    assert guess_mapping("customers", ["客户名称", "手机号码", "Address", "不认识"]) == {
        "0": "name",
        "1": "mobile",
        "2": "address",
    }


def test_import_understands_full_width_digits_spaces_and_dashes_in_phones(manager):
    job = dry_run(manager, csv_upload(HEADER + "张伟,１３８ ００００-１１１１,,,,\n李娜,139-0000-2222,,,,\n"))
    assert job.error_count == 0
    confirm(manager, job)
    assert sorted(Customer.objects.values_list("mobile", flat=True)) == ["13800001111", "13900002222"]


def test_import_reads_excel_date_serials_and_text_dates(manager):
    rows = [["客户名称", "生日"], ["王芳", 31000], ["赵磊", "1985年3月21日"], ["钱敏", "1990/7/1"]]
    job = confirm(manager, dry_run(manager, xlsx_upload(rows)))
    assert job.imported_count == 3
    birthdays = dict(Customer.objects.values_list("name", "birthday"))
    assert str(birthdays["王芳"]) == "1984-11-14" and str(birthdays["赵磊"]) == "1985-03-21"


def test_dry_run_reports_every_bad_row_with_row_number_column_and_reason(manager):
    text = HEADER + "好客户,13800000001,,,,\n,13800000002,,,,\n坏电话,12345,,,,\n坏日期,,,明天,,\n"
    with translation.override("en"):
        job = dry_run(manager, csv_upload(text))
    assert job.error_count == 3 and job.total_rows == 4
    problems = {(e["row"], e["column"]) for e in job.errors}
    assert problems == {(3, "客户名称"), (4, "手机号码"), (5, "生日")}
    assert "12345" in next(e["message"] for e in job.errors if e["row"] == 4)
    assert not Customer.objects.exists()


def test_duplicate_mobile_within_file_is_reported_against_the_first_row(manager):
    job = dry_run(manager, csv_upload(HEADER + "甲,13800000001,,,,\n乙,13800000001,,,,\n"))
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "手机号码")]
    assert "2" in job.errors[0]["message"]


def test_duplicate_org_code_against_archive_is_reported(manager, own_customer):
    Customer.objects.filter(pk=own_customer.pk).update(org_code="91350100M000100Y43")
    job = dry_run(manager, csv_upload(HEADER + "某公司,,91350100M000100Y43,,,\n"))
    assert job.error_count == 1 and job.errors[0]["column"] == "统一社会信用代码"
    assert own_customer.name in job.errors[0]["message"]


def test_duplicate_outside_the_scope_does_not_name_the_other_customer(manager, foreign_customer):
    job = dry_run(manager, csv_upload(HEADER + f"重复,{foreign_customer.mobile},,,,\n"))
    assert job.error_count == 1 and foreign_customer.name not in job.errors[0]["message"]


def test_confirming_with_bad_rows_is_refused_and_imports_nothing(manager):
    job = dry_run(manager, csv_upload(HEADER + "好,13800000001,,,,\n坏,123,,,,\n"))
    with pytest.raises(ConflictError):
        services.import_job_confirm(actor=manager, job=job)
    assert not Customer.objects.exists()


def test_commit_is_all_or_nothing_when_a_duplicate_appears_after_the_dry_run(manager):
    job = dry_run(manager, csv_upload(HEADER + "甲,13800000001,,,,\n乙,13800000002,,,,\n"))
    Customer.objects.create(name="抢先", mobile="13800000002", account_manager=manager)
    job = confirm(manager, job)
    assert job.status == "validated" and job.error_count == 1
    assert list(Customer.objects.values_list("name", flat=True)) == ["抢先"]


def test_job_run_twice_imports_once(manager):
    job = confirm(manager, dry_run(manager, csv_upload(HEADER + "甲,13800000001,,,,\n")))
    services.import_job_commit(job_id=job.pk)
    services.import_job_validate(job_id=job.pk)
    assert Customer.objects.count() == 1
    with pytest.raises(ConflictError):
        services.import_job_confirm(actor=manager, job=job)


def test_imported_customers_get_an_imported_audit_event(manager):
    confirm(manager, dry_run(manager, csv_upload(HEADER + "甲,13800000001,,,,\n")))
    customer = Customer.objects.get()
    event = AuditEvent.objects.get(customer_id=customer.pk)
    assert event.action == "imported" and event.actor == manager
    assert customer.account_manager == manager and customer.source_channel == "import"
    assert customer.has_valid_phone


def test_gbk_csv_from_excel_is_read(manager):
    job = confirm(manager, dry_run(manager, csv_upload(HEADER + "张伟,13800000001,,,,\n", encoding="gbk")))
    assert job.imported_count == 1 and Customer.objects.get().name == "张伟"


def test_supervisor_assigns_imported_customers_by_the_account_manager_column(supervisor, manager, other_manager):
    text = HEADER + "甲,13800000001,,,,王经理\n乙,13800000002,,,,李经理\n"
    job = dry_run(supervisor, csv_upload(text))
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "客户经理")]  # other_manager is outside the subtree


def test_key_persons_are_imported_onto_customers_by_customer_number(manager, own_customer, foreign_customer):
    Customer.objects.filter(pk=own_customer.pk).update(code="K0001")
    Customer.objects.filter(pk=foreign_customer.pk).update(code="K0002")
    text = "客户编号,姓名,职务,手机,禁忌\nK0001,刘总,总经理,13700000001,忌周末来电\nK0002,外人,经理,,\n"
    job = dry_run(manager, csv_upload(text), kind="key_persons")
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "客户编号")]


def test_a_file_of_another_kind_is_refused_at_upload_and_a_damaged_one_fails_its_reading(manager):
    with pytest.raises(ValidationError) as error:
        services.import_job_create(actor=manager, kind="customers", uploaded_file=csv_upload("x", name="a.txt"))
    assert "file" in error.value.message_dict
    assert not ImportJob.objects.exists()
    # The upload reads nothing: the background reading finds the junk and says so.
    job = services.import_job_create(
        actor=manager, kind="customers", uploaded_file=SimpleUploadedFile("a.xlsx", b"junk")
    )
    assert job.status == "failed" and job.failed_status == "reading" and job.failure


def test_mapping_must_name_the_required_columns(manager):
    job = services.import_job_create(actor=manager, kind="customers", uploaded_file=csv_upload(HEADER + "甲,,,,,\n"))
    with pytest.raises(ValidationError):
        services.import_job_set_mapping(actor=manager, job=job, mapping={"1": "mobile"})


def test_key_person_import_creates_the_people(manager, own_customer):
    Customer.objects.filter(pk=own_customer.pk).update(code="K0001")
    job = confirm(manager, dry_run(manager, csv_upload("客户编号,姓名,职务\nK0001,刘总,总经理\n"), kind="key_persons"))
    assert job.imported_count == 1
    assert KeyPerson.objects.get().customer_id == own_customer.pk


def test_every_duplicate_key_is_checked_within_the_file_whichever_key_columns_it_has(manager):
    # The dry run checks only the key columns some row fills: here numbers and credit codes, no mobiles.
    text = "客户名称,客户编号,统一社会信用代码\n甲,K-1,91350100M000100Y43\n乙,K-1,\n丙,,91350100M000100Y43\n"
    job = dry_run(manager, csv_upload(text))
    assert sorted((e["row"], e["column"]) for e in job.errors) == [(3, "客户编号"), (4, "统一社会信用代码")]
