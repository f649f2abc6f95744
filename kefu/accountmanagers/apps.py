from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountManagersConfig(AppConfig):
    name = "kefu.accountmanagers"
    label = "accountmanagers"
    verbose_name = _("Account managers")

    def ready(self):
        from kefu.core.jobs import register_periodic_job
        from kefu.customers.hooks import set_manager_fit_check

        from . import (
            book_workbench,  # noqa: F401  (registers the books' workbench cards)
            workbench,  # noqa: F401  (registers the handovers' workbench card)
        )
        from .handover import open_requests, register_handover_provider
        from .selectors import manager_fit_error

        register_handover_provider("requests", open_requests)
        set_manager_fit_check(manager_fit_error)
        register_periodic_job("books_refresh", "kefu.accountmanagers.book_tasks.books_refresh_task", every_seconds=600)
        # Plans left computing/applying by a dead worker fail with a reason (services.plans_reap).
        register_periodic_job("plans_reap", "kefu.accountmanagers.plan_tasks.plans_reap_task", every_seconds=600)
