from celery import shared_task

from .services import callbacks_expire_stale, callbacks_notify_overdue, callbacks_release_expired


@shared_task(acks_late=True)
def callbacks_release_task() -> int:
    return callbacks_release_expired()


@shared_task(acks_late=True)
def callbacks_catch_up_task() -> int:
    """Today's and yesterday's moments of every rule (a request closed just before midnight)."""
    from datetime import timedelta

    from django.utils import timezone

    from .generate import callbacks_generate

    today = timezone.localdate()
    return callbacks_generate(day=today - timedelta(days=1)) + callbacks_generate(day=today)


@shared_task(acks_late=True)
def callbacks_expire_task() -> int:
    return callbacks_expire_stale()


@shared_task(acks_late=True)
def callbacks_overdue_task() -> int:
    return callbacks_notify_overdue()
