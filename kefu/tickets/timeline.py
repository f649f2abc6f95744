"""Requests on the customer 360 page: registration and every status change on its timeline,
and the list of the customer's requests the reader may see."""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kefu.customers.panels import CustomerPanel, PanelRow, register_customer_panel
from kefu.customers.timeline import TimelineEntry, register_timeline_provider
from kefu.org.permissions import has_capability

from . import workflows
from .choices import EventKind
from .models import TicketEvent
from .selectors import tickets_visible_to

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
            body="；".join(
                [f"{event.get_kind_display()} → {event.to_state.name}" if event.to_state else event.body]
                + [f"{label}: {value}" for label, value in event.details()]
            ),
            actor=str(event.actor) if event.actor else _("System"),
            icon="headset",
            url=reverse("tickets:detail", args=[event.ticket_id]),
        )
        for event in events
    ]


@register_customer_panel
def ticket_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    """The customer's requests within the reader's scope, newest first (closed ones included)."""
    if not has_capability(user, "tickets.view"):
        return None
    tickets = tickets_visible_to(user).filter(customer_id=customer_id)
    newest = list(tickets.order_by("-id")[:limit])
    workflows.attach_states(newest)
    total = len(newest) if len(newest) < limit else tickets.count()
    rows = [
        PanelRow(
            title=f"{ticket.number} {ticket.title}",
            url=reverse("tickets:detail", args=[ticket.pk]),
            meta=f"{ticket.get_ticket_type_display()} · {timezone.localtime(ticket.created_at):%Y-%m-%d}",
            badge=ticket.state.name,
        )
        for ticket in newest
    ]
    query = urlencode({"queue": "all_open", "customer": customer_id})
    return CustomerPanel(
        key="requests",
        title=_("Service requests"),
        total=total,
        rows=rows,
        more_url=f"{reverse('tickets:queue')}?{query}" if total > len(rows) else "",
        empty_text=_("No requests from this customer."),
    )
