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
        transaction.on_commit(lambda: task.delay(**kwargs))
    elif mode == "sync":
        task.run(**kwargs)
    else:
        transaction.on_commit(lambda: _pool().submit(_run_in_thread, task.run, kwargs))
