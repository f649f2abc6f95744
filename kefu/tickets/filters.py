"""The request list's filters, shared by the queue page and the API: values are checked here (a
bad one is a 400 in the API, an ignored filter with a message on the page) and the OpenAPI
schema documents them. The queue, the narrowing and the keyword search stay in selectors
(ticket_queue, filter_tickets), whose query shapes the queue's speed depends on."""

import django_filters
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import FilterSet, IdFilter, codes
from kefu.sla.choices import SlaState

from . import selectors
from .choices import Channel, Priority, TicketType
from .models import Ticket


class TicketFilter(FilterSet):
    queue = django_filters.ChoiceFilter(label=_("queue"), choices=[(queue, queue) for queue in selectors.QUEUES])
    ticket_type = django_filters.ChoiceFilter(label=_("type"), choices=codes(TicketType))
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=codes(Channel))
    priority = django_filters.ChoiceFilter(label=_("priority"), choices=codes(Priority))
    state = django_filters.CharFilter(label=_("status"), help_text=_("A workflow state's code"))
    department = IdFilter(label=_("handling department"))
    customer = IdFilter(label=_("customer"))
    sla_state = django_filters.ChoiceFilter(label=_("time limit"), choices=codes(SlaState))
    q = django_filters.CharFilter(
        label=_("Search"), help_text=_("Request number, caller phone, customer or caller name, or keywords")
    )
    ordering = django_filters.ChoiceFilter(
        label=_("order"), choices=[(key, key) for key in selectors.ORDERINGS], help_text=_("Default: by queue")
    )

    # The queue when none is asked for; the queue page picks one per user.
    default_queue = "all_open"

    class Meta:
        model = Ticket
        fields = []

    def filter_queryset(self, queryset):
        """`queryset` is the user's scope (tickets_visible_to); the queue narrows it first."""
        data = self.form.cleaned_data
        queue = data.get("queue") or self.default_queue
        tickets = selectors.ticket_queue(self.request.user, queue, visible=queryset)
        return selectors.filter_tickets(tickets, queue=queue, filters=data)
