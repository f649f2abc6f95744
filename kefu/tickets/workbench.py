"""Workbench cards for requests: one per work queue, and all open ones with the most urgent listed.

A bounded number of queries whatever the volume: one count per queue and one short list.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from . import selectors
from .views.common import due_state

URGENT_LIMIT = 5


def _queue_url(queue: str, **extra) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"queue": queue, **extra}.items())
    return f"{reverse('tickets:queue')}?{query}"


def most_urgent(user, limit: int = URGENT_LIMIT) -> list:
    """Open requests in the user's scope with the nearest deadlines (overdue ones first), those
    of the green channel before the others, as in every queue."""
    tickets = selectors.ticket_queue(user, "all_open").filter(due_at__isnull=False)
    return list(tickets.select_related("state").order_by("-green_channel", "due_at", "id")[:limit])


@register_workbench_provider
def ticket_cards(user) -> list[dict]:
    if not has_capability(user, "tickets.view"):
        return []
    counts = selectors.queue_counts(user)
    cards = [
        ("mine", _("My open requests"), "person-workspace", _("owned or handled by me")),
        ("department", _("Department queue"), "building", _("dispatched to my department")),
        ("due_soon", _("Due soon"), "hourglass-split", _("deadline within 24 hours")),
        ("overdue", _("Overdue"), "exclamation-octagon", _("deadline missed")),
        ("supervised", _("Supervised"), "eye", _("under supervision (督办)")),
        ("unassigned", _("Unassigned"), "person-dash", _("no handler yet")),
    ]
    result = [
        {"title": title, "value": counts[queue], "hint": hint, "url": _queue_url(queue), "icon": icon}
        for queue, title, icon, hint in cards
        if queue != "department" or user.org_unit_id
    ]
    now = timezone.now()
    urgent = most_urgent(user)
    for ticket in urgent:
        ticket.due_state = due_state(ticket, now)
    result.append(
        {
            "title": _("Open requests"),
            "value": counts["all_open"],
            # Each of the most urgent opens its request; the rest of the card opens the queue.
            # render_to_string escapes the data and returns safe HTML for the card template.
            "hint": render_to_string("tickets/partials/workbench_urgent.html", {"tickets": urgent}),
            "url": _queue_url("all_open", ordering="due"),
            "icon": "alarm",
        }
    )
    return result
