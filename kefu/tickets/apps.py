from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "kefu.tickets"
    label = "tickets"
    verbose_name = _("Service requests")

    def ready(self):
        from . import (
            timeline,  # noqa: F401 - registers the customer timeline provider
            workbench,  # noqa: F401 - registers the workbench cards
        )
