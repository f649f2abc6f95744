"""Requests on the customer 360 timeline: registration and every status change."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.customers.timeline import TimelineEntry, register_timeline_provider

from .choices import EventKind
from .models import TicketEvent

_SHOWN = [EventKind.CREATED, EventKind.TRANSITION, EventKind.MERGED, EventKind.TRANSFER_ACCEPTED]


@register_timeline_provider
def ticket_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    events = (
        TicketEvent.objects.filter(ticket__customer_id=customer_id, kind__in=_SHOWN, is_internal=False)
        .select_related("ticket", "actor", "to_state")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=event.created_at,
            kind=f"ticket_{event.kind}",
            title=f"{event.ticket.get_ticket_type_display()} {event.ticket.number}: {event.ticket.title}",
            body=f"{event.get_kind_display()} → {event.to_state.name}" if event.to_state else event.body,
            actor=str(event.actor) if event.actor else _("System"),
            icon="headset",
            url=reverse("tickets:detail", args=[event.ticket_id]),
        )
        for event in events
    ]
