"""One audit path: one entry or many are built by the same function and written through the ORM."""

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent
from kefu.audit.services import audit_entry, audit_record, audit_records

FIELDS = ["actor_id", "action", "target_type", "target_id", "target_repr", "customer_id", "changes", "summary"]


def row(event: AuditEvent) -> dict:
    return {name: getattr(event, name) for name in FIELDS}


def test_one_entry_and_a_bulk_of_entries_write_the_same_row(manager, own_customer):
    entry = {"actor": manager, "action": AuditAction.UPDATED, "target": own_customer, "customer_id": own_customer.pk}
    one = audit_record(**entry, changes={"grid": ["", "A1"]}, summary="网格")
    (many,) = audit_records([audit_entry(**entry, changes={"grid": ["", "A1"]}, summary="网格")])
    saved = AuditEvent.objects.filter(pk__in=[one.pk, many.pk]).order_by("id")
    assert [row(event) for event in saved] == [row(one)] * 2
    assert row(one)["target_type"] == "customers.customer" and row(one)["target_repr"] == own_customer.name


def test_a_bulk_writer_that_holds_only_keys_names_the_target_as_an_instance_would(manager, own_customer):
    by_instance = audit_entry(actor=manager, action=AuditAction.IMPORTED, target=own_customer)
    by_keys = audit_entry(
        actor=manager,
        action=AuditAction.IMPORTED,
        target_type="customers.customer",
        target_id=own_customer.pk,
        target_repr=own_customer.name,
    )
    assert row(by_instance) == row(by_keys)


def test_the_system_is_recorded_without_an_actor(own_customer):
    (event,) = audit_records([audit_entry(actor=None, action=AuditAction.UPDATED, target=own_customer)])
    assert AuditEvent.objects.get(pk=event.pk).actor_id is None


def test_audit_many_writes_the_entries_audit_entry_builds_for_those_keys(manager, own_customer):
    from kefu.audit.services import audit_many

    by_keys = audit_entry(
        actor=manager,
        action=AuditAction.IMPORTED,
        target_type="customers.customer",
        target_id=own_customer.pk,
        target_repr=own_customer.name,
        customer_id=own_customer.pk,
        summary="导入",
    )
    written = audit_many(
        actor=manager,
        action=AuditAction.IMPORTED,
        target_type="customers.customer",
        targets=[(own_customer.pk, own_customer.name, own_customer.pk)],
        summary="导入",
    )
    assert written == 1
    assert row(AuditEvent.objects.get(action=AuditAction.IMPORTED)) == row(by_keys)


def _update_grid(customer, grid):
    """A write that RETURNs what audit_written needs, plus a column for the caller."""
    return (
        "UPDATE customers_customer SET grid = %s WHERE id = %s"
        " RETURNING id AS target_id, name AS target_repr, id AS customer_id, grid",
        [grid, customer.pk],
    )


def test_audit_written_appends_for_each_written_row_the_entry_audit_entry_builds(manager, own_customer):
    from kefu.audit.services import audit_written

    sql, params = _update_grid(own_customer, "B2")
    fetched = audit_written(
        sql,
        params,
        actor=manager,
        action=AuditAction.UPDATED,
        target_type="customers.customer",
        fetch=("target_id", "grid"),
        summary="网格",
    )
    assert fetched == [(own_customer.pk, "B2")]
    expected = audit_entry(
        actor=manager, action=AuditAction.UPDATED, target=own_customer, customer_id=own_customer.pk, summary="网格"
    )
    assert row(AuditEvent.objects.get(action=AuditAction.UPDATED)) == row(expected)


def test_audit_written_names_every_row_alike_when_given_a_target_repr_and_counts_the_rows(own_customer):
    from kefu.audit.services import audit_written

    sql, params = _update_grid(own_customer, "C3")
    count = audit_written(
        sql, params, actor=None, action=AuditAction.UPDATED, target_type="customers.customer", target_repr="网格调整"
    )
    assert count == 1
    event = AuditEvent.objects.get(action=AuditAction.UPDATED)
    assert (event.target_repr, event.actor_id, event.customer_id) == ("网格调整", None, own_customer.pk)


def test_audit_written_appends_nothing_when_the_write_touched_no_row(own_customer):
    from kefu.audit.services import audit_written

    sql, params = _update_grid(own_customer, "D4")
    count = audit_written(
        sql.replace("WHERE id = %s", "WHERE id = %s AND false"),
        params,
        actor=None,
        action=AuditAction.UPDATED,
        target_type="customers.customer",
    )
    assert count == 0 and not AuditEvent.objects.filter(action=AuditAction.UPDATED).exists()
