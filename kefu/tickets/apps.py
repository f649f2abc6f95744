from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "kefu.tickets"
    label = "tickets"
    verbose_name = _("Service requests")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from kefu.core.config_cache import clear_on_change
        from kefu.org.models import OrgUnit
        from kefu.sla import clocks
        from kefu.sla import hooks as sla_hooks

        from . import (
            hooks,
            time_limits,
            timeline,  # noqa: F401 - registers the customer timeline provider
            workbench,  # noqa: F401 - registers the workbench cards
        )
        from .models import Category, Workflow, WorkflowState, WorkflowTransition
        from .views.queue import forget_department_choices

        clear_on_change(Workflow, WorkflowState, WorkflowTransition, Category, OrgUnit)
        from . import metrics

        metrics.register()  # open requests by state on /metrics
        for signal in (post_save, post_delete):  # the queue page's department filter
            signal.connect(forget_department_choices, sender=OrgUnit, dispatch_uid=f"tickets.departments:{id(signal)}")
        # The time limits follow the request's lifecycle; sla does not import this app, so the
        # rows it needs on the request's timeline are written by time_limits.
        hooks.on_creating(clocks.clocks_plan)
        hooks.on_created(clocks.clocks_start)
        hooks.on_state_changed(clocks.on_state_changed)
        hooks.on_deadline_extended(clocks.on_deadline_extended)
        hooks.on_responsibility_changed(clocks.on_responsibility_changed)
        hooks.on_replied(clocks.on_replied)
        sla_hooks.register_request_writers(time_limits.WRITERS)
        # The green channel on requests follows their customers' tiers (services/green_channel.py).
        from kefu.customers import hooks as customer_hooks
        from kefu.customers.models import Tier

        from .services.green_channel import tickets_follow_tier_rows, tickets_follow_tiers

        customer_hooks.on_tiers_changed(tickets_follow_tiers)
        for signal in (post_save, post_delete):
            signal.connect(tickets_follow_tier_rows, sender=Tier, dispatch_uid=f"tickets.green_channel:{id(signal)}")
