"""What the time limits (kefu.sla) write on a request's timeline, written by this app.

The sla app does not import tickets; TicketsConfig.ready registers these functions with
`kefu.sla.hooks`, so every row on the tickets tables is written here, through the ORM.
"""

from collections.abc import Iterable
from datetime import datetime

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_entry, audit_records
from kefu.sla.hooks import Milestone, RequestWriters

from .choices import EventKind
from .models import Ticket, TicketEvent, request_number

_MILESTONE_KINDS = {
    "warned": EventKind.SLA_WARNING,
    "breached": EventKind.SLA_BREACHED,
    "reminded": EventKind.REMINDED,
}
# Escalations of a mass breach come in one claim: written in batches of this many rows.
EVENT_BATCH = 5_000


def milestone_events(milestones: Iterable[Milestone]) -> list[TicketEvent]:
    """Clock stamps as (unsaved) internal timeline events."""
    return [
        TicketEvent(
            ticket_id=milestone.ticket_id,
            kind=_MILESTONE_KINDS[milestone.stamp],
            body=milestone.metric_label,
            is_internal=True,
            created_at=milestone.at,
        )
        for milestone in milestones
    ]


def record_milestones(milestones: list[Milestone]) -> None:
    TicketEvent.objects.bulk_create(milestone_events(milestones))


def record_escalations(ticket_ids: Iterable[int], at: datetime) -> None:
    """One internal `escalated` event and one audit entry per request, without an actor (the
    sweep made it), each written set-based."""
    ticket_ids = sorted(ticket_ids)
    events = (
        TicketEvent(ticket_id=ticket_id, kind=EventKind.ESCALATED, is_internal=True, created_at=at)
        for ticket_id in ticket_ids
    )
    TicketEvent.objects.bulk_create(events, batch_size=EVENT_BATCH)
    summary = str(EventKind.ESCALATED.label)
    for start in range(0, len(ticket_ids), EVENT_BATCH):
        rows = Ticket.objects.filter(pk__in=ticket_ids[start : start + EVENT_BATCH]).order_by("pk")
        audit_records(
            audit_entry(
                actor=None,
                action=AuditAction.UPDATED,
                target_type=Ticket._meta.label_lower,
                target_id=pk,
                target_repr=f"{request_number(pk, created_at)} {title}",
                customer_id=customer_id,
                summary=summary,
            )
            for pk, created_at, title, customer_id in rows.values_list("pk", "created_at", "title", "customer_id")
        )


def request_numbers(ticket_ids: Iterable[int]) -> dict[int, str]:
    rows = Ticket.objects.filter(pk__in=list(ticket_ids)).values_list("pk", "created_at")
    return {pk: request_number(pk, created_at) for pk, created_at in rows}


WRITERS = RequestWriters(
    record_milestones=record_milestones,
    record_escalations=record_escalations,
    request_numbers=request_numbers,
)
