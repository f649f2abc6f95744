"""The dry run and the commit: the same row checks, the commit all-or-nothing.

Rows are cleaned by the archive's own rulebook (kefu.customers.validation), checked for
duplicates within the file and against the archive in batches, and reported as
{row, column, message} with the spreadsheet's own row numbers.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from kefu.org.choices import Role
from kefu.org.selectors import account_managers_visible_to

from ..choices import ImportKind, SourceChannel
from ..models import Customer
from ..selectors import customers_visible_to
from ..validation import clean_customer_data, clean_key_person_data
from . import readers
from .mapping import REQUIRED, fields_for

BATCH = 2000
MAX_REPORTED_ERRORS = 10_000


@dataclass
class Outcome:
    """What a pass over the file found: errors and counts (clean rows go to the sink)."""

    total: int = 0
    errors: list = field(default_factory=list)
    error_rows: set = field(default_factory=set)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_rows.add(row)
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})


class RowChecker:
    """Turns raw rows into clean field dicts for one job, or errors naming row and column."""

    def __init__(self, job, sink=None):
        self.job, self.sink = job, sink
        self.columns = {field_name: int(index) for index, field_name in job.mapping.items()}
        self.headers = job.headers
        self.seen_mobiles: dict[str, int] = {}
        self.seen_org_codes: dict[str, int] = {}
        self.managers = {}
        if job.kind == ImportKind.CUSTOMERS and "account_manager" in self.columns:
            for manager in account_managers_visible_to(job.created_by):
                self.managers[manager.username] = manager
                self.managers.setdefault(manager.full_name, manager)

    def column_name(self, field_name: str) -> str:
        index = self.columns.get(field_name)
        return self.headers[index] if index is not None and index < len(self.headers) else str(field_name)

    def raw(self, cells: list) -> dict:
        return {name: cells[index] if index < len(cells) else None for name, index in self.columns.items()}

    def check_batch(self, batch: list[tuple[int, list]], outcome: Outcome) -> None:
        cleaned = []
        for number, cells in batch:
            row = self._clean(number, cells, outcome)
            if row is not None:
                cleaned.append((number, row))
        if self.job.kind == ImportKind.CUSTOMERS:
            cleaned = self._against_archive(cleaned, outcome)
        else:
            cleaned = self._resolve_customers(cleaned, outcome)
        if self.sink and not outcome.error_rows:
            self.sink(cleaned)  # the commit writes batch by batch: memory stays flat

    def _clean(self, number: int, cells: list, outcome: Outcome) -> dict | None:
        raw = self.raw(cells)
        for required in REQUIRED[self.job.kind]:
            if raw.get(required) in (None, "") or not str(raw.get(required)).strip():
                outcome.add_error(number, self.column_name(required), _("This value is required."))
                return None
        rulebook = clean_customer_data if self.job.kind == ImportKind.CUSTOMERS else clean_key_person_data
        fields = {k: v for k, v in raw.items() if k not in ("account_manager", "customer")}
        try:
            clean = rulebook(fields)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                outcome.add_error(number, self.column_name(name), "; ".join(messages))
            return None
        if self.job.kind == ImportKind.CUSTOMERS:
            return self._customer_extras(number, raw, clean, outcome)
        clean["customer_ref"] = str(raw["customer"]).strip()
        if clean["customer_ref"].endswith(".0"):
            clean["customer_ref"] = clean["customer_ref"][:-2]
        return clean

    def _customer_extras(self, number, raw, clean, outcome) -> dict | None:
        for key, seen, label in (
            ("mobile", self.seen_mobiles, "mobile"),
            ("org_code", self.seen_org_codes, "org_code"),
        ):
            value = clean.get(key)
            if value:
                if value in seen:
                    outcome.add_error(
                        number,
                        self.column_name(label),
                        _("Same value as row %(row)d of this file.") % {"row": seen[value]},
                    )
                    return None
                seen[value] = number
        actor = self.job.created_by
        manager_name = str(raw.get("account_manager") or "").strip()
        if manager_name:
            manager = self.managers.get(manager_name)
            if manager is None:
                outcome.add_error(
                    number,
                    self.column_name("account_manager"),
                    _("“%(value)s” is not an account manager you can assign customers to.") % {"value": manager_name},
                )
                return None
            clean["account_manager"] = manager
        elif actor.role == Role.ACCOUNT_MANAGER:
            clean["account_manager"] = actor
        clean.setdefault("source_channel", SourceChannel.IMPORT)
        if not clean["source_channel"]:
            clean["source_channel"] = SourceChannel.IMPORT
        return clean

    def _against_archive(self, cleaned, outcome):
        mobiles = [row["mobile"] for _n, row in cleaned if row.get("mobile")]
        codes = [row["org_code"] for _n, row in cleaned if row.get("org_code")]
        numbers = [row["code"] for _n, row in cleaned if row.get("code")]
        existing = Customer.objects.filter(Q(mobile__in=mobiles) | Q(org_code__in=codes) | Q(code__in=numbers))
        found = list(existing.values_list("id", "name", "mobile", "org_code", "code"))
        visible = set(
            customers_visible_to(self.job.created_by).filter(pk__in=[f[0] for f in found]).values_list("id", flat=True)
        )
        by = {"mobile": {}, "org_code": {}, "code": {}}
        for pk, name, mobile, org_code, code in found:
            label = (
                _("already belongs to customer “%(name)s”") % {"name": name}
                if pk in visible
                else _("is already in the archive")
            )
            by["mobile"][mobile], by["org_code"][org_code], by["code"][code] = label, label, label
        kept = []
        for number, row in cleaned:
            clash = next((k for k in ("mobile", "org_code", "code") if row.get(k) and row[k] in by[k]), None)
            if clash:
                outcome.add_error(
                    number, self.column_name(clash), _("This value %(what)s.") % {"what": by[clash][row[clash]]}
                )
            else:
                kept.append((number, row))
        return kept

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
            customer_id = matches.get(row["customer_ref"])
            if customer_id is None:
                outcome.add_error(
                    number,
                    self.column_name("customer"),
                    _("No customer “%(value)s” in your customers.") % {"value": row["customer_ref"]},
                )
            else:
                row["customer_id"] = customer_id
                kept.append((number, row))
        return kept


def check_file(job, *, sink=None, progress=None) -> Outcome:
    """One pass over the file. Clean batches go to `sink(rows)` while no row has failed;
    `progress(rows_done)` is called after every batch."""
    outcome, checker, batch = Outcome(), RowChecker(job, sink), []
    path = Path(job.file.path)
    for number, cells in readers.data_rows(path, job.original_name):
        outcome.total += 1
        batch.append((number, cells))
        if len(batch) >= BATCH:
            checker.check_batch(batch, outcome)
            batch = []
            if progress:
                progress(outcome.total)
    if batch:
        checker.check_batch(batch, outcome)
    if progress:
        progress(outcome.total)
    return outcome


def required_fields_missing(kind: str, mapping: dict) -> list[str]:
    mapped = set(mapping.values())
    return [str(fields_for(kind)[name][0]) for name in REQUIRED[kind] if name not in mapped]
