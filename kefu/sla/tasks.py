from celery import shared_task

from .timers import sla_sweep


@shared_task
def sla_sweep_task() -> dict:
    """Periodic: warn, breach, escalate, remind. Safe to run twice or on two workers at once."""
    return sla_sweep().as_dict()
