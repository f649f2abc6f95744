"""Sending staff notifications exactly once."""

from django.utils import timezone

from .models import Notification


def notify(*, recipients, kind: str, text: str, dedupe_key: str, ticket=None) -> int:
    """Notify each recipient once per `dedupe_key`; returns how many were new."""
    ticket_id = ticket.pk if ticket is not None else None
    messages = [(recipient.pk, text, ticket_id) for recipient in recipients if recipient is not None]
    return notify_each(messages=messages, kind=kind, dedupe_key=dedupe_key)


def notify_each(*, messages: list[tuple[int, str, int | None]], kind: str, dedupe_key: str) -> int:
    """Many notifications at once, each (recipient id, text, ticket id) once per `dedupe_key`.

    Two statements whatever the number of people (the timer sweep tells hundreds at once). Keys
    already sent are left out; a concurrent run's insert is skipped by the unique key (ON
    CONFLICT DO NOTHING), so a job run twice never notifies twice and never spoils the caller's
    transaction.
    """
    keyed = {
        f"{dedupe_key}:{recipient_id}": (recipient_id, text, ticket_id) for recipient_id, text, ticket_id in messages
    }
    sent = set(Notification.objects.filter(dedupe_key__in=list(keyed)).values_list("dedupe_key", flat=True))
    new = [
        Notification(recipient_id=recipient_id, kind=kind, text=text[:300], ticket_id=ticket_id, dedupe_key=key)
        for key, (recipient_id, text, ticket_id) in keyed.items()
        if key not in sent
    ]
    Notification.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def notifications_mark_read(*, user, ids: list[int]) -> int:
    return Notification.objects.filter(recipient=user, pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
