"""The dry run and the commit: rows cleaned once, kept in a staging table, written in bulk.

The dry run cleans every row with the archive's own rulebook (kefu.customers.validation),
reports problems as {row, column, message} with the spreadsheet's own row numbers, and keeps
each clean row, as the record it will become, in `ImportRow`. Duplicates within the file and
against the archive are then found in SQL over that table. The commit checks the archive again
in SQL (something may have been added since), then copies the staged records into the archive
in batches with their audit entries, all in one transaction.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, DateField, Exists, F, Min, OuterRef, Q, Window
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_written
from kefu.core.bulk import insert_rows
from kefu.core.files import local_copy
from kefu.org.choices import Role
from kefu.org.selectors import account_managers_visible_to

from .. import hooks
from ..choices import ImportKind, SourceChannel
from ..models import Customer, ImportRow, KeyPerson
from ..selectors import customers_visible_to
from ..validation import clean_customer_data, clean_key_person_data, local_today, phone_is_valid_for_quality
from . import readers
from .mapping import REQUIRED, fields_for

BATCH = 5000
MAX_REPORTED_ERRORS = 10_000
DUPLICATE_KEYS = ("mobile", "org_code", "code")
# Fields whose text is stored as typed, so a leading =, +, - or @ would be run by a spreadsheet
# that opens an export of it; phones and dates are turned into digits first.
_NOT_FORMULA_CHECKED = {"mobile", "phone", "birthday", "email"}
_FORMULA_STARTS = ("=", "+", "-", "@")
# One encoder for every staged record: json.dumps(…, ensure_ascii=False) builds a new one per call.
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


@dataclass
class Outcome:
    """What a pass over the file found: errors and counts (clean rows go to the staging table)."""

    total: int = 0
    errors: list = field(default_factory=list)
    error_rows: set = field(default_factory=set)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_rows.add(row)
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})


class CellProblem(ValueError):
    pass


def cell_value(name: str, value):
    """A spreadsheet cell as the rulebook takes it, or CellProblem saying what is wrong with it."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, readers.FormulaCell):
        raise CellProblem(
            _(
                "The cell holds a formula (%(formula)s) without a saved result. Open the file in Excel, "
                "save it, and upload it again (or copy the column and paste it as values)."
            )
            % {"formula": value.formula[:50]}
        )
    if isinstance(value, readers.ErrorCell):
        raise CellProblem(_("The cell shows the Excel error %(code)s.") % {"code": value.code})
    if name == "birthday":
        return value  # Excel date serials and dates: the rulebook's parse_date reads them
    if isinstance(value, float):
        if name == "id_number" and abs(value) >= 1e15:
            return value  # the rulebook explains what Excel did to it
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (datetime, date)):
        return readers.as_text(value)
    return str(value)


