"""Writing the audit trail. Callers are services already inside `transaction.atomic`."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from kefu.core.bulk import insert_rows

from .choices import AuditAction
from .models import AuditEvent


def plain_value(value):
    """JSON-friendly form of a field value for before/after snapshots (a related row by its id)."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    return {name: plain_value(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """Only the fields that changed, as {field: [before, after]}."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def audit_entry(
    *,
    actor,
    action: AuditAction,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: int | None = None,
    target_repr: str = "",
    customer_id: int | None = None,
    changes: dict | None = None,
    summary: str = "",
) -> AuditEvent:
    """One entry of the trail, built but not saved: `audit_record` saves one, `audit_records` many.

    The target is the changed record; a writer that holds only keys (an import's COPY, the
    sweep's claimed clocks) names it by `target_type` ("app.model"), `target_id` and `target_repr`.
    """
    if target is not None:
        target_type, target_id, target_repr = target._meta.label_lower, target.pk, str(target)
    return AuditEvent(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr[:200],
        customer_id=customer_id,
        changes=changes or {},
        summary=str(summary)[:300],
    )


def audit_record(**entry) -> AuditEvent:
    """Append one entry to the trail, in the caller's transaction (arguments of `audit_entry`)."""
    event = audit_entry(**entry)
    event.save()
    return event


def audit_records(entries: Iterable[AuditEvent]) -> list[AuditEvent]:
    """Append many entries built by `audit_entry` (an import, a sweep), in the caller's transaction."""
    return AuditEvent.objects.bulk_create(entries, batch_size=2000)


def audit_many(
    *, actor, action: AuditAction, target_type: str, targets: Iterable[tuple[int, str, int | None]], summary: str = ""
) -> int:
    """Append one entry per (target id, target repr, customer id), the entry `audit_entry` builds
    for those keys, written with COPY on PostgreSQL (executemany on SQLite) in the caller's
    transaction: an import of a million records writes a million entries without building a
    model instance for each. Returns how many were written."""
    fields = audit_entry(actor=actor, action=action, target_type=target_type, summary=summary)
    shared = {
        "actor_id": fields.actor_id,
        "action": fields.action,
        "target_type": fields.target_type,
        "summary": fields.summary,
    }
    rows = [
        {**shared, "target_id": target_id, "target_repr": target_repr[:200], "customer_id": customer_id}
        for target_id, target_repr, customer_id in targets
    ]
    insert_rows(AuditEvent, rows, with_ids=False)
    return len(rows)
