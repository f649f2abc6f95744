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


def notifications_mark_read(*, user, ids: list[int]) -> int:
    return Notification.objects.filter(recipient=user, pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
