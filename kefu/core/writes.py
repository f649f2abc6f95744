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
from datetime import datetime
from functools import cache

from django.db import connection, models
from django.db.models import signals
from django.db.models.enums import Choices

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
    head, columns, placeholders = _insert_parts(type(rows[0]))
    values = []
    for row in rows:
        # As save() and bulk_create() do: a related row saved after it was assigned (a clock
        # planned before its request was written) gives its key now; an unsaved one is refused.
        row._prepare_related_fields_for_save(operation_name="insert")
        values.append(cursor.mogrify(placeholders, [_db_value(row, column) for column in columns]))
    return head + ", ".join(values)


def _db_value(row: models.Model, column: tuple) -> object:
    """The value Django would send for this column: Django's own conversion, except for a value
    of a type it would send unchanged or only wrapped (a str for a text column, an int for a
    number or a key, an aware datetime, a choice's value): that one is sent without the five
    calls it takes to find out."""
    attname, passes_through, wrap, field = column
    value = getattr(row, attname)
    if passes_through is not None:
        if type(value) not in passes_through and isinstance(value, Choices):
            value = value.value  # what psycopg sends for a choice (EventKind.CREATED: 'created')
        if type(value) in passes_through and not _naive(value):
            return value if wrap is None or value is None else wrap(value)
    return field.get_db_prep_save(field.pre_save(row, True), connection)


def _naive(value) -> bool:
    """A naive datetime: Django makes it aware (with a warning) before sending it."""
    return type(value) is datetime and value.utcoffset() is None


_TEXT, _NUMBER, _FLAG, _MOMENT = (
    frozenset({str, type(None)}),
    frozenset({int, type(None)}),
    frozenset({bool, type(None)}),
    frozenset({datetime, type(None)}),
)
# Exact classes whose conversion returns these values unchanged on PostgreSQL (a subclass may
# convert differently; bool is not an int here, Django turns it into 0 or 1).
_PASSES_THROUGH = {
    models.CharField: _TEXT, models.TextField: _TEXT, models.SlugField: _TEXT, models.EmailField: _TEXT,
    models.IntegerField: _NUMBER, models.BigIntegerField: _NUMBER, models.SmallIntegerField: _NUMBER,
    models.PositiveIntegerField: _NUMBER, models.PositiveSmallIntegerField: _NUMBER,
    models.PositiveBigIntegerField: _NUMBER, models.BooleanField: _FLAG, models.DateTimeField: _MOMENT,
}  # fmt: skip
# Keys to these are sent as plain ints (Django wraps other integer columns' values: _wrapper).
_AUTO_KEYS = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def _passes_through(field: models.Field) -> frozenset | None:
    """The value types this column sends unchanged, or None if every value goes through Django."""
    if field.pre_save.__func__ is not models.Field.pre_save and not (
        isinstance(field, models.DateTimeField) and not (field.auto_now or field.auto_now_add)
    ):
        return None  # the field computes its value when saved (auto_now, …)
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return _NUMBER if type(field.target_field) in _AUTO_KEYS else None
    return _PASSES_THROUGH.get(type(field))


def _wrapper(field: models.Field):
    """psycopg's sized integer (Int2, Int4, Int8) Django wraps an integer column's value in."""
    if _PASSES_THROUGH.get(type(field)) is not _NUMBER:
        return None
    return getattr(connection.ops, "integerfield_type_map", {}).get(field.get_internal_type())


@cache
def _insert_parts(model: type[models.Model]) -> tuple[str, list[tuple], str]:
    """`INSERT INTO … (columns) VALUES `, each column's (attribute, value types sent unchanged,
    their wrapper, field) and one row's placeholders, for every column but the generated primary key."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = [field for field in meta.concrete_fields if field is not meta.auto_field]
    if any(field.has_db_default() or field.generated for field in fields):
        raise ValueError(f"{meta.label} has database-computed columns: save it with the ORM")
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    readers = [(field.attname, _passes_through(field), _wrapper(field), field) for field in fields]
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ", readers, placeholders
