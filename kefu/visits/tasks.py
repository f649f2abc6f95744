from celery import shared_task

from .services import visits_flag_overdue, visits_plan


@shared_task(acks_late=True)
def visits_plan_task() -> int:
    return visits_plan()


@shared_task(acks_late=True)
def visits_overdue_task() -> int:
    return visits_flag_overdue()
