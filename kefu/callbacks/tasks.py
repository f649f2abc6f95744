from celery import shared_task

from .services import callbacks_release_expired


@shared_task(acks_late=True)
def callbacks_release_task() -> int:
    return callbacks_release_expired()
