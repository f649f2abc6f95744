"""Rows of several tables written in one round trip to the database.

Registering a request writes, after the request itself, its event, its audit entry and its
time-limit clocks: one statement each was three round trips, and every round trip wakes both
processes (≈ 0.1 ms of Python and as much of PostgreSQL on top of the INSERT itself, more on a
busy machine). Inside `together()`, `insert()` queues the rows and they leave as one string of
INSERTs when the block ends (the values merged on the client, as Django's psycopg cursor does
anyway, so that one execute carries several statements). On SQLite each group is a bulk_create.

What it gives up, on purpose: the rows' primary keys are not read back, and no save signals are
sent (bulk_create sends none either). Only models without save receivers may be written this
way; `insert()` refuses the others.
"""

import contextvars
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache

from django.db import connection, models
from django.db.models import signals

_queue: contextvars.ContextVar[list | None] = contextvars.ContextVar("kefu_write_queue", default=None)


@contextmanager
def together() -> Iterator[None]:
    """Write what `insert()` queues inside the block in one round trip when it ends.

    Use it inside a transaction. A block inside another adds to the outer one; if the block
    raises, nothing queued is written (the transaction is being rolled back anyway)."""
    if _queue.get() is not None:
        yield
        return
    token = _queue.set([])
    try:
        yield
        queued = _queue.get()
    finally:
        _queue.reset(token)
    _write(queued)


def insert(rows: Sequence[models.Model]) -> None:
    """Insert rows of one model now, or at the end of the enclosing `together()` block."""
    if not rows:
        return
    model = type(rows[0])
    if _has_save_receivers(model):
        raise ValueError(f"{model._meta.label} has save signal receivers: save it with the ORM")
    queue = _queue.get()
    if queue is None:
        _write([rows])
    else:
        queue.append(rows)


def insert_one(row: models.Model) -> None:
    """Insert one row now and read its generated key back, as save(force_insert=True) does
    without the ORM's per-call query building (a request's row: 32 columns)."""
    model = type(row)
    if _has_save_receivers(model) or connection.vendor != "postgresql":
        row.save(force_insert=True)
        return
    with connection.cursor() as cursor:
        cursor.execute(_values_of(cursor, [row]) + " RETURNING " + connection.ops.quote_name(model._meta.pk.column))
        row.pk = cursor.fetchone()[0]
    row._state.adding, row._state.db = False, connection.alias


def _has_save_receivers(model) -> bool:
    return signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)


def _write(groups: list[Sequence[models.Model]]) -> None:
    if not groups:
        return
    if connection.vendor != "postgresql":
        for rows in groups:
            type(rows[0]).objects.bulk_create(rows)
        return
    with connection.cursor() as cursor:
        statements = [_values_of(cursor, rows) for rows in groups]
        cursor.execute(";\n".join(statements))


def _values_of(cursor, rows: Sequence[models.Model]) -> str:
    """One INSERT of the rows with their values written in. Each row's values are merged on
    their own: psycopg keeps the parsed form of a statement of up to 50 values, and parsed
    the whole batch (70 values for a request's event, audit entry and three clocks) every time."""
    head, fields, placeholders = _insert_parts(type(rows[0]))
    values = []
    for row in rows:
        # As save() and bulk_create() do: a related row saved after it was assigned (a clock
        # planned before its request was written) gives its key now; an unsaved one is refused.
        row._prepare_related_fields_for_save(operation_name="insert")
        params = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
        values.append(cursor.mogrify(placeholders, params))
    return head + ", ".join(values)


@cache
def _insert_parts(model: type[models.Model]) -> tuple[str, list[models.Field], str]:
    """`INSERT INTO … (columns) VALUES `, the columns' fields and one row's placeholders, for every
    column but the generated primary key."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    if any(field.has_db_default() or field.generated for field in fields):
        raise ValueError(f"{meta.label} has database-computed columns: save it with the ORM")
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ", fields, placeholders
