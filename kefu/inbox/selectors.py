"""Reads of a person's notifications: only their own, newest first."""

from django.db.models import QuerySet

from .models import Notification

UNREAD_CAP = 99  # the bell shows "99+" beyond this


def notifications_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def latest_notifications(user, *, limit: int = 8) -> list[Notification]:
    """What the bell's dropdown lists: the newest, read or not."""
    return list(notifications_for(user)[:limit])


def unread_count(user, *, cap: int | None = None) -> int:
    unread = notifications_for(user).filter(read_at__isnull=True)
    return unread[: cap + 1].count() if cap is not None else unread.count()


def unread_badge(user) -> str:
    """The bell's count: "" with nothing unread, "99+" past the cap (counted with a LIMIT)."""
    count = unread_count(user, cap=UNREAD_CAP)
    if not count:
        return ""
    return f"{UNREAD_CAP}+" if count > UNREAD_CAP else str(count)
