"""The outbox list's filters, shared by the page and the API (a bad value: a 400 in the API, an
ignored filter named on the page)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.filters import DayFilter, FilterSet, IdFilter, codes

from . import selectors
from .choices import Channel, MessageState
from .models import Message


class MessageFilter(FilterSet):
    state = django_filters.ChoiceFilter(label=_("state"), choices=codes(MessageState))
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=codes(Channel))
    purpose = django_filters.CharFilter(label=pgettext_lazy("message", "purpose"), max_length=50)
    source = django_filters.CharFilter(label=_("source"), max_length=50)
    source_id = IdFilter(label=_("source id"))
    customer = IdFilter(label=_("customer"))
    address = django_filters.CharFilter(label=_("address"), max_length=254)
    queued_from = DayFilter(label=_("queued from"))
    queued_to = DayFilter(label=_("queued until"))

    class Meta:
        model = Message
        fields = []

    def filter_queryset(self, queryset):
        return selectors.filter_messages(queryset, self.form.cleaned_data)
