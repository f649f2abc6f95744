"""Handing a person's open requests to others when they leave (交接): the account-manager
departure calls it for the requests the leaving manager owns or handles."""

from collections.abc import Callable

from django.db import transaction

from kefu.org.models import User

from .. import hooks
from ..choices import EventKind
from ..models import Ticket
from ..selectors import assignable_staff
from .common import lock, record


@transaction.atomic
def tickets_hand_over(
    *, actor, from_user: User, receiver_for: Callable[[int | None], User]
) -> list[tuple[Ticket, User]]:
    """Give every open request `from_user` owns or handles to the person `receiver_for(customer
    id)` names. Owner: the receiver. Handler: the receiver when they may handle requests in the
    request's department, else nobody (the department's queue takes it up again). Each request
    is locked, its version bumped, and its timeline and the audit trail say who took it over.
    Returns (request, receiver) pairs."""
    handed = []
    ids = (
        Ticket.objects.filter(closed_at__isnull=True)
        .filter(owner=from_user)
        .union(Ticket.objects.filter(closed_at__isnull=True, assignee=from_user))
        .values_list("pk", flat=True)
    )
    for pk in sorted(ids):
        current = lock(Ticket(pk=pk))
        receiver = receiver_for(current.customer_id)
        before = {"owner": current.owner_id, "assignee": current.assignee_id}
        if current.owner_id == from_user.pk:
            current.owner = receiver
        if current.assignee_id == from_user.pk:
            department = current.department
            may_handle = assignable_staff(department).filter(pk=receiver.pk).exists()
            current.assignee = receiver if may_handle else None
        current.version += 1
        current.save(update_fields=["owner", "assignee", "version", "updated_at"])
        hooks.responsibility_changed(current)
        after = {"owner": current.owner_id, "assignee": current.assignee_id}
        record(
            current,
            actor=actor,
            kind=EventKind.HANDED_OVER,
            body=f"{from_user} → {receiver}",
            audit_changes={name: [before[name], after[name]] for name in before if before[name] != after[name]},
        )
        handed.append((current, receiver))
    return handed
