from celery import shared_task

from .reminders import collection_remind_due
from .services import promises_check


@shared_task(acks_late=True)
def collection_promises_task() -> int:
    return promises_check()


@shared_task(acks_late=True)
def collection_reminders_task() -> int:
    return collection_remind_due()
