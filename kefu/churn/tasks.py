from celery import shared_task

from .services import churn_scheduled_run


@shared_task(acks_late=True)
def churn_nightly_task() -> dict:
    """Periodic: score every customer once a day; safe to run twice (the day's run is found)."""
    return churn_scheduled_run()
