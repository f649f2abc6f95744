"""Run background work after commit: in-process threads by default, Celery when scaled out.

Jobs are plain idempotent service functions that take ids, so running one twice, or on a
second worker at the same time, does no harm.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kefu-job")
    return _executor


def _run_in_thread(func, kwargs):
    close_old_connections()
    try:
        func(**kwargs)
    except Exception:  # a background job must never die silently
        logger.exception("Background job %s failed", func.__name__)
    finally:
        close_old_connections()


def publish(task, kwargs) -> bool:
    """Send the task to the broker, retrying a short outage (CELERY_TASK_PUBLISH_RETRY_POLICY).
    Called after the commit: the change is saved whatever happens here, so a broker that stays
    away is logged, not raised into the user's answer; the job's row stays in its working state
    and the reapers (import_jobs_cleanup, plans_reap) fail it after the lease with a reason the
    user can read, and retry."""
    try:
        task.apply_async(kwargs=kwargs, retry=True, retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY)
        return True
    except Exception:
        logger.exception("Task %s could not be queued; its job will be reaped and can be retried", task.name)
        return False


def run_after_commit(task, **kwargs):
    """Queue `task` (a Celery task wrapping a service function) once the transaction commits.

    `settings.KEFU_BACKGROUND`:
    - "celery": `task.delay(**kwargs)` to the workers;
    - "inline": a thread of this process runs the same function;
    - "sync": run it right away in this thread, inside the caller's transaction (tests: their
      transaction never commits, so on_commit callbacks would never fire).
    """
    mode = settings.KEFU_BACKGROUND
    if mode == "celery":
        transaction.on_commit(lambda: publish(task, kwargs))
    elif mode == "sync":
        task.run(**kwargs)
    else:
        transaction.on_commit(lambda: _pool().submit(_run_in_thread, task.run, kwargs))
