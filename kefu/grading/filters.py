"""The proposals list's filters, shared by the page and the API (a bad value is named)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import FilterSet, IdFilter, codes

from . import selectors
from .choices import ProposalStatus
from .models import GradeProposal


class ProposalFilter(FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=codes(ProposalStatus))
    to_tier = django_filters.CharFilter(label=_("proposed tier"), max_length=20)
    run = IdFilter(label=_("grading run"))
    scheme = IdFilter(label=_("grading scheme"))

    class Meta:
        model = GradeProposal
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.filter_proposals(
            queryset, status=data.get("status") or "", to_tier=data.get("to_tier") or "",
            run=data.get("run"), scheme=data.get("scheme"),
        )  # fmt: skip