class RowChecker:
    """Turns raw rows into staged records for one job, or errors naming row and column.

    What does not change from row to row is worked out once here: each mapped column's field,
    position and whether a leading =, +, - or @ is refused in it; the fields holding dates (staged
    as ISO text); where a customer without a manager column is placed."""

    def __init__(self, job):
        self.job = job
        self.customers = job.kind == ImportKind.CUSTOMERS
        self.columns = {field_name: int(index) for index, field_name in job.mapping.items()}
        self.headers = job.headers
        self.managers = {}
        if self.customers and "account_manager" in self.columns:
            for manager in account_managers_visible_to(job.created_by):
                self.managers[manager.username] = manager
                self.managers.setdefault(manager.full_name, manager)
        self.rulebook = clean_customer_data if self.customers else clean_key_person_data
        self.required = REQUIRED[job.kind]
        self.plan = [(name, index, name not in _NOT_FORMULA_CHECKED) for name, index in self.columns.items()]
        self.references = {"account_manager", "customer"} & set(self.columns)  # not archive fields
        model = Customer if self.customers else KeyPerson
        self.date_fields = [
            f.name for f in model._meta.get_fields() if isinstance(f, DateField) and f.name in self.columns
        ]
        actor = job.created_by
        self.placement = self._placement(actor if actor.role == Role.ACCOUNT_MANAGER else None)
        self.keys_seen: set[str] = set()  # the duplicate keys some staged row has a value for
        self.today = local_today()

    def column_name(self, field_name: str) -> str:
        index = self.columns.get(field_name)
        return self.headers[index] if index is not None and index < len(self.headers) else str(field_name)

    def stage_batch(self, batch: list[tuple[int, list]], outcome: Outcome) -> None:
        """Clean a batch and stage its clean rows. A customer row goes into the staging COPY as
        soon as it is clean, so that the database stores it while the next one is cleaned;
        key persons are first matched to their customers (queries, which cannot run while a
        COPY is open), and so are rows with a tier (the tiers may load from the database)."""
        self.today = local_today()  # a birthday is checked against the day of its batch
        records = self._clean_rows(batch, outcome)
        if not self.customers:
            records = self._resolve_customers(list(records), outcome)
        elif "tier" in self.columns:
            records = list(records)
        self._write_staged(records)

    def _clean_rows(self, batch, outcome):
        for number, cells in batch:
            row = self._clean(number, cells, outcome)
            if row is not None:
                yield number, row

    def _clean(self, number: int, cells: list, outcome: Outcome) -> dict | None:
        raw, bad, width = {}, False, len(cells)
        for name, index, formula_checked in self.plan:
            value = cells[index] if index < width else None
            if value is not None and value.__class__ is not str:
                try:
                    value = cell_value(name, value)
                except CellProblem as problem:
                    outcome.add_error(number, self.column_name(name), str(problem))
                    bad = True
                    continue
            if isinstance(value, str):
                value = value.strip()
                if formula_checked and len(value) > 1 and value[0] in _FORMULA_STARTS:
                    outcome.add_error(
                        number,
                        self.column_name(name),
                        _(
                            "Starts with “%(sign)s”, which a spreadsheet would run as a formula when the "
                            "data is opened again: remove the sign."
                        )
                        % {"sign": value[0]},
                    )
                    bad = True
                    continue
            raw[name] = value
        for required in self.required:
            if required in raw and not raw[required]:
                outcome.add_error(number, self.column_name(required), _("This value is required."))
                bad = True
        fields = {k: v for k, v in raw.items() if k not in self.references} if self.references else raw
        try:
            clean = self.rulebook(fields, today=self.today)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if not (name in self.required and name in raw and not raw[name]):  # said once already
                    outcome.add_error(number, self.column_name(name), "; ".join(messages))
            return None
        if bad:
            return None
        if self.customers:
            return self._customer(number, raw, clean, outcome)
        clean["customer_ref"] = raw.get("customer") or ""
        return clean

    def _placement(self, manager) -> dict:
        """The manager, creator and unit columns of a customer placed with `manager` (or none)."""
        actor = self.job.created_by
        return {
            "account_manager_id": manager.pk if manager else None,
            "created_by_id": actor.pk,
            "org_unit_id": manager.org_unit_id if manager and manager.org_unit_id else actor.org_unit_id,
        }

    def _customer(self, number, raw, clean, outcome) -> dict | None:
        manager_name = raw.get("account_manager") or ""
        if manager_name:
            manager = self.managers.get(manager_name)
            if manager is None:
                outcome.add_error(
                    number,
                    self.column_name("account_manager"),
                    _("“%(value)s” is not an account manager you can assign customers to.") % {"value": manager_name},
                )
                return None
            placement = self._placement(manager)
        else:
            placement = self.placement
        if not clean.get("source_channel"):
            clean["source_channel"] = SourceChannel.IMPORT
        clean.update(placement)
        clean["has_valid_phone"] = phone_is_valid_for_quality(clean.get("mobile", ""), clean.get("phone", ""))
        return clean

    def _resolve_customers(self, cleaned, outcome):
        refs = {row["customer_ref"] for _n, row in cleaned}
        scope = customers_visible_to(self.job.created_by)
        matches = {}
        for pk, code, org_code, mobile in scope.filter(
            Q(code__in=refs) | Q(org_code__in=refs) | Q(mobile__in=refs)
        ).values_list("id", "code", "org_code", "mobile"):
            for key in (code, org_code, mobile):
                if key:
                    matches[key] = pk
        kept = []
        for number, row in cleaned:
            ref = row.pop("customer_ref")
            customer_id = matches.get(ref)
            if customer_id is None:
                outcome.add_error(
                    number,
                    self.column_name("customer"),
                    _("No customer “%(value)s” in your customers.") % {"value": ref},
                )
            else:
                row["customer_id"] = customer_id
                kept.append((number, row))
        return kept

    def _staged(self, number: int, record: dict) -> tuple:
        """(number, mobile, org_code, code, record with its dates as text) of a clean row; the
        three keys that duplicates are found by are empty for key persons."""
        for name in self.date_fields:
            value = record.get(name)
            if value:
                record[name] = value.isoformat()
        if not self.customers:
            return number, "", "", "", record
        mobile, org_code, code = record.get("mobile") or "", record.get("org_code") or "", record.get("code") or ""
        if mobile:
            self.keys_seen.add("mobile")
        if org_code:
            self.keys_seen.add("org_code")
        if code:
            self.keys_seen.add("code")
        return number, mobile, org_code, code, record

    def _write_staged(self, records) -> None:
        """COPY on PostgreSQL with the JSON text made here (once per row, instead of the field's
        adapter), each row sent as it comes; SQLite through the common batch writer."""
        job_id = self.job.pk
        if connection.vendor != "postgresql":
            columns = ("number", "mobile", "org_code", "code", "data")
            rows = [dict(zip(columns, self._staged(number, record), strict=True)) for number, record in records]
            insert_rows(ImportRow, [{"job_id": job_id, **row} for row in rows], with_ids=False)
            return
        table = connection.ops.quote_name(ImportRow._meta.db_table)
        columns = "job_id, number, mobile, org_code, code, data"
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for number, record in records:
                number, mobile, org_code, code, data = self._staged(number, record)
                copy.write_row((job_id, number, mobile, org_code, code, _encode_json(data)))

    # --- set-wise checks over the staging table ---------------------------------------------------

    def check_duplicates(self, outcome: Outcome) -> None:
        """Within the file (a value seen in an earlier row) and against the archive, in SQL."""
        if not self.customers:
            return
        staged = ImportRow.objects.filter(job=self.job)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the planner's figures for the rows just staged
                cursor.execute(f"ANALYZE {connection.ops.quote_name(ImportRow._meta.db_table)}")
        keys = [key for key in DUPLICATE_KEYS if key in self.keys_seen]  # a column no row fills: no pass
        for key in keys:
            # One pass: each row with the first row and the count of its value (windows over the
            # value), repeats kept; a join of the table to its own groups was planned as a nested
            # loop over the freshly filled table.
            by_value = {"partition_by": [F(key)]}
            repeats = (
                staged.exclude(**{key: ""})
                .annotate(first=Window(Min("number"), **by_value), times=Window(Count("id"), **by_value))
                .filter(times__gt=1)
                .exclude(number=F("first"))
                .order_by("number")
                .values_list("number", "first")
            )
            for number, first in repeats.iterator(chunk_size=BATCH):
                outcome.add_error(
                    number, self.column_name(key), _("Same value as row %(row)d of this file.") % {"row": first}
                )
        if keys and _any_clash(self.job, keys):  # one pass when nothing clashes, the report per key otherwise
            archive_clashes(self, outcome, keys)


