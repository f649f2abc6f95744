from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kefu.sla"
    label = "sla"
    verbose_name = _("Time limits")

    def ready(self):
        from kefu.core.config_cache import clear_on_change
        from kefu.core.jobs import register_periodic_job

        from .models import BusinessCalendar, CalendarDay, SlaPolicy

        # The clocks are subscribed to the requests' lifecycle by TicketsConfig.ready: tickets
        # uses sla, sla never imports tickets (kefu.sla.hooks).
        # Policies are cached with their calendar, whose revision keys the cached day tables.
        clear_on_change(SlaPolicy, BusinessCalendar, CalendarDay)
        register_periodic_job("sla_sweep", "kefu.sla.tasks.sla_sweep_task", every_seconds=60)
        from . import metrics

        metrics.register()  # the sweep's lag on /metrics
