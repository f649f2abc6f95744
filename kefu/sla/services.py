"""Writes to calendars and time-limit policies, audited in the same transaction."""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.customers.validation import parse_date

from .choices import DaySource
from .models import BusinessCalendar, CalendarDay, SlaPolicy
from .presets import PRESETS

_TRUE = {"1", "true", "yes", "y", "是", "班", "上班", "workday"}
_FALSE = {"0", "false", "no", "n", "否", "休", "放假", "holiday"}


def _bump(calendar: BusinessCalendar) -> None:
    """Expire every process's cached day tables of this calendar."""
    BusinessCalendar.objects.filter(pk=calendar.pk).update(revision=F("revision") + 1)
    calendar.refresh_from_db(fields=["revision"])


@transaction.atomic
def calendar_day_set(*, actor, calendar, day, is_workday: bool, name: str = "", source=DaySource.OFFICIAL):
    """Enter one day of the official schedule (or a local closure / working day)."""
    existing = CalendarDay.objects.filter(calendar=calendar, date=day).first()
    before = [existing.is_workday, existing.name] if existing else None
    entry, _created = CalendarDay.objects.update_or_create(
        calendar=calendar, date=day, defaults={"is_workday": is_workday, "name": name, "source": source}
    )
    _bump(calendar)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED if existing else AuditAction.CREATED,
        target=entry,
        changes={"day": [before, [is_workday, name]]},
    )
    return entry


def _parse_schedule(text: str) -> tuple[list[tuple], list[dict]]:
    rows, errors = [], []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip() or row[0].strip().lower() in ("date", "日期"):
            continue
        if len(row) < 2:
            errors.append({"row": number, "message": _("Expected: date, working day (yes/no), name")})
            continue
        try:
            day = parse_date(row[0].strip())
        except (ValueError, OverflowError):
            day = None
        flag = row[1].strip().lower()
        if day is None:
            errors.append({"row": number, "message": _("“%(value)s” is not a date.") % {"value": row[0]}})
        elif flag not in _TRUE | _FALSE:
            errors.append({"row": number, "message": _("“%(value)s” is not yes or no.") % {"value": row[1]}})
        else:
            rows.append((day, flag in _TRUE, (row[2] if len(row) > 2 else "").strip()))
    return rows, errors


@transaction.atomic
def calendar_schedule_import(*, actor, calendar, text: str) -> int:
    """Import an official schedule (CSV: date, working day, name): all rows or none."""
    rows, errors = _parse_schedule(text)
    if errors:
        raise ValidationError([f"{_('Row')} {e['row']}: {e['message']}" for e in errors])
    for day, is_workday, name in rows:
        CalendarDay.objects.update_or_create(
            calendar=calendar, date=day, defaults={"is_workday": is_workday, "name": name, "source": DaySource.OFFICIAL}
        )
    _bump(calendar)
    audit_record(
        actor=actor,
        action=AuditAction.IMPORTED,
        target=calendar,
        summary=_("%(count)d days imported") % {"count": len(rows)},
    )
    return len(rows)


def default_calendar() -> BusinessCalendar:
    calendar, _created = BusinessCalendar.objects.get_or_create(
        code="default", defaults={"name": _("Standard calendar")}
    )
    return calendar


@transaction.atomic
def sla_install_preset(*, preset: str, calendar: BusinessCalendar | None = None) -> int:
    """Create the preset's policies (once per preset); returns how many were made."""
    if preset not in PRESETS:
        raise ValidationError({"preset": _("Unknown preset “%(name)s”.") % {"name": preset}})
    if SlaPolicy.objects.filter(preset=preset).exists():
        return 0
    calendar = calendar or default_calendar()
    for name, ticket_type, priority, first, arrival, resolution in PRESETS[preset]:
        fields = {
            "name": name,
            "preset": preset,
            "ticket_type": ticket_type,
            "priority": priority,
            "calendar": calendar,
        }
        for metric, limit in (("first_response", first), ("arrival", arrival), ("resolution", resolution)):
            if limit:
                fields[metric], fields[f"{metric}_unit"] = limit
        SlaPolicy.objects.create(**fields)
    return len(PRESETS[preset])
