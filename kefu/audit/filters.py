"""The audit trail's filters: values checked (a bad one is ignored, and the page says so); the
narrowing itself is selectors.filter_audit_events."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import DayFilter, FilterSet, IdFilter, codes

from . import selectors
from .choices import AuditAction
from .models import AuditEvent


class AuditFilter(FilterSet):
    actor = IdFilter(label=_("actor"))
    action = django_filters.ChoiceFilter(label=_("action"), choices=codes(AuditAction))
    target_type = django_filters.CharFilter(label=_("object type"))
    customer = IdFilter(label=_("customer id"))
    since = DayFilter(label=_("from"))
    until = DayFilter(label=_("until"))

    class Meta:
        model = AuditEvent
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.filter_audit_events(
            queryset, actor_id=data.get("actor"), action=data.get("action") or None,
            target_type=data.get("target_type") or None, customer_id=data.get("customer"),
            since=data.get("since"), until=data.get("until"),
        )  # fmt: skip
