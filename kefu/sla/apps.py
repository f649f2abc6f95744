from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kefu.sla"
    label = "sla"
    verbose_name = _("Time limits")

    def ready(self):
        from kefu.core.config_cache import clear_on_change
        from kefu.core.jobs import register_periodic_job
        from kefu.tickets import hooks

        from . import clocks
        from .models import BusinessCalendar, CalendarDay, SlaPolicy

        hooks.on_creating(clocks.clocks_plan)
        hooks.on_created(clocks.clocks_start)
        hooks.on_state_changed(clocks.on_state_changed)
        hooks.on_deadline_extended(clocks.on_deadline_extended)
        hooks.on_responsibility_changed(clocks.on_responsibility_changed)
        # Policies are cached with their calendar, whose revision keys the cached day tables.
        clear_on_change(SlaPolicy, BusinessCalendar, CalendarDay)
        register_periodic_job("sla_sweep", "kefu.sla.tasks.sla_sweep_task", every_seconds=60)
