from celery import shared_task

from .books import books_refresh


@shared_task
def books_refresh_task() -> dict:
    """Periodic: count the books again for the supervisors' page. Safe to run twice (serialised)."""
    return books_refresh()
