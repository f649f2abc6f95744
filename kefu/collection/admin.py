"""Collection targets in the admin (audited by AuditedAdmin); arrears and payments come from the
billing system and change only through the services."""

from django.contrib import admin

from kefu.audit.admin import AuditedAdmin

from .models import CollectionTarget


@admin.register(CollectionTarget)
class CollectionTargetAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["period_start", "period_end", "manager", "org_unit", "target_percent"]
    raw_id_fields = ["manager", "org_unit", "set_by"]
