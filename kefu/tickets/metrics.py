"""Gauges for /metrics (kefu.core.metrics): open requests by type and state."""

from django.db.models import Count

from .choices import StateKind
from .models import Ticket


def open_requests_by_state():
    rows = (
        Ticket.objects.exclude(state__kind=StateKind.FINAL)
        .values("ticket_type", "state__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [((row["ticket_type"], row["state__code"]), row["n"]) for row in rows]


def register() -> None:
    from kefu.core.metrics import register_gauge

    register_gauge(
        "kefu_open_requests", "Requests not closed, by type and state", ["type", "state"], open_requests_by_state
    )
