"""Test factories of the customer archive."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory
from openpyxl import Workbook

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.customers.models import Customer, CustomerNote, ImportJob
from kefu.tickets.models import Ticket


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = "customers.Customer"

    name = factory.Sequence(lambda n: f"客户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    has_valid_phone = True
    address = "北京市海淀区中关村大街1号"


class KeyPersonFactory(DjangoModelFactory):
    class Meta:
        model = "customers.KeyPerson"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "总经理"
    mobile = factory.Sequence(lambda n: f"137{n:08d}")


# The customer list's filters: values that are none of theirs (the page ignores them and says so, the API refuses them).
BAD_FILTER_VALUES = [
    ("account_manager", "abc"),
    ("account_manager", "1e30"),
    ("account_manager", "99999999999999999999"),
    ("account_manager", "-3"),
    ("tag", "abc"),
    ("kind", "robot"),
    ("ordering", "password"),
]


def anonymised(customer):
    """The customer as stored now (after anonymising)."""
    return Customer.objects.get(pk=customer.pk)


def assert_erased(customer, mobile, ticket):
    """The customer's personal data is gone everywhere, and its request `ticket` stays, without the caller."""
    after = anonymised(customer)
    assert after.name != "张三" and "张三" not in after.name
    assert (after.mobile, after.phone, after.id_number, after.email, after.address, after.birthday) == (
        "", "", "", "", "", None,
    )  # fmt: skip
    assert not after.key_persons.exists() and not CustomerNote.objects.filter(customer=after).exists()
    # The requests stay (service record and statistics), without the caller's name and number.
    kept = Ticket.objects.get(pk=ticket.pk)
    assert kept.customer_id == after.pk and (kept.caller_name, kept.caller_phone) == ("", "")
    # Neither the new audit entry nor the earlier ones keep the erased values.
    entries = AuditEvent.objects.filter(customer_id=after.pk)
    assert entries.filter(action=AuditAction.ANONYMISED).count() == 1
    trail = " ".join(f"{e.target_repr} {e.summary} {e.changes}" for e in entries)
    assert mobile not in trail and "张三" not in trail and "刘总" not in trail


# Imports: the header row of a customer file, an uploaded CSV, and an upload mapped as guessed (a dry run).
HEADER = "客户名称,手机号码,统一社会信用代码,生日,地址,客户经理\n"


def csv_upload(text: str, name="客户.csv", encoding="utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_upload(rows: list[list], name="客户.xlsx") -> SimpleUploadedFile:
    """A workbook built here, one sheet holding `rows` as they are (numbers stay numbers)."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return SimpleUploadedFile(name, data.getvalue())


def dry_run(actor, upload, kind="customers") -> ImportJob:
    from kefu.customers.imports import services

    job = services.import_job_create(actor=actor, kind=kind, uploaded_file=upload)
    services.import_job_set_mapping(actor=actor, job=job, mapping=job.mapping)
    job.refresh_from_db()
    return job
