"""The pipeline's filters, shared by the page and the API (a bad value is named: the page ignores
it and says so, the API answers 400)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import FilterSet, IdFilter, codes

from . import selectors
from .choices import ProspectSource, ProspectStage
from .models import Prospect


class ProspectFilter(FilterSet):
    stage = django_filters.ChoiceFilter(label=_("stage"), choices=[("open", "open"), *codes(ProspectStage)])
    source = django_filters.ChoiceFilter(label=_("source"), choices=codes(ProspectSource))
    owner = IdFilter(label=_("owner"))
    q = django_filters.CharFilter(label=_("Search"), max_length=60, help_text=_("Name fragment"))

    class Meta:
        model = Prospect
        fields = []

    def filter_queryset(self, queryset):
        return selectors.filter_prospects(queryset, self.form.cleaned_data)
