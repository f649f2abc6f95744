from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "kefu.collection"
    label = "collection"
    verbose_name = _("Fee collection")

    def ready(self):
        from kefu.core.jobs import register_periodic_job

        from . import (
            timeline,  # noqa: F401 - registers the customer 360 panel and timeline entries
            workbench,  # noqa: F401 - registers the workbench card
        )

        # Promises whose date has passed are kept or broken once (only open ones are looked at);
        # hourly is plenty for promises counted in days.
        register_periodic_job(
            "collection_promises", "kefu.collection.tasks.collection_promises_task", every_seconds=3600
        )
        # Payment notices for bills coming due and soft reminders for bills past due, each once
        # (the step written and the outbox's key for the day stop a second).
        register_periodic_job(
            "collection_reminders", "kefu.collection.tasks.collection_reminders_task", every_seconds=3600
        )
