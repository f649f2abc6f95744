from celery import shared_task

from .sending import outbox_send

# A run sends for at most 10 s: the embedded runner runs its jobs one after another, so a long
# run would hold up the SLA sweep; what is left goes out on the next run, 15 s later.
RUN_SECONDS = 10


@shared_task(acks_late=True)
def outbox_send_task() -> int:
    return outbox_send(max_seconds=RUN_SECONDS).sent
