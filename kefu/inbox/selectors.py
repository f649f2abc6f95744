from .models import Notification


def unread_notifications(user, *, limit: int = 20):
    return list(Notification.objects.filter(recipient=user, read_at__isnull=True).select_related("ticket")[:limit])


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
