"""Callback rules in the admin: which events make tasks, when they are due, quiet hours, coverage,
attempts and the script (checked by CallbackRule.clean, audited by AuditedAdmin)."""

from django.contrib import admin

from kefu.audit.admin import AuditedAdmin

from .models import CallbackRule


@admin.register(CallbackRule)
class CallbackRuleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "event",
        "state",
        "due_amount",
        "due_unit",
        "sample_percent",
        "full_coverage_rank",
        "is_active",
    ]
    list_filter = ["event", "is_active"]
    raw_id_fields = ["state"]