def archive_clashes(checker: RowChecker, outcome: Outcome, keys=DUPLICATE_KEYS) -> None:
    """Staged rows whose mobile, organisation code or customer number is already in the archive:
    one EXISTS probe per row and key on the archive's indexes."""
    staged = ImportRow.objects.filter(job=checker.job)
    visible = customers_visible_to(checker.job.created_by)
    for key in keys:
        clashes = (
            staged.exclude(**{key: ""})
            .filter(Exists(Customer.objects.filter(**{key: OuterRef(key)})))
            .order_by("number")
            .values_list("number", key)
        )
        rows = list(clashes.iterator(chunk_size=BATCH))
        if not rows:
            continue
        shown = {value for _number, value in rows[:MAX_REPORTED_ERRORS]}
        owners = {}
        for pk, name, value in Customer.objects.filter(**{f"{key}__in": shown}).values_list("pk", "name", key):
            owners.setdefault(value, (pk, name))
        named = set(visible.filter(pk__in=[pk for pk, _name in owners.values()]).values_list("pk", flat=True))
        for number, value in rows:
            pk, name = owners.get(value, (None, ""))
            what = (
                _("already belongs to customer “%(name)s”") % {"name": name}
                if pk in named
                else _("is already in the archive")
            )
            outcome.add_error(number, checker.column_name(key), _("This value %(what)s.") % {"what": what})


def dry_run(job, *, progress=None) -> Outcome:
    """Clean and stage every row; then the SQL checks. `progress(rows, fraction)` after each batch."""
    ImportRow.objects.filter(job=job).delete()
    outcome, checker, batch = Outcome(), RowChecker(job), []
    with local_copy(job.file) as path:  # the upload may be on an object store
        rows = readers.data_rows(path, job.file_format, job.header_row)
        for number, cells in rows:
            outcome.total += 1
            batch.append((number, cells))
            if len(batch) >= BATCH:
                checker.stage_batch(batch, outcome)
                batch = []
                if progress:
                    progress(outcome.total, rows.fraction_read())
    if batch:
        checker.stage_batch(batch, outcome)
    checker.check_duplicates(outcome)
    outcome.errors.sort(key=lambda error: error["row"])
    if progress:
        progress(outcome.total, 1.0)
    return outcome


