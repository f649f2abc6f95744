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
