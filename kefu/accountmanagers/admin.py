"""Account-manager profiles in the admin (the profiles page does the same through the service);
plans and handovers are records, shown read-only."""

from django.contrib import admin

from kefu.audit.admin import AuditedAdmin

from .models import AssignmentPlan, Handover, ManagerProfile


@admin.register(ManagerProfile)
class ManagerProfileAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["user", "level", "capacity", "accepting"]
    list_filter = ["level", "accepting"]
    search_fields = ["user__full_name", "user__username"]
    raw_id_fields = ["user"]


class ReadOnlyAdmin(AuditedAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssignmentPlan)
class AssignmentPlanAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "created_by", "created_at", "moves_count", "applied_count"]
    list_filter = ["kind", "status"]


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ["id", "from_user", "to_user", "created_at", "acknowledged_at"]
