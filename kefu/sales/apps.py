from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "kefu.sales"
    label = "sales"
    verbose_name = _("Sales pipeline")

    def ready(self):
        from . import (
            panels,  # noqa: F401 - registers the customer 360 panels (competitors, price requests)
            workbench,  # noqa: F401 - registers the workbench cards
        )
