"""Visit frequency per tier in the admin (audited by AuditedAdmin)."""

from django.contrib import admin

from kefu.audit.admin import AuditedAdmin

from .models import VisitFrequency


@admin.register(VisitFrequency)
class VisitFrequencyAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["tier", "every_months"]
