"""Writes to service requests. Every change is a TicketEvent row plus an AuditEvent, in one transaction."""

from .lifecycle import (
    IllegalTransitionError,
    ticket_attach,
    ticket_comment,
    ticket_create,
    ticket_link_customer,
    ticket_transition,
    workflow_for,
)
from .oversight import (
    ticket_extension_decide,
    ticket_extension_request,
    ticket_merge,
    ticket_remind,
    ticket_supervise,
    ticket_supervision_lift,
)
from .routing import may_answer_transfer, ticket_assign, ticket_transfer_decide, ticket_transfer_request

__all__ = [
    "IllegalTransitionError",
    "may_answer_transfer",
    "ticket_assign",
    "ticket_attach",
    "ticket_comment",
    "ticket_create",
    "ticket_extension_decide",
    "ticket_extension_request",
    "ticket_link_customer",
    "ticket_merge",
    "ticket_remind",
    "ticket_supervise",
    "ticket_supervision_lift",
    "ticket_transfer_decide",
    "ticket_transfer_request",
    "ticket_transition",
    "workflow_for",
]
