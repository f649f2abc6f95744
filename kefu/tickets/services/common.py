"""Helpers shared by the ticket services: locking, events and audit in one place."""

from django.db import transaction
from django.utils import timezone

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record

from ..models import Ticket, TicketEvent
from ..selectors import forget_queue_counts
from ..workflows import attach_states


def lock(ticket: Ticket) -> Ticket:
    """Re-read the request with a row lock, so concurrent changes queue up instead of clashing.

    The state comes from the workflow cache, not a join: on PostgreSQL a join would lock the
    state row too, and every request moving out of the same state would wait for the others.
    """
    current = Ticket.objects.select_for_update().get(pk=ticket.pk)
    attach_states([current])
    return current


def record(
    ticket: Ticket,
    *,
    actor,
    kind: str,
    body: str = "",
    internal: bool = False,
    from_state=None,
    to_state=None,
    data: dict | None = None,
    audit_changes: dict | None = None,
    audit_action: str = AuditAction.UPDATED,
) -> TicketEvent:
    """Write the request's own event row and the audit trail entry for the same change."""
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor if actor and actor.is_authenticated else None,
        body=body,
        is_internal=internal,
        from_state=from_state,
        to_state=to_state,
        data=data or {},
    )
    audit_record(
        actor=actor,
        action=audit_action,
        target=ticket,
        customer_id=ticket.customer_id,
        changes=audit_changes or {},
        summary=f"{event.get_kind_display()}: {body}"[:300] if body else str(event.get_kind_display()),
    )
    if actor is not None and actor.is_authenticated:
        # Now, and again once committed (a page drawn in between may have counted the old rows).
        forget_queue_counts(actor)
        transaction.on_commit(lambda: forget_queue_counts(actor))
    return event


def now():
    return timezone.now()
