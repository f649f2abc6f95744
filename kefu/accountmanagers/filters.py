"""The account-manager lists' filters, shared by the pages and the API (values checked here: a
bad one is a 400 in the API and an ignored filter with a message on the page)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import FilterSet
from kefu.customers.models import Customer

from . import books


class BookFilter(FilterSet):
    """A manager's book: narrowed and sorted by books.filter_book."""

    q = django_filters.CharFilter(label=_("Search"), help_text=_("Name fragment, phone or customer number"))
    tier = django_filters.CharFilter(label=_("tier"))
    incomplete = django_filters.BooleanFilter(label=_("data to complete"))
    awaiting_approval = django_filters.BooleanFilter(label=_("grade change awaiting approval"))
    ordering = django_filters.ChoiceFilter(label=_("order"), choices=[(key, key) for key in books.ORDERINGS])

    class Meta:
        model = Customer
        fields = []

    def filter_queryset(self, queryset):
        return books.filter_book(queryset, self.form.cleaned_data)
