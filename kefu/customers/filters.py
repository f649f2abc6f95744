"""The customer list's filters, shared by the page, its export and the API: values are checked
here (a bad one is a 400 in the API, an ignored filter with a message on the page) and the
OpenAPI schema documents them; the narrowing itself is selectors.filter_customers."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import FilterSet, IdFilter, codes

from . import selectors
from .choices import CustomerKind, CustomerStatus, ImportKind, ImportStatus, SourceChannel
from .models import Customer, ImportJob
from .tiers import all_tiers


class CustomerFilter(FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), help_text=_("Name fragment, phone, customer number or organisation code")
    )
    kind = django_filters.ChoiceFilter(label=_("customer type"), choices=codes(CustomerKind))
    status = django_filters.ChoiceFilter(label=_("status"), choices=codes(CustomerStatus))
    # Any tier's code, retired ones too (customers may still have them); read when the filter checks.
    tier = django_filters.ChoiceFilter(label=_("tier"), choices=lambda: [(t.code, t.code) for t in all_tiers()])
    region = django_filters.CharFilter(label=_("region"))
    grid = django_filters.CharFilter(label=_("grid"))
    industry = django_filters.CharFilter(label=_("industry"))
    source_channel = django_filters.ChoiceFilter(label=_("source channel"), choices=codes(SourceChannel))
    account_manager = IdFilter(label=_("account manager"))
    unassigned = django_filters.BooleanFilter(label=_("without an account manager"))
    tag = IdFilter(label=_("tags"))
    has_valid_phone = django_filters.BooleanFilter(label=_("valid phone"))
    ordering = django_filters.ChoiceFilter(label=_("order"), choices=[(key, key) for key in selectors.ORDERINGS])

    class Meta:
        model = Customer
        fields = []

    def filter_queryset(self, queryset):
        return selectors.filter_customers(queryset, self.form.cleaned_data)


class ImportJobFilter(FilterSet):
    """The list of one's import jobs (`GET /api/v1/customer-imports/`); the upload page shows the
    ten newest unfiltered, so only the API filters them."""

    status = django_filters.ChoiceFilter(label=_("status"), choices=codes(ImportStatus))
    kind = django_filters.ChoiceFilter(label=_("import of"), choices=codes(ImportKind))

    class Meta:
        model = ImportJob
        fields = []
