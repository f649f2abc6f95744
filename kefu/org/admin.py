"""Administrators manage staff accounts and the organisation tree here."""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from kefu.audit.admin import HIDDEN, AuditedAdmin
from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record

from .models import OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin, TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ["name", "kind", "code"]
    search_fields = ["name", "code"]


@admin.register(User)
class StaffAdmin(AuditedAdmin, UserAdmin):
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

    def user_change_password(self, request, id, form_url=""):
        # The new password and its audit entry are saved together (log_change below).
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request, obj, message):
        super().log_change(request, obj, message)
        if request.resolver_match and (request.resolver_match.url_name or "").endswith("_password_change"):
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATED,
                target=obj,
                changes={"password": [HIDDEN, HIDDEN]},
                summary=gettext("Password changed in the admin"),
            )


# The screens other packages register are audited as well: groups, API tokens, and the login
# lock-outs an admin clears (axes).
for model, model_admin in [
    (Group, GroupAdmin),
    (TokenProxy, TokenAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, type(model_admin.__name__, (AuditedAdmin, model_admin), {}))
