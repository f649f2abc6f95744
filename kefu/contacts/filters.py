"""The contacts lists' filters, shared by the pages and the API (a bad value is a 400 in the API
and an ignored filter named on the page)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import DayFilter, FilterSet, IdFilter, codes

from . import selectors
from .choices import ContactChannel, ContactSource, DueReason
from .models import ContactDue, ContactLog


class ContactDueFilter(FilterSet):
    """Contacts due: by default due today or overdue; `overdue` only those before today."""

    manager = IdFilter(label=_("account manager"))
    reason = django_filters.ChoiceFilter(label=_("why"), choices=codes(DueReason))
    overdue = django_filters.BooleanFilter(label=_("overdue only"))
    until = DayFilter(label=_("due by"))

    class Meta:
        model = ContactDue
        fields = []

    def filter_queryset(self, queryset):
        return selectors.filter_due(queryset, self.form.cleaned_data)


class ContactLogFilter(FilterSet):
    customer = IdFilter(label=_("customer"))
    user = IdFilter(label=_("contacted by"))
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=codes(ContactChannel))
    source = django_filters.ChoiceFilter(label=_("source"), choices=codes(ContactSource))
    since = DayFilter(label=_("from"))
    until = DayFilter(label=_("to"))

    class Meta:
        model = ContactLog
        fields = []

    def filter_queryset(self, queryset):
        return selectors.filter_logs(queryset, self.form.cleaned_data)
