from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from kefu.core.config_cache import clear_on_change

        from .models import Tier

        clear_on_change(Tier)  # kefu.customers.tiers keeps the tiers in each process
        from kefu.core.jobs import register_periodic_job

        # Import jobs whose worker died fail; old and orphaned uploads go (imports/services.py).
        register_periodic_job("import_cleanup", "kefu.customers.tasks.import_cleanup_task", every_seconds=3600)
        from .imports import metrics

        metrics.register()  # the import backlog on /metrics
        from kefu.audit.hooks import register_redactor

        from .selectors import redact_business_file

        # The trail keeps old and new values: a group's business file stays with its readers there too.
        register_redactor(redact_business_file)
