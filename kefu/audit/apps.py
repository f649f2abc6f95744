from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kefu.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from django.contrib import admin

        from .admin import audit_every_admin

        audit_every_admin(admin.site)  # the admin modules were all imported by admin's own ready
