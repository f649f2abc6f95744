from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallbacksConfig(AppConfig):
    name = "kefu.callbacks"
    label = "callbacks"
    verbose_name = _("Callbacks and satisfaction")

    def ready(self):
        from kefu.accountmanagers.handover import register_handover_provider
        from kefu.core.config_cache import clear_on_change
        from kefu.core.jobs import register_periodic_job
        from kefu.tickets import hooks

        from . import (
            timeline,  # noqa: F401 - registers the customer 360 timeline entries
            workbench,  # noqa: F401 - registers the workbench card
        )
        from .models import CallbackRule
        from .presets import callback_rules_install_defaults
        from .services import hand_over_callbacks, plan_on_state_changed

        clear_on_change(CallbackRule)  # services._active_rules keeps the rules in each process

        # A request reaching a final state, or a state a rule names (the complaint's 待回访),
        # gets its callback tasks in the same transaction.
        hooks.on_state_changed(plan_on_state_changed)
        # An industry preset (or the demo) installed its workflows: the default rules that point
        # at their callback states (投诉回访, 服务回访), once; an admin edits them from then on.
        hooks.on_preset_installed(callback_rules_install_defaults)
        # Requests closed today without a task (bulk loads, a rule added later): set-based, idempotent.
        register_periodic_job("callbacks_catch_up", "kefu.callbacks.tasks.callbacks_catch_up_task", every_seconds=3600)
        # Claims left by an agent who walked away go back to the desk; idempotent.
        register_periodic_job("callbacks_release", "kefu.callbacks.tasks.callbacks_release_task", every_seconds=300)
        # Tasks long past due close as expired (the rule's days); idempotent.
        register_periodic_job("callbacks_expire", "kefu.callbacks.tasks.callbacks_expire_task", every_seconds=3600)
        # Tasks past due and not done: the caller or the team's supervisors are told once.
        register_periodic_job("callbacks_overdue", "kefu.callbacks.tasks.callbacks_overdue_task", every_seconds=900)
        # A leaving account manager's open callbacks go to their customers' new managers.
        register_handover_provider("callbacks", hand_over_callbacks)
