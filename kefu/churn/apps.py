from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChurnConfig(AppConfig):
    name = "kefu.churn"
    label = "churn"
    verbose_name = _("Churn warning")

    def ready(self):
        from kefu.core.jobs import register_periodic_job

        from . import (
            panels,  # noqa: F401 - registers the customer 360 panel and timeline entries
            workbench,  # noqa: F401 - registers the workbench cards
        )

        # Hourly check, one run a day (churn_scheduled_run skips a day already scored): the
        # first check after midnight scores the night's data.
        register_periodic_job("churn_nightly", "kefu.churn.tasks.churn_nightly_task", every_seconds=3600)
        from kefu.accountmanagers.handover import register_handover_provider

        from .services import hand_over_retention_tasks

        # A leaving account manager's open retention tasks go to their customers' new managers.
        register_handover_provider("retention_tasks", hand_over_retention_tasks)
