"""Celery app, used only when KEFU_BACKGROUND=celery (scaled-out deployments).

The embedded default runs the same service functions in-process (see kefu.core.background).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kefu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
