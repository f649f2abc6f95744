"""Administrators manage staff accounts and the organisation tree here (audited: the audit app
mixes kefu.audit.admin.AuditedAdmin into these, as the audit app imports org)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ["name", "kind", "code"]
    search_fields = ["name", "code"]


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "full_name", "role", "org_unit", "is_active", "last_login"]
    list_filter = ["role", "is_active", "org_unit"]
    search_fields = ["username", "full_name", "mobile"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Kefu"), {"fields": ["full_name", "role", "org_unit", "mobile"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        (_("Kefu"), {"fields": ["full_name", "role", "org_unit", "mobile"]}),
    ]
