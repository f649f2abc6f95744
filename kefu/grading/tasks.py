from celery import shared_task

from .services import grading_scheduled_run


@shared_task
def grading_scheduled_run_task() -> dict:
    """Periodic: grade every customer by the scheme in use, once a day; safe to run twice."""
    return grading_scheduled_run()
