"""Helpers shared by the time-limit tests: a moment in the current time zone, a complaint registered at it."""

from datetime import date, datetime, time

from django.utils import timezone

from kefu.tickets import services

TZ = timezone.get_current_timezone()


def moment(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=TZ)


def register(actor, customer, *, when: datetime, monkeypatch, **extra):
    """A phone complaint registered by `actor` at `when` (the clock is frozen there by monkeypatch)."""
    monkeypatch.setattr(timezone, "now", lambda: when)
    data = {"ticket_type": "complaint", "channel": "phone", "title": "频繁停电", "description": "一周停电三次", **extra}
    ticket, _ = services.ticket_create(actor=actor, data=data, customer=customer)
    return ticket
