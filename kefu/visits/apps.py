from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "kefu.visits"
    label = "visits"
    verbose_name = _("Customer visits")

    def ready(self):
        from kefu.core.jobs import register_periodic_job

        from . import (
            timeline,  # noqa: F401 - registers the customer 360 timeline entries
            workbench,  # noqa: F401 - registers the workbench card
        )

        # Plans for the current periods (idempotent: one row per customer and period) and the
        # overdue notices (one per visit); hourly is plenty for plans counted in months.
        register_periodic_job("visits_plan", "kefu.visits.tasks.visits_plan_task", every_seconds=3600)
        register_periodic_job("visits_overdue", "kefu.visits.tasks.visits_overdue_task", every_seconds=3600)
        from kefu.accountmanagers.handover import register_handover_provider

        from .services import hand_over_visits

        # A leaving account manager's open visits go to their customers' new managers.
        register_handover_provider("visits", hand_over_visits)
