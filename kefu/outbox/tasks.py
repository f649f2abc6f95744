from celery import shared_task

from .sending import outbox_send


@shared_task(acks_late=True)
def outbox_send_task() -> int:
    return outbox_send().sent
