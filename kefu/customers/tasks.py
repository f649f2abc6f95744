"""Background jobs of the customer archive: thin Celery wrappers taking ids."""

from celery import shared_task

from .imports.services import import_job_commit, import_job_read, import_job_validate, import_jobs_cleanup


@shared_task
def import_read_task(job_id: int) -> None:
    import_job_read(job_id=job_id)


@shared_task
def import_validate_task(job_id: int) -> None:
    import_job_validate(job_id=job_id)


@shared_task
def import_commit_task(job_id: int) -> None:
    import_job_commit(job_id=job_id)


@shared_task
def import_cleanup_task() -> None:
    import_jobs_cleanup()
