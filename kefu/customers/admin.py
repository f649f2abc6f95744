"""Tags and customer tiers are edited in the admin: customer changes go through services, which audit them."""

from django.contrib import admin

from kefu.audit.admin import AuditedAdmin

from .models import Tag, Tier


@admin.register(Tag)
class TagAdmin(AuditedAdmin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Tier)
class TierAdmin(AuditedAdmin, admin.ModelAdmin):
    """The tiers (客户等级) and what each brings: its rank, the green channel and the manager level
    it needs. A tier's code is what customers and time-limit policies hold, so it is fixed once
    the tier exists; retire a tier with `active` instead of deleting it."""

    list_display = ["code", "label", "rank", "green_channel", "required_manager_level", "active"]
    list_editable = ["label", "rank", "green_channel", "active"]
    ordering = ["rank", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False
