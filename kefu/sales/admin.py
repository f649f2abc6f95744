"""Targets in the admin too (audited by AuditedAdmin); everything else through the pages and API."""

from django.contrib import admin

from kefu.audit.admin import AuditedAdmin

from .models import SalesTarget


@admin.register(SalesTarget)
class SalesTargetAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["metric", "period_start", "period_end", "org_unit", "manager", "value"]
    list_filter = ["metric"]
    raw_id_fields = ["manager", "org_unit", "set_by"]
