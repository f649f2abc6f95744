"""Only tags are edited in the admin: customer changes go through services, which audit them."""

from django.contrib import admin

from kefu.audit.admin import AuditedAdmin

from .models import Tag


@admin.register(Tag)
class TagAdmin(AuditedAdmin, admin.ModelAdmin):
    search_fields = ["name"]
