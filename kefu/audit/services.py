"""Writing the audit trail. Callers are services already inside `transaction.atomic`."""

from datetime import date, datetime
from decimal import Decimal

from django.db import models

from .choices import AuditAction
from .models import AuditEvent


def _plain(value):
    """JSON-friendly form of a field value for before/after snapshots."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    return {name: _plain(getattr(instance, name)) for name in fields}


def diff(before: dict, after: dict) -> dict:
    """Only the fields that changed, as {field: [before, after]}."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def audit_record(
    *,
    actor,
    action: AuditAction,
    target: models.Model,
    customer_id: int | None = None,
    changes: dict | None = None,
    summary: str = "",
) -> AuditEvent:
    """Append one entry to the trail, in the caller's transaction."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        target_repr=str(target)[:200],
        customer_id=customer_id,
        changes=changes or {},
        summary=summary[:300],
    )


def audit_record_many(events: list[AuditEvent]) -> None:
    """Bulk form for imports: thousands of events in a few statements."""
    AuditEvent.objects.bulk_create(events, batch_size=2000)
