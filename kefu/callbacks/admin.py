"""Callback rules in the admin: which events make tasks, when they are due, quiet hours, coverage,
attempts and the script (checked by CallbackRule.clean, audited by AuditedAdmin)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kefu.audit.admin import AuditedAdmin

from .models import CallbackRule
from .services import callback_rule_deactivate, callback_rule_save, callback_rule_update


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
    actions = ["deactivate"]

    def save_model(self, request, obj, form, change):
        # The API's services: the same checks, and the audit entry says what changed.
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            callback_rule_update(actor=request.user, rule=obj, changes=changes)
        else:
            callback_rule_save(actor=request.user, rule=obj)

    @admin.action(description=_("Switch the selected rules off"))
    def deactivate(self, request, queryset):
        try:
            for rule in queryset:
                callback_rule_deactivate(actor=request.user, rule=rule)
        except ValidationError as refused:
            self.message_user(request, "; ".join(refused.messages), messages.ERROR)
