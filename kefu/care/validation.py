"""Cleaning of care rules, notices and supply lines from forms and JSON: one rulebook, every bad
field named at once in the user's language."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.text import check_text
from kefu.customers.models import Tag
from kefu.customers.tiers import all_tiers

from .choices import NoticeKind, Occasion
from .models import CustomOccasion, SupplyLine
from .sending import channel_codes

MAX_OFFSET_DAYS = 60
# Outage times are this century's: a year 1 or 9999 moment would overflow the local time zone.
EARLIEST, LATEST = 2000, 2099


def _text(data: dict, key: str, errors: dict, *, required: bool = False, max_length: int = 200) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        errors[key] = _("This field is required.")
    elif len(value) > max_length:
        errors[key] = _("At most %(count)s characters.") % {"count": max_length}
    else:
        check_text(value, key, errors)
    return value


def _names(data: dict, key: str, errors: dict) -> list[str]:
    """A list of short names (grids, regions): a list or one per line / comma-separated text."""
    raw = data.get(key) or []
    if isinstance(raw, str):
        raw = raw.replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(raw, list | tuple):
        errors[key] = _("Give a list of names.")
        return []
    names = []
    for item in raw:
        name = str(item).strip()
        if not name:
            continue
        if len(name) > 50:
            errors[key] = _("At most %(count)s characters.") % {"count": 50}
            return []
        check_text(name, key, errors)
        if name not in names:
            names.append(name)
    return names


def _ids(raw, key: str, errors: dict) -> list[int]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        raw = [raw]
    ids = []
    for item in raw:
        text = str(getattr(item, "pk", item)).strip()
        if not text.isdecimal() or len(text) > 18:
            errors[key] = _("Unknown value: %(value)s") % {"value": text[:30]}
            return []
        ids.append(int(text))
    return ids


def _tags(data: dict, errors: dict) -> list[Tag]:
    ids = _ids(data.get("tags"), "tags", errors)
    tags = list(Tag.objects.filter(pk__in=ids))
    if len(tags) != len(set(ids)):
        errors["tags"] = _("Choose tags from the list.")
    return tags


def _channel(data: dict, errors: dict) -> str:
    channel = str(data.get("channel") or "").strip()
    if channel not in channel_codes():
        errors["channel"] = _("Choose a channel from the list.")
    return channel


def clean_rule(data: dict) -> tuple[dict, list[Tag], dict]:
    """(clean fields, tags, errors) of a care rule."""
    errors: dict = {}
    clean = {
        "name": _text(data, "name", errors, required=True, max_length=100),
        "purpose": _text(data, "purpose", errors, required=True, max_length=50),
        "channel": _channel(data, errors),
        "grids": _names(data, "grids", errors),
        "regions": _names(data, "regions", errors),
        "active": bool(data.get("active", True)),
    }
    occasion = str(data.get("occasion") or "")
    if occasion not in Occasion.values:
        errors["occasion"] = _("Choose an occasion from the list.")
    clean["occasion"] = occasion
    custom = None
    if occasion == Occasion.CUSTOM:
        ids = _ids(data.get("custom_occasion"), "custom_occasion", errors)
        custom = CustomOccasion.objects.filter(pk__in=ids[:1], active=True).first()
        if custom is None:
            errors["custom_occasion"] = _("Choose one of the active custom dates.")
    clean["custom_occasion"] = custom
    tiers = data.get("tiers") or []
    if isinstance(tiers, str):
        tiers = [tiers]
    known = {tier.code for tier in all_tiers() if tier.active}
    if not isinstance(tiers, list | tuple) or any(str(code) not in known for code in tiers):
        errors["tiers"] = _("Choose tiers from the list.")
        tiers = []
    clean["tiers"] = [str(code) for code in tiers]
    days = str(data.get("days_ahead", 3)).strip()
    if not days.isdecimal() or int(days) > MAX_OFFSET_DAYS:
        errors["days_ahead"] = _("Enter a whole number of days from 0 to %(max)s.") % {"max": MAX_OFFSET_DAYS}
        days = "0"
    clean["days_ahead"] = int(days)
    return clean, _tags(data, errors), errors


def clean_custom_occasion(data: dict) -> tuple[dict, dict]:
    from kefu.core.dates import parse_date

    errors: dict = {}
    clean = {
        "name": _text(data, "name", errors, required=True, max_length=50),
        "yearly": bool(data.get("yearly", True)),
    }
    day = data.get("day")
    if not hasattr(day, "year"):
        try:
            day = parse_date(str(day or "").strip())
        except (ValueError, TypeError):
            day = None
    if day is None:
        errors["day"] = _("Enter a date.")
    clean["day"] = day
    return clean, errors


def _moment(data: dict, key: str, errors: dict, *, required: bool) -> datetime | None:
    value = data.get(key)
    if isinstance(value, str) and value.strip():
        from django.utils.dateparse import parse_datetime

        try:
            value = parse_datetime(value.strip())
        except ValueError:
            value = None
        if value is None:
            errors[key] = _("Enter a date and time.")
            return None
    if value in (None, ""):
        if required:
            errors[key] = _("Enter a date and time.")
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not EARLIEST <= value.year <= LATEST:
        errors[key] = _("Enter a date between %(first)s and %(last)s.") % {"first": EARLIEST, "last": LATEST}
        return None
    return value


def clean_notice(data: dict) -> tuple[dict, list[Tag], list[SupplyLine], dict]:
    """(clean fields, tags, lines, errors) of a new notice. Planned and maintenance notices go
    out 7 and 1 days ahead unless other offsets are given; a temporary outage 1 day ahead."""
    errors: dict = {}
    kind = str(data.get("kind") or "")
    if kind not in NoticeKind.values:
        errors["kind"] = _("Choose a kind from the list.")
    clean = {
        "kind": kind,
        "title": _text(data, "title", errors, required=True, max_length=100),
        "reason": _text(data, "reason", errors, required=kind == NoticeKind.UNPLANNED),
        "area": _text(data, "area", errors),
        "channel": _channel(data, errors),
        "regions": _names(data, "regions", errors),
        "grids": _names(data, "grids", errors),
        "starts_at": _moment(data, "starts_at", errors, required=True),
        "ends_at": _moment(data, "ends_at", errors, required=kind == NoticeKind.UNPLANNED),
    }
    if clean["starts_at"] and clean["ends_at"] and clean["ends_at"] <= clean["starts_at"]:
        errors["ends_at"] = _("The expected restoration must come after the start.")
    offsets = data.get("offsets_days")
    if offsets in (None, "") and kind in (NoticeKind.PLANNED, NoticeKind.MAINTENANCE):
        offsets = [7, 1]
    elif offsets in (None, "") and kind == NoticeKind.TEMPORARY:
        offsets = [1]
    if offsets in (None, ""):
        offsets = []
    if isinstance(offsets, str):
        offsets = [part for part in offsets.replace("，", ",").split(",") if part.strip()]
    if not isinstance(offsets, list | tuple):
        offsets = [offsets]
    days = []
    for offset in offsets or []:
        text = str(offset).strip()
        if not text.isdecimal() or not 1 <= int(text) <= MAX_OFFSET_DAYS:
            errors["offsets_days"] = _("Enter whole numbers of days from 1 to %(max)s.") % {"max": MAX_OFFSET_DAYS}
            days = []
            break
        days.append(int(text))
    clean["offsets_days"] = sorted(set(days), reverse=True) if kind != NoticeKind.UNPLANNED else []
    line_ids = _ids(data.get("lines"), "lines", errors)
    lines = list(SupplyLine.objects.filter(pk__in=line_ids, active=True))
    if len(lines) != len(set(line_ids)):
        errors["lines"] = _("Choose active supply lines from the list.")
    tags = _tags(data, errors)
    if not errors and not (clean["regions"] or clean["grids"] or lines or tags):
        errors["regions"] = _("Select the affected customers by region, grid, line or tag.")
    return clean, tags, lines, errors


def clean_line(data: dict) -> tuple[dict, dict]:
    errors: dict = {}
    clean = {
        "code": _text(data, "code", errors, required=True, max_length=40),
        "name": _text(data, "name", errors, required=True, max_length=100),
        "region": _text(data, "region", errors, max_length=50),
        "active": bool(data.get("active", True)),
    }
    return clean, errors
