"""row_by_key: one row by a unique column, read with a statement built once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kefu.core import rows
from kefu.core.testing.factories import CustomerFactory
from kefu.customers.models import Customer

pytestmark = pytest.mark.django_db


def test_a_row_is_read_in_one_statement_with_only_the_columns_asked_for():
    made = CustomerFactory(name="张三")
    with CaptureQueriesContext(connection) as context:
        customer = rows.row_by_key(Customer, "id", made.pk, ("id", "name"))
    assert len(context.captured_queries) == 1
    selected = context.captured_queries[0]["sql"].split(" FROM ")[0]
    assert '"name"' in selected and '"mobile"' not in selected
    assert customer.pk == made.pk and customer.name == "张三"
    assert "mobile" in customer.get_deferred_fields() and not customer._state.adding


def test_the_columns_may_be_asked_for_in_any_order():
    made = CustomerFactory(name="李四")
    customer = rows.row_by_key(Customer, "id", made.pk, ("tier", "name", "id"))
    assert (customer.pk, customer.name, customer.tier) == (made.pk, "李四", made.tier)


def test_a_column_not_read_is_read_on_first_use_like_only_gives():
    made = CustomerFactory(name="王五", mobile="13800138000")
    customer = rows.row_by_key(Customer, "id", made.pk, ("id", "name"))
    assert customer.mobile == "13800138000"


def test_no_row_is_none():
    assert rows.row_by_key(Customer, "id", 987_654_321, ("id",)) is None


def test_a_column_that_is_not_unique_is_refused():
    with pytest.raises(ValueError, match="not unique"):
        rows.row_by_key(Customer, "name", "张三", ("id",))


def test_the_statement_is_built_once_per_model_key_and_columns():
    made = CustomerFactory()
    rows._statement.cache_clear()
    for _ in range(3):
        rows.row_by_key(Customer, "id", made.pk, ("id", "name"))
    assert rows._statement.cache_info().misses == 1
