"""Writing the audit trail. Callers are services already inside `transaction.atomic`."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

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


def audit_written(
    sql: str,
    params: list,
    *,
    actor,
    action: AuditAction,
    target_type: str,
    summary: str = "",
    target_repr: str = "",
    fetch: tuple[str, ...] = (),
) -> int | list[tuple]:
    """Run a write (`INSERT … RETURNING`, `UPDATE … RETURNING`) and append one entry per row it
    wrote, in the caller's transaction: on PostgreSQL in the same statement (the write as a
    data-modifying WITH, the entries INSERTed from its RETURNING rows), so a job that plans a
    million visits never carries the rows through Python; on SQLite, which has no writing WITH,
    the rows come back and go through `audit_many`.

    The write must RETURN `target_id` and `customer_id`, and `target_repr` unless the same
    `target_repr` is given for every row. Returns how many rows were written, or, if `fetch`
    names RETURNING columns, those columns of every written row."""
    fields = audit_entry(actor=actor, action=action, target_type=target_type, summary=summary)
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        audit_many(
            actor=actor,
            action=action,
            target_type=target_type,
            targets=((row["target_id"], target_repr or row["target_repr"], row["customer_id"]) for row in rows),
            summary=summary,
        )
        return [tuple(row[name] for name in fetch) for row in rows] if fetch else len(rows)
    quote = connection.ops.quote_name
    table = quote(AuditEvent._meta.db_table)
    columns = "occurred_at, actor_id, action, target_type, target_id, target_repr, customer_id, changes, summary"
    shown = "left(w.target_repr, 200)" if not target_repr else "%s"
    audit_sql = (
        f"WITH written AS ({sql}), audited AS (INSERT INTO {table} ({columns})"
        f" SELECT %s, %s, %s, %s, w.target_id, {shown}, w.customer_id, '{{}}', %s FROM written w)"
        f" SELECT {', '.join(quote(name) for name in fetch) if fetch else 'count(*)'} FROM written"
    )
    audit_params = [timezone.now(), fields.actor_id, fields.action, fields.target_type]
    audit_params += [target_repr[:200]] if target_repr else []
    with connection.cursor() as cursor:
        cursor.execute(audit_sql, [*params, *audit_params, fields.summary])
        rows = cursor.fetchall()
    return rows if fetch else rows[0][0]
