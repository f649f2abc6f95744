"""Administrators configure workflows and categories here (SPEC §5: workflows per type)."""

from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from kefu.audit.admin import AuditedAdmin

from .admin_forms import WorkflowTransitionForm
from .models import Category, RootCause, Workflow, WorkflowState, WorkflowTransition


class WorkflowStateInline(admin.TabularInline):
    model = WorkflowState
    extra = 0
    fields = ["position", "code", "name", "kind", "is_initial", "stops_arrival_clock"]


class WorkflowTransitionInline(admin.TabularInline):
    model = WorkflowTransition
    form = WorkflowTransitionForm  # fields ticked and capabilities picked, not JSON typed
    extra = 0
    fields = ["position", "code", "name", "source", "target", "capability", "required_fields", "effect"]

    class Media:
        css = {"all": ["css/workflow-admin.css"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the states of the workflow being edited are offered.
        workflow_id = request.resolver_match.kwargs.get("object_id")
        if db_field.name in ("source", "target") and workflow_id:
            kwargs["queryset"] = WorkflowState.objects.filter(workflow_id=workflow_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Workflow)
class WorkflowAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "ticket_type", "assignment_rule"]
    inlines = [WorkflowStateInline, WorkflowTransitionInline]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin, TreeAdmin):
    form = movenodeform_factory(Category)
    list_display = ["name", "code", "ticket_type", "is_active"]
    search_fields = ["name", "code"]


@admin.register(RootCause)
class RootCauseAdmin(AuditedAdmin, admin.ModelAdmin):
    """The root-cause classes (原因分类) archiving a complaint picks from; a class in use is
    deactivated rather than deleted (requests keep pointing at it)."""

    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]
