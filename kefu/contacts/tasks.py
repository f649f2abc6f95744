from celery import shared_task

from .due import contacts_due_refresh
from .services import reviews_plan


@shared_task(acks_late=True)
def contacts_due_refresh_task() -> int:
    return contacts_due_refresh()


@shared_task(acks_late=True)
def contacts_reviews_plan_task() -> int:
    return reviews_plan()
