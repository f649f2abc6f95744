from celery import shared_task

from .services import care_batch_enqueue, care_generate_due, notices_send_due


@shared_task(acks_late=True)
def care_generate_task() -> int:
    return care_generate_due()


@shared_task(acks_late=True)
def notices_send_task(notice_id: int | None = None) -> int:
    return notices_send_due(notice_id=notice_id)


@shared_task(acks_late=True)
def care_batch_enqueue_task(batch_id: int) -> bool:
    return care_batch_enqueue(batch_id=batch_id)
