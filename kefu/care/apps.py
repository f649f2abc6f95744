from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "kefu.care"
    label = "care"
    verbose_name = _("Customer care and notices")

    def ready(self):
        from kefu.core.jobs import register_periodic_job

        from . import (
            panels,  # noqa: F401 - registers the customer 360 card
            timeline,  # noqa: F401 - registers the customer 360 timeline entries
            workbench,  # noqa: F401 - registers the workbench card
        )

        # Greeting batches drawn up for review (once per rule and date); daily would do, hourly
        # catches a rule added in the morning.
        register_periodic_job("care_generate", "kefu.care.tasks.care_generate_task", every_seconds=3600)
        # Notice stages due (7 and 1 days ahead, 24 h for important users): each sent once.
        register_periodic_job("care_notices", "kefu.care.tasks.notices_send_task", every_seconds=60)
