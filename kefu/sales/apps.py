from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "kefu.sales"
    label = "sales"
    verbose_name = _("Sales pipeline")

    def ready(self):
        from kefu.accountmanagers.handover import register_handover_provider

        from . import (
            panels,  # noqa: F401 - registers the customer 360 panels (competitors, price requests)
            workbench,  # noqa: F401 - registers the workbench cards
        )
        from .services.handover import hand_over_sales

        # A leaving account manager's open prospects, price requests and campaign calls go to
        # whoever takes over their customers (prospects: the receiver of other work).
        register_handover_provider("sales", hand_over_sales)
        from kefu.customers.selectors import register_business_file_record

        # Competitor records are part of the business file, in the audit trail's values too.
        register_business_file_record("sales.competitorrecord")
