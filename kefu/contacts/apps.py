from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "kefu.contacts"
    label = "contacts"
    verbose_name = _("Contact plans and log")

    def ready(self):
        from kefu.accountmanagers.handover import register_handover_provider
        from kefu.callbacks import hooks as callback_hooks
        from kefu.core.jobs import register_periodic_job
        from kefu.customers import hooks as customer_hooks
        from kefu.visits import hooks as visit_hooks

        from . import (
            feeds,
            services,
            timeline,  # noqa: F401 - registers the customer 360 panel and timeline entries
            workbench,  # noqa: F401 - registers the workbench cards
        )

        # The first-contact week starts when the archive gives a customer its manager; a tier
        # change may change the customer's plan.
        customer_hooks.on_managers_changed(services.assignments_record)
        customer_hooks.on_tiers_changed(services.on_tiers_changed)
        # Visits recorded and callbacks answered are contacts too.
        visit_hooks.on_visit_recorded(feeds.log_visit)
        callback_hooks.on_callback_recorded(feeds.log_callback)
        # The due rows are kept on every change; the nightly rebuild catches plan edits and
        # anything written around the services (an import). Reviews: the quarter's, once.
        register_periodic_job(
            "contacts_due_refresh", "kefu.contacts.tasks.contacts_due_refresh_task", every_seconds=86400
        )
        register_periodic_job(
            "contacts_reviews_plan", "kefu.contacts.tasks.contacts_reviews_plan_task", every_seconds=3600
        )
        register_handover_provider("contact_reviews", services.hand_over_reviews)
