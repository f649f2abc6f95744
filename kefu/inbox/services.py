"""Sending staff notifications exactly once."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification


def notify(*, recipients, kind: str, text: str, dedupe_key: str, ticket=None) -> int:
    """Notify each recipient once per `dedupe_key`; returns how many were new.

    Each insert has its own savepoint so that a duplicate (a job run twice) is skipped
    without spoiling the caller's transaction.
    """
    created = 0
    for recipient in {r for r in recipients if r is not None}:
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=recipient,
                    kind=kind,
                    text=text[:300],
                    ticket=ticket,
                    dedupe_key=f"{dedupe_key}:{recipient.pk}",
                )
            created += 1
        except IntegrityError:
            continue
    return created


def notify_each(*, messages: list[tuple[int, str, int | None]], kind: str, dedupe_key: str) -> int:
    """Many notifications at once, each (recipient id, text, ticket id) once per `dedupe_key`.

    For the timer sweep: two statements whatever the number of people. Keys already sent are
    left out; a concurrent run's insert is skipped by the unique key (ON CONFLICT DO NOTHING).
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
