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
