"""Sending staff notifications exactly once."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from .models import Notification


def notify(*, recipients, kind: str, text: str, dedupe_key: str, ticket=None, url: str = "") -> int:
    """Notify each recipient once per `dedupe_key`; returns how many were new. The notification
    leads to `url` if given, else to the request's page."""
    ticket_id = ticket.pk if ticket is not None else None
    messages = [(recipient.pk, text, ticket_id, url) for recipient in recipients if recipient is not None]
    return notify_each(messages=messages, kind=kind, dedupe_key=dedupe_key)


def notify_each(*, messages: list[tuple], kind: str, dedupe_key: str) -> int:
    """Many notifications at once, each (recipient id, text, ticket id[, url]) once per `dedupe_key`.

    Two statements whatever the number of people (the timer sweep tells hundreds at once). Keys
    already sent are left out; a concurrent run's insert is skipped by the unique key (ON
    CONFLICT DO NOTHING), so a job run twice never notifies twice and never spoils the caller's
    transaction.
    """
    keyed = {
        f"{dedupe_key}:{message[0]}": (*message[:3], message[3] if len(message) > 3 else "") for message in messages
    }
    sent = set(Notification.objects.filter(dedupe_key__in=list(keyed)).values_list("dedupe_key", flat=True))
    new = [
        Notification(
            recipient_id=recipient_id, kind=kind, text=text[:300], ticket_id=ticket_id, url=url, dedupe_key=key
        )
        for key, (recipient_id, text, ticket_id, url) in keyed.items()
        if key not in sent
    ]
    Notification.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them without `ids`); returns how many."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def notification_open(*, user, notification_id: int) -> str:
    """The user follows a notification: it is read from now on; returns where it leads
    (the notification list when it leads nowhere). Someone else's notification: Http404."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification.target_url or reverse("inbox:list")
