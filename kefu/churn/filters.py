"""The churn list's and the retention tasks' filters, shared by the pages and the API."""

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import FilterSet, IdFilter, codes

from . import selectors
from .choices import TaskStatus
from .models import ChurnScore, RetentionTask


class ScoreField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 1000)
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)


class ScoreFilter(django_filters.NumberFilter):
    field_class = ScoreField


class ChurnListFilter(FilterSet):
    grid = django_filters.CharFilter(label=_("grid"), max_length=50)
    manager = IdFilter(label=_("account manager"))
    tier = django_filters.CharFilter(label=_("tier"), max_length=20)
    min_score = ScoreFilter(label=_("lowest score"))
    max_score = ScoreFilter(label=_("highest score"))

    class Meta:
        model = ChurnScore
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.filter_scores(
            queryset, grid=data.get("grid") or "", manager=data.get("manager"), tier=data.get("tier") or "",
            min_score=data.get("min_score"), max_score=data.get("max_score"),
        )  # fmt: skip


class TaskFilter(FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=codes(TaskStatus))
    manager = IdFilter(label=_("account manager"))
    overdue = django_filters.BooleanFilter(label=_("overdue only"))

    class Meta:
        model = RetentionTask
        fields = []

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.filter_tasks(
            queryset, status=data.get("status") or "", manager=data.get("manager"),
            overdue=bool(data.get("overdue")), today=timezone.localdate(),
        )  # fmt: skip
