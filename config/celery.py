"""Celery app, used only when KEFU_BACKGROUND=celery (scaled-out deployments).

The embedded default runs the same service functions in-process (kefu.core.background for
one-off jobs, `manage.py run_jobs` for periodic ones). Scaled out: N workers
(`celery -A config worker`) and exactly one `celery -A config beat` (kefu/core/beat.py).
Reliability settings (acks late, time limits, visibility timeout) are in config/settings.py.
"""

import os

from celery import Celery
from celery.signals import task_success

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kefu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# The periodic jobs that the apps registered (kefu.core.jobs) are written into the database
# schedule by the one beat's scheduler at its start (kefu.core.beat.KefuScheduler).


@task_success.connect
def record_periodic_job_run(sender=None, **kwargs):
    """A periodic job's task finished without error: /metrics shows when (kefu.core.jobs)."""
    from kefu.core.jobs import job_for_task, record_job_run

    job = job_for_task(sender.name) if sender is not None else None
    if job is not None:
        record_job_run(job.name)
