"""Batch writes of the import commit (COPY on PostgreSQL, executemany on SQLite): same rows as the ORM."""

from datetime import date

import pytest
from django.db import connection, transaction

from kefu.audit.models import AuditEvent
from kefu.core.bulk import insert_rows
from kefu.customers.models import Customer
from kefu.customers.tests.factories import CustomerFactory
from kefu.org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def customer_row(user, n: int, **extra) -> dict:
    return {"name": f"客户{n}", "kind": "individual", "mobile": f"1380000{n:04d}", "created_by_id": user.pk, **extra}


def test_rows_get_the_reserved_ids_and_the_model_defaults():
    user = UserFactory()
    with transaction.atomic():
        ids = insert_rows(Customer, [customer_row(user, n) for n in range(3)], with_ids=True)
    stored = Customer.objects.in_bulk(ids)
    assert [stored[pk].name for pk in ids] == ["客户0", "客户1", "客户2"]
    first = stored[ids[0]]
    assert first.version == Customer._meta.get_field("version").get_default()
    assert first.created_at is not None and first.status == Customer._meta.get_field("status").get_default()


def test_an_id_once_given_is_never_given_again():
    user = UserFactory()
    gone = CustomerFactory()
    gone_id = gone.pk
    gone.delete()
    with transaction.atomic():
        (new_id,) = insert_rows(Customer, [customer_row(user, 1)], with_ids=True)
    assert new_id > gone_id
    assert CustomerFactory().pk > new_id  # and the ORM carries on after the reserved ids


def test_dates_and_json_are_stored_as_the_orm_would():
    user = UserFactory()
    with transaction.atomic():
        (pk,) = insert_rows(Customer, [customer_row(user, 2, birthday=date(1980, 2, 29))], with_ids=True)
        insert_rows(
            AuditEvent,
            [
                {
                    "action": "imported",
                    "target_type": "customers.customer",
                    "target_id": pk,
                    "changes": {"名": [None, "甲"]},
                }
            ],
            with_ids=False,
        )
    assert Customer.objects.get(pk=pk).birthday == date(1980, 2, 29)
    assert AuditEvent.objects.get(target_id=pk).changes == {"名": [None, "甲"]}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite reserves ids under its write lock")
@pytest.mark.django_db(transaction=True)
def test_reserving_ids_outside_a_transaction_is_refused_on_sqlite():
    with pytest.raises(RuntimeError):
        insert_rows(Customer, [customer_row(UserFactory(), 3)], with_ids=True)
