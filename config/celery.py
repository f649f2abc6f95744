"""Celery app, used only when KEFU_BACKGROUND=celery (scaled-out deployments).

The embedded default runs the same service functions in-process (kefu.core.background for
one-off jobs, `manage.py run_jobs` for periodic ones).
"""

import os

from celery import Celery, signature

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kefu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_periodic_jobs(sender, **kwargs):
    """Celery beat runs the periodic jobs that the apps registered (kefu.core.jobs)."""
    from kefu.core.jobs import periodic_jobs

    for job in periodic_jobs():
        sender.add_periodic_task(job.every_seconds, signature(job.task), name=job.name)
