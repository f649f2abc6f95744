from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "kefu.tickets"
    label = "tickets"
    verbose_name = _("Service requests")

    def ready(self):
        from kefu.core.config_cache import clear_on_change
        from kefu.org.models import OrgUnit

        from . import (
            timeline,  # noqa: F401 - registers the customer timeline provider
            workbench,  # noqa: F401 - registers the workbench cards
        )
        from .models import Category, Workflow, WorkflowState, WorkflowTransition

        clear_on_change(Workflow, WorkflowState, WorkflowTransition, Category, OrgUnit)
