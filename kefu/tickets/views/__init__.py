"""Service request pages. Thin: they parse input, call selectors and services, and render."""

from .actions import (
    assign,
    attach,
    comment,
    extension_decide,
    extension_request,
    link_customer,
    merge,
    remind,
    supervise,
    supervision_lift,
    transfer,
    transfer_decide,
    transition,
)
from .create import customer_lookup, ticket_create
from .detail import attachment_download, ticket_detail
from .queue import ticket_queue

__all__ = [
    "assign",
    "attach",
    "attachment_download",
    "comment",
    "customer_lookup",
    "extension_decide",
    "extension_request",
    "link_customer",
    "merge",
    "remind",
    "supervise",
    "supervision_lift",
    "ticket_create",
    "ticket_detail",
    "ticket_queue",
    "transfer",
    "transfer_decide",
    "transition",
]
