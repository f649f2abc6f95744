"""Writes to calendars and time-limit policies, audited in the same transaction.

Every change of a calendar's days bumps its revision, which expires the day tables that
kefu.sla.calendar caches in each process.
"""

from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record, diff, snapshot
from kefu.core import config_cache
from kefu.customers.tiers import green_channel_codes

from .choices import DaySource
from .models import BusinessCalendar, CalendarDay, SlaPolicy
from .presets import GREEN_CHANNEL, PRESETS
from .validation import parse_schedule

_DAY_FIELDS = ["is_workday", "name", "source"]
_CALENDAR_FIELDS = ["name", "code", "org_unit_id", "time_zone", "work_start", "work_end", "lunch_start", "lunch_end"]


def _calendar_state(calendar: BusinessCalendar) -> dict:
    """Snapshot for the audit trail (times as text: audit's JSON does not know them)."""
    state = snapshot(calendar, _CALENDAR_FIELDS)
    return {k: v.isoformat() if isinstance(v, time) else v for k, v in state.items()}


def _bump(calendar: BusinessCalendar) -> None:
    """Expire every process's cached day tables of this calendar."""
    BusinessCalendar.objects.filter(pk=calendar.pk).update(revision=F("revision") + 1)
    config_cache.clear()  # the cached policies carry the calendar and its old revision
    calendar.refresh_from_db(fields=["revision"])


@transaction.atomic
def calendar_day_set(
    *, actor, calendar: BusinessCalendar, day, is_workday: bool, name: str = "", source: str = DaySource.OFFICIAL
) -> CalendarDay:
    """Enter one day of the official schedule (or a local closure / working day)."""
    existing = CalendarDay.objects.select_for_update().filter(calendar=calendar, date=day).first()
    before = snapshot(existing, _DAY_FIELDS) if existing else {}
    entry, _created = CalendarDay.objects.update_or_create(
        calendar=calendar, date=day, defaults={"is_workday": is_workday, "name": name, "source": source}
    )
    _bump(calendar)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED if existing else AuditAction.CREATED,
        target=entry,
        changes=diff(before, snapshot(entry, _DAY_FIELDS)),
    )
    return entry


@transaction.atomic
def calendar_day_delete(*, actor, entry: CalendarDay) -> None:
    """Remove an override: the day falls back to the library or the statutory rule."""
    calendar = entry.calendar
    before = snapshot(entry, _DAY_FIELDS)
    audit_record(
        actor=actor, action=AuditAction.DELETED, target=entry, changes={k: [v, None] for k, v in before.items()}
    )
    entry.delete()
    _bump(calendar)


@transaction.atomic
def calendar_schedule_import(*, actor, calendar: BusinessCalendar, text: str, source: str = DaySource.OFFICIAL) -> int:
    """Import a schedule (CSV: date or date range, 班/休, name): all lines or none.

    1. Parse every line; if any is bad, raise one ValidationError listing them all.
    2. Write each day (replacing an earlier entry for the same date).
    3. Bump the revision once and write one audit event with each day's before/after.
    """
    rows, errors = parse_schedule(text)
    if errors:
        raise ValidationError([_("Line %(line)d: %(message)s") % error for error in errors])
    existing = {d.date: d for d in CalendarDay.objects.filter(calendar=calendar, date__in=[r.date for r in rows])}
    changes = {}
    for row in rows:
        old = existing.get(row.date)
        before = [old.is_workday, old.name] if old else None
        if before != [row.is_workday, row.name] or (old and old.source != source):
            changes[row.date.isoformat()] = [before, [row.is_workday, row.name]]
        CalendarDay.objects.update_or_create(
            calendar=calendar,
            date=row.date,
            defaults={"is_workday": row.is_workday, "name": row.name, "source": source},
        )
    _bump(calendar)
    audit_record(
        actor=actor,
        action=AuditAction.IMPORTED,
        target=calendar,
        changes=changes,
        summary=_("%(count)d days imported, %(changed)d changed") % {"count": len(rows), "changed": len(changes)},
    )
    return len(rows)


@transaction.atomic
def calendar_save(*, actor, calendar: BusinessCalendar) -> BusinessCalendar:
    """Save a calendar's name and working hours (validated), audited with before/after values.

    Working hours are not part of the cached day tables, but the revision is bumped anyway so
    that anything keyed on it sees the change.
    """
    calendar.full_clean(exclude=["revision"])
    old = BusinessCalendar.objects.filter(pk=calendar.pk).first() if calendar.pk else None
    before = _calendar_state(old) if old else {}
    calendar.save()
    _bump(calendar)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED if old else AuditAction.CREATED,
        target=calendar,
        changes=diff(before, _calendar_state(calendar)),
    )
    return calendar


def default_calendar() -> BusinessCalendar:
    calendar, _created = BusinessCalendar.objects.get_or_create(
        code="default", defaults={"name": _("Standard calendar")}
    )
    return calendar


@transaction.atomic
def sla_install_preset(*, preset: str, calendar: BusinessCalendar | None = None) -> int:
    """Create the preset's policies (once per preset), and its green-channel policies for each
    active tier that carries the green channel (presets.GREEN_CHANNEL); returns how many were made."""
    if preset not in PRESETS:
        raise ValidationError({"preset": _("Unknown preset “%(name)s”.") % {"name": preset}})
    if SlaPolicy.objects.filter(preset=preset).exists():
        return 0
    calendar = calendar or default_calendar()
    entries = [(entry, "") for entry in PRESETS[preset]]
    for tier in sorted(green_channel_codes()):
        entries += [(entry, tier) for entry in GREEN_CHANNEL.get(preset, [])]
    for (name, ticket_type, priority, first, arrival, resolution), tier in entries:
        fields = {
            "name": f"{name} {tier}" if tier else name,
            "preset": preset,
            "ticket_type": ticket_type,
            "customer_tier": tier,
            "priority": priority,
            "calendar": calendar,
        }
        for metric, limit in (("first_response", first), ("arrival", arrival), ("resolution", resolution)):
            if limit:
                fields[metric], fields[f"{metric}_unit"] = limit
        SlaPolicy.objects.create(**fields)
    return len(entries)
