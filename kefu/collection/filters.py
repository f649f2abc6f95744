"""The arrears list's filters, shared by the page and the API (a bad value is named)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import DayFilter, FilterSet, IdFilter

from . import selectors
from .models import Arrear


class ArrearFilter(FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("which arrears"), choices=[(state, state) for state in selectors.LIST_STATES]
    )
    manager = IdFilter(label=_("account manager"))
    customer = IdFilter(label=_("customer"))
    period = DayFilter(label=_("bill period"))
    q = django_filters.CharFilter(label=_("Search"), max_length=60, help_text=_("Name fragment or customer number"))

    class Meta:
        model = Arrear
        fields = []

    def filter_queryset(self, queryset):
        return selectors.filter_arrears(queryset, self.form.cleaned_data)
