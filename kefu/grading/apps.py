from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GradingConfig(AppConfig):
    name = "kefu.grading"
    label = "grading"
    verbose_name = _("Customer grading")

    def ready(self):
        from kefu.core.jobs import register_periodic_job

        from . import (
            timeline,  # noqa: F401 - registers the customer 360 panel and timeline entries
            workbench,  # noqa: F401 - registers the workbench card
        )

        # Hourly check, one run a day (grading_scheduled_run skips a day already graded).
        register_periodic_job("grading_daily", "kefu.grading.tasks.grading_scheduled_run_task", every_seconds=3600)
