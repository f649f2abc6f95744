"""The audit trail as people read it: field labels, names instead of ids, local times.

An entry keeps what was true when it was written (`changes` holds column names, ids, codes and
ISO times), so that it outlives renamed fields and deleted rows; this module only words it for
the page. Ids of related rows are named in one query per related model for the whole page.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# The kinds of records the trail holds, in the order the object filter offers them.
AUDITED_MODELS = [
    "customers.customer",
    "customers.keyperson",
    "tickets.ticket",
    "sla.businesscalendar",
    "sla.calendarday",
    "org.user",
]
# Where an entry's record is shown, by its type.
_DETAIL_URLS = {"customers.customer": "customers:detail", "tickets.ticket": "tickets:detail"}
_EMPTY = "∅"


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


def _model(target_type: str):
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def target_type_choices() -> list[tuple[str, str]]:
    """(type, its name) for the object filter: 客户, 关键人, 工单…"""
    return [(label, _model(label)._meta.verbose_name) for label in AUDITED_MODELS if _model(label)]


def _field(model, name: str):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # recorded by its column (assignee_id) or no longer a field
        field = next((f for f in model._meta.get_fields() if f.concrete and f.attname == name), None)
    return field if isinstance(field, models.Field) else None


def _local_time(value: str) -> str | None:
    moment = parse_datetime(value) if isinstance(value, str) and len(value) >= 16 else None
    if moment is None or timezone.is_naive(moment):
        return None
    return date_format(timezone.localtime(moment), "Y-m-d H:i")


def _word(field, value, names: dict) -> str:
    """One recorded value as the page shows it."""
    if value is None or value == "":
        return _EMPTY
    if field is not None and field.many_to_one and isinstance(value, (int, str)):
        return names.get((field.related_model, value), f"#{value}" if isinstance(value, int) else value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str):
        return _local_time(value) or value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe(events) -> None:
    """Give each event `change_rows`, `target_label` and `target_url`, naming related rows in
    one query per related model for all the events together."""
    ids, codes = defaultdict(set), defaultdict(set)
    for event in events:
        model = _model(event.target_type)
        for name, values in (event.changes or {}).items():
            field = _field(model, name)
            if field is not None and field.many_to_one and isinstance(values, list):
                ids[field.related_model].update(v for v in values if isinstance(v, int))
                codes[field.related_model].update(v for v in values if isinstance(v, str) and v)
    names = {}
    for related, wanted in ids.items():
        for pk, row in related._base_manager.in_bulk(wanted).items():
            names[(related, pk)] = str(row)
    for related, wanted in codes.items():
        # A row recorded by its code (a request's state): named by the row with that code.
        if wanted and _field(related, "code") is not None:
            for row in related._base_manager.filter(code__in=wanted):
                names.setdefault((related, row.code), str(row))
    for event in events:
        model = _model(event.target_type)
        rows = []
        for name, values in (event.changes or {}).items():
            field = _field(model, name)
            before, after = values if isinstance(values, list) and len(values) == 2 else (None, values)
            label = str(field.verbose_name) if field is not None else name
            rows.append(ChangeRow(label, _word(field, before, names), _word(field, after, names)))
        event.change_rows = rows
        event.target_label = str(model._meta.verbose_name) if model else event.target_type
        url_name = _DETAIL_URLS.get(event.target_type)
        event.target_url = ""
        if url_name:
            try:
                event.target_url = reverse(url_name, args=[event.target_id])
            except NoReverseMatch:
                event.target_url = ""
        elif event.customer_id:
            event.target_url = reverse("customers:detail", args=[event.customer_id])