COMMIT_CHUNK = 50_000


def commit_staged(job, *, progress=None) -> Outcome | int:
    """Inside the caller's transaction: the archive checked again, then every staged record
    written with its audit entry. Returns the Outcome if a row clashes now, else the count.

    The records go from the staging table into the archive's table in SQL (INSERT … SELECT,
    RETURNING the new ids and names), a chunk of staged rows at a time, each chunk with its audit
    entries in the same statement (`audit_written`); customers imported with an account manager
    are told to `hooks.managers_changed`, as the archive's other writers do."""
    checker = RowChecker(job)
    if checker.customers and _any_clash(job):
        outcome = Outcome()
        archive_clashes(checker, outcome)
        if outcome.error_rows:
            return outcome
    model = Customer if checker.customers else KeyPerson
    staged = ImportRow.objects.filter(job=job)
    first = staged.order_by("id").values_list("id", "data").first()
    if first is None:
        return 0
    insert, params = _insert_from_staging(model, first[1])
    summary = (_("Imported from %(file)s") % {"file": job.original_name})[:300]
    last_id = first[0] - 1
    highest = staged.order_by("-id").values_list("id", flat=True).first()
    created = 0
    while last_id < highest:
        upto = last_id + COMMIT_CHUNK
        written = audit_written(
            insert,
            [*params, job.pk, last_id, upto],
            actor=job.created_by,
            action=AuditAction.IMPORTED,
            target_type=model._meta.label_lower,
            summary=summary,
            fetch=("target_id", "manager_id") if checker.customers else (),
        )
        if checker.customers:
            # A customer imported with a manager starts that manager's first-contact week.
            hooks.managers_changed([(pk, None, manager) for pk, manager in written if manager])
            written = len(written)
        created += written
        last_id = upto
        if progress:
            progress(created, created / max(job.total_rows, 1))
    staged.delete()
    return created


def _any_clash(job, keys=DUPLICATE_KEYS) -> bool:
    """Whether any staged row's key is in the archive now: one pass that stops at the first."""
    clash = Q()
    for key in keys:
        clash |= ~Q(**{key: ""}) & Q(Exists(Customer.objects.filter(**{key: OuterRef(key)})))
    return ImportRow.objects.filter(job=job).filter(clash).exists()


def _insert_from_staging(model, sample: dict) -> tuple[str, list]:
    """INSERT INTO <model's table> (…) SELECT … FROM the staging table WHERE job, id range,
    RETURNING id, name, customer id. Columns the staged records hold are read from their JSON
    (cast to the column's type on PostgreSQL, whose ->> gives text); the others get the field's
    default, worked out once."""
    quote = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    columns, values, params = [], [], []
    fields = [f for f in model._meta.get_fields() if f.concrete and not f.many_to_many and not f.primary_key]
    defaults = _field_defaults(fields)
    for column, default in zip(fields, defaults, strict=True):
        columns.append(quote(column.column))
        if column.attname in sample:
            values.append(f"CAST(data ->> %s AS {column.db_type(connection)})" if postgres else "data ->> %s")
            params.append(column.attname)
        else:
            values.append("%s")
            params.append(column.get_db_prep_save(default, connection))
    if model is Customer:
        customer, manager = quote(model._meta.pk.column), f"{quote('account_manager_id')} AS manager_id"
    else:
        customer, manager = quote("customer_id"), ""
    staging = quote(ImportRow._meta.db_table)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} FROM {staging} WHERE job_id = %s AND id > %s AND id <= %s ORDER BY id "
        f"RETURNING {quote(model._meta.pk.column)} AS target_id, {quote('name')} AS target_repr,"
        f" {customer} AS customer_id{', ' + manager if manager else ''}"
    )
    return sql, params


def _field_defaults(fields) -> list:
    now = timezone.now()
    return [
        now if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False) else field.get_default()
        for field in fields
    ]


def required_fields_missing(kind: str, mapping: dict) -> list[str]:
    mapped = set(mapping.values())
    return [str(fields_for(kind)[name][0]) for name in REQUIRED[kind] if name not in mapped]
