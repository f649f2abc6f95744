"""Reads of service requests. Data scope is decided here and nowhere else."""

import re

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kefu.core.errors import PermissionDeniedError
from kefu.org.choices import Role
from kefu.org.permissions import has_capability

from .models import Ticket, TicketEvent, WorkflowTransition

_WHOLE_QUEUE_ROLES = {Role.AGENT, Role.AUDITOR, Role.ADMIN}
_NUMBER = re.compile(r"^\d{8}-(\d+)$")


def tickets_visible_to(user) -> QuerySet[Ticket]:
    """The one place that says which requests a user may see.

    - agents, auditors, admins: all (agents take any caller's follow-up);
    - account managers: requests of their customers, and those they own or handle;
    - handling departments: requests dispatched to their unit or below, or assigned to them;
    - supervisors: requests whose department, owner or customer lies in their subtree.
    """
    if not has_capability(user, "tickets.view"):
        return Ticket.objects.none()
    tickets = Ticket.objects.all()
    if user.role in _WHOLE_QUEUE_ROLES:
        return tickets
    mine = Q(owner=user) | Q(assignee=user)
    if user.role == Role.ACCOUNT_MANAGER:
        return tickets.filter(mine | Q(customer__account_manager=user))
    if not user.org_unit_id:
        return tickets.filter(mine)
    path = user.org_unit.path
    if user.role == Role.HANDLER:
        return tickets.filter(mine | Q(department__path__startswith=path))
    if user.role == Role.SUPERVISOR:
        return tickets.filter(
            mine
            | Q(department__path__startswith=path)
            | Q(owner__org_unit__path__startswith=path)
            | Q(customer__org_unit__path__startswith=path)
        )
    return Ticket.objects.none()


def get_ticket_for_user(user, ticket_id: int, *, capability: str = "tickets.view") -> Ticket:
    """The request if the user may act on it: 403 without the capability, 404 outside scope."""
    if not has_capability(user, capability):
        raise PermissionDeniedError()
    return get_object_or_404(
        tickets_visible_to(user).select_related(
            "state", "state__workflow", "customer", "owner", "assignee", "department", "category"
        ),
        pk=ticket_id,
    )


def ticket_id_from_number(text: str) -> int | None:
    match = _NUMBER.match(text.strip())
    return int(match.group(1)) if match else None


def available_transitions(user, ticket: Ticket) -> list[WorkflowTransition]:
    """The moves the user may make from the request's current state."""
    transitions = WorkflowTransition.objects.filter(source_id=ticket.state_id).select_related("target")
    return [t for t in transitions if has_capability(user, t.capability)]


def ticket_events(ticket: Ticket, *, include_internal: bool = True) -> list[TicketEvent]:
    events = ticket.events.select_related("actor", "from_state", "to_state")
    if not include_internal:
        events = events.filter(is_internal=False)
    return list(events)
