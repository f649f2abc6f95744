from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "kefu.outbox"
    label = "outbox"
    verbose_name = _("Outgoing messages")

    def ready(self):
        from kefu.core.jobs import register_periodic_job

        from . import (
            panels,  # noqa: F401 - registers the customer 360 card
            workbench,  # noqa: F401 - registers the admins' workbench card
        )

        # Sends what is due for up to 10 s a run; safe on two workers (claims, see sending.py).
        register_periodic_job("outbox_send", "kefu.outbox.tasks.outbox_send_task", every_seconds=15)
        from . import metrics

        metrics.register()  # the backlog on /metrics (kefu.core.metrics)
