"""Import: the files offices really keep, and hostile ones. Every file is built here.

Real files: a title merged over the columns, a blank row and a note above the header; Chinese
header words; a wrong dimension tag; CSV in UTF-8 with and without BOM, GBK and GB18030.
Hostile files: a zip bomb small on disk, a 200,000-character CSV field, renamed files; each
fails its job with a reason (in Chinese), before the file is parsed where that matters.
"""

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from kefu.core.errors import ConflictError
from kefu.customers.imports import readers, services
from kefu.customers.models import Customer, ImportJob
from kefu.customers.tests.factories import HEADER, csv_upload, dry_run


def workbook_bytes(rows: list[list], *, merge_title: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge_title:
        sheet.merge_cells(merge_title)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def xlsx(rows, name="客户台账.xlsx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(rows, **kwargs))


def with_sheet_xml(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through `change`."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            out.writestr(item, content)
    return target.getvalue()


def upload(actor, file, kind="customers") -> ImportJob:
    return services.import_job_create(actor=actor, kind=kind, uploaded_file=file)


def confirm(actor, job) -> ImportJob:
    services.import_job_confirm(actor=actor, job=job)
    job.refresh_from_db()
    return job


# --- real office files -------------------------------------------------------------------------------


def test_the_header_row_is_found_below_a_merged_title_a_blank_row_and_a_note(manager):
    rows = [
        ["2026年城东供电所客户台账"],
        [],
        ["制表：城东供电所  2026-03-01"],
        ["序号", "户名", "联系电话", "用电地址", "台区", "出生日期"],
        [1, "张伟", "13800000001", "城东区中山路1号", "1号台区", "1980-05-03"],
        [2, "李娜", "1380000000X", "城东区中山路2号", "2号台区", "1985-01-01"],
    ]
    job = upload(manager, xlsx(rows, merge_title="A1:F1"))
    assert job.status == "uploaded" and job.header_row == 4
    assert job.headers == ["序号", "户名", "联系电话", "用电地址", "台区", "出生日期"]
    assert job.mapping == {"1": "name", "2": "mobile", "3": "address", "4": "grid", "5": "birthday"}
    assert [number for number, _texts in job.preview] == [1, 3, 4, 5, 6]  # the blank row is left out
    services.import_job_set_mapping(actor=manager, job=job, mapping=job.mapping)
    job.refresh_from_db()
    # Rows are numbered as the spreadsheet numbers them: the bad mobile is on row 6.
    assert [(e["row"], e["column"]) for e in job.errors] == [(6, "联系电话")]
    assert job.total_rows == 2


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("户名", "name"), ("客户名称", "name"), ("用户名称", "name"), ("单位名称", "name"),
        ("手机", "mobile"), ("手机号", "mobile"), ("联系电话", "mobile"), ("移动电话", "mobile"),
        ("固定电话", "phone"), ("座机", "phone"), ("身份证号", "id_number"), ("证件号码", "id_number"),
        ("地址", "address"), ("用电地址", "address"), ("网格", "grid"), ("台区", "grid"),
        ("生日", "birthday"), ("出生日期", "birthday"), ("行业", "industry"), ("*户名（必填）", "name"),
    ],
)  # fmt: skip
def test_chinese_header_words_map_to_their_field(header, field):
    from kefu.customers.imports.mapping import guess_mapping

    assert guess_mapping("customers", ["备注说明", header]) == {"1": field}


def test_the_clerk_may_pick_another_previewed_row_as_the_header(manager):
    rows = [["客户清单"], ["甲列", "乙列"], ["名字", "电话"], ["张伟", "13800000001"]]
    job = upload(manager, xlsx(rows))
    job = services.import_job_choose_header(actor=manager, job=job, header_row=3)
    assert job.headers == ["名字", "电话"] and job.header_row == 3
    services.import_job_set_mapping(actor=manager, job=job, mapping={"0": "name", "1": "mobile"})
    job = confirm(manager, ImportJob.objects.get(pk=job.pk))
    assert list(Customer.objects.values_list("name", "mobile")) == [("张伟", "13800000001")]
    with pytest.raises(ValidationError) as refused:  # a row that was not shown
        services.import_job_choose_header(actor=manager, job=job, header_row=99)
    assert list(refused.value.message_dict) == ["header_row"]
    with pytest.raises(ConflictError):  # a shown row, but the job is imported already
        services.import_job_choose_header(actor=manager, job=job, header_row=2)


def test_a_saved_mapping_is_applied_to_the_next_file_of_the_same_shape(manager, other_manager):
    first = upload(manager, csv_upload("客户,号码,住处\n张伟,13800000001,中山路1号\n"))
    assert first.mapping == {}  # nothing guessed from these headings
    services.import_job_set_mapping(
        actor=manager, job=first, mapping={"0": "name", "1": "mobile", "2": "address"}, save_as="城东台账"
    )
    second = upload(manager, csv_upload("客户,号码,住处\n李娜,13800000002,中山路2号\n"))
    assert second.mapping == {"0": "name", "1": "mobile", "2": "address"}
    assert services.saved_mapping_for(second).name == "城东台账"
    # Only for its owner, and only for a file of the same shape.
    assert upload(other_manager, csv_upload("客户,号码,住处\n王五,13800000003,x\n")).mapping == {}
    assert upload(manager, csv_upload("客户,号码\n王五,13800000003\n")).mapping == {}


def test_a_wrong_dimension_tag_does_not_cut_the_rows(manager):
    rows = [["客户名称", "手机号码"]] + [[f"客户{n}", f"138{n:08d}"] for n in range(50)]
    data = with_sheet_xml(
        workbook_bytes(rows), lambda xml: re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:B9"', xml)
    )
    assert b'ref="A1:B9"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    job = confirm(manager, dry_run(manager, SimpleUploadedFile("客户.xlsx", data)))
    assert job.total_rows == 50 and job.imported_count == 50 and Customer.objects.count() == 50


@pytest.mark.parametrize(
    ("encoding", "prefix", "label"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 (BOM)"),
        ("gbk", b"", "GBK/GB18030"),
        ("gb18030", b"", "GBK/GB18030"),
    ],
)
def test_csv_in_utf8_with_or_without_bom_gbk_and_gb18030_is_read(manager, encoding, prefix, label):
    name = "䶮" if encoding == "gb18030" else "张伟"  # a character GBK lacks and GB18030 has
    text = HEADER + f"{name},13800000001,,,城东区中山路1号,\n"
    job = dry_run(manager, SimpleUploadedFile("客户.csv", prefix + text.encode(encoding)))
    assert readers.encoding_label(job.file_format) == f"CSV ({label})"
    job = confirm(manager, job)
    assert list(Customer.objects.values_list("name", "address")) == [(name, "城东区中山路1号")]


def test_a_csv_that_changes_encoding_halfway_fails_naming_the_row(manager):
    head = (HEADER + "张伟,13800000001,,,,\n" * 1).encode("utf-8")
    padding = ("李娜,13800000002,,,,\n" * 5000).encode("utf-8")  # past the part read to tell the encoding
    job = dry_run(manager, SimpleUploadedFile("客户.csv", head + padding + "王芳,,,,,\n".encode("gbk")))
    assert job.status == "failed" and "第 5003 行" in job.failure
    assert not Customer.objects.exists()


# --- hostile files ------------------------------------------------------------------------------------


def zip_bomb(expanded_mb: int) -> bytes:
    """A workbook-shaped zip whose sheet expands from a few KB on disk to `expanded_mb` MB."""
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b" " * 1_000_000
            for _ in range(expanded_mb):
                sheet.write(chunk)
    return data.getvalue()


def test_a_zip_bomb_small_on_disk_is_refused_before_any_xml_is_read(manager, monkeypatch):
    bomb = zip_bomb(50)
    assert len(bomb) < 200_000  # 50 MB of sheet in under 200 KB
    monkeypatch.setattr(readers, "load_workbook", lambda *a, **k: pytest.fail("the workbook was opened"))
    job = upload(manager, SimpleUploadedFile("客户.xlsx", bomb))
    assert job.status == "failed" and "zip" in job.failure
    assert "打开" in job.failure  # told in Chinese


def test_a_workbook_that_expands_past_the_limit_is_refused(manager, monkeypatch):
    monkeypatch.setattr(readers, "MAX_WORKBOOK_BYTES", 100_000)
    rows = [["客户名称", "地址"]] + [[f"客户{n}", f"城东区中山路{n}号 {n * 7919}"] for n in range(3000)]
    job = upload(manager, xlsx(rows))
    assert job.status == "failed" and job.failed_status == "reading"


@pytest.mark.parametrize(("row", "step"), [(3, "reading"), (40, "validating")])
def test_an_oversized_csv_field_fails_the_job_at_once_naming_the_row(manager, row, step):
    """Among the first rows the reading finds it; further down the dry run does."""
    fine = "".join(f"客户{n},138{n:08d},,,,\n" for n in range(row - 2))
    text = HEADER + fine + "李娜,13900000002,,,," + "长" * 200_000 + "\n" + "王芳,13900000003,,,,\n"
    job = upload(manager, csv_upload(text))
    if step == "validating":
        services.import_job_set_mapping(actor=manager, job=job, mapping=job.mapping)
        job.refresh_from_db()
    assert (job.status, job.failed_status) == ("failed", step)
    assert f"第 {row} 行" in job.failure and "10,000" in job.failure
    assert not Customer.objects.exists() and not job.staged_rows.exists()


def test_an_unclosed_quote_that_swallows_the_file_fails_the_job(manager):
    text = HEADER + '张伟,"13800000001,,,,\n' + "李娜,13800000002,,,,\n" * 20_000
    job = upload(manager, csv_upload(text))
    assert job.status == "failed" and "第 2 行" in job.failure


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("客户.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
        ("客户.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        ("客户.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG"),
        ("客户.xlsx", "客户名称,手机号码\n张伟,13800000001\n".encode(), ".xlsx"),
        ("客户.csv", b"\x00\x01\x02\x03binary", "CSV"),
    ],
)
def test_a_renamed_or_binary_file_fails_its_reading_with_what_it_is(manager, name, content, words):
    job = upload(manager, SimpleUploadedFile(name, content))
    assert job.status == "failed" and job.failed_status == "reading" and words in job.failure


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is(manager):
    job = upload(manager, SimpleUploadedFile("客户.csv", workbook_bytes([["客户名称"], ["张伟"]])))
    assert job.status == "uploaded" and job.file_format == "xlsx" and job.headers == ["客户名称"]


def test_too_many_columns_fail_the_job(manager):
    job = upload(manager, csv_upload(",".join(["x"] * 300) + "\n"))
    assert job.status == "failed" and "200" in job.failure


def test_an_old_xls_name_is_refused_at_upload_with_what_to_do(manager):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        upload(manager, SimpleUploadedFile("客户.xls", b"\xd0\xcf\x11\xe0"))
    assert ".xlsx" in str(error.value.message_dict["file"])
