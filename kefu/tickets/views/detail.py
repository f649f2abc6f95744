"""The request page: header, customer, timeline, attachments and the action panel."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from kefu.core.errors import PermissionDeniedError
from kefu.core.masking import mask_phone
from kefu.customers.selectors import customer_in_scope
from kefu.org.permissions import has_capability
from kefu.sla.selectors import time_limit_state

from .. import forms, selectors, services
from ..choices import EventKind
from ..models import Attachment
from .common import due_state, sla_badge

EVENT_ICONS = {
    EventKind.CREATED: "plus-circle",
    EventKind.TRANSITION: "arrow-right-circle",
    EventKind.REPLY: "chat-left-text",
    EventKind.INTERNAL_NOTE: "lock",
    EventKind.ATTACHMENT: "paperclip",
    EventKind.TRANSFER_REQUESTED: "send",
    EventKind.TRANSFER_ACCEPTED: "check2-circle",
    EventKind.TRANSFER_RETURNED: "arrow-return-left",
    EventKind.TRANSFER_WITHDRAWN: "x-circle",
    EventKind.ASSIGNED: "person-check",
    EventKind.SUPERVISED: "eye",
    EventKind.MERGED: "union",
    EventKind.EXTENSION_REQUESTED: "hourglass-split",
    EventKind.EXTENSION_DECIDED: "hourglass-bottom",
    EventKind.EXTENSION_WITHDRAWN: "x-circle",
    EventKind.SLA_WARNING: "exclamation-triangle",
    EventKind.SLA_BREACHED: "exclamation-octagon",
    EventKind.ESCALATED: "arrow-up-circle",
    EventKind.REMINDED: "bell",
    EventKind.CUSTOMER_LINKED: "link-45deg",
    EventKind.SUPERVISION_LIFTED: "eye-slash",
    EventKind.HANDED_OVER: "person-gear",
}


def can_decide_transfer(user, transfer) -> bool:
    """Those the service lets answer a transfer (and who handle requests at all)."""
    return has_capability(user, "tickets.handle") and services.may_answer_transfer(user, transfer)


def _action_panels(user, ticket, can: dict, *, transfer_pending: bool, extension_pending: bool) -> list[dict]:
    """The secondary actions the user may take on this request now: a title and where its form is.

    The forms themselves are fetched when a panel is opened (see views.actions).
    """
    if ticket.closed_at:
        return []
    offered = [
        (forms.AssignForm, can["assign"]),
        (forms.TransferForm, can["handle"] and not transfer_pending),
        (forms.SuperviseForm, can["supervise"] and not ticket.supervised),
        (forms.LiftSupervisionForm, can["supervise"] and ticket.supervised),
        (forms.RemindForm, can["supervise"]),
        (
            forms.ExtensionForm,
            can["handle"] and not extension_pending and ticket.due_at and ticket.due_at > timezone.now(),
        ),
        (forms.MergeForm, can["merge"]),
    ]
    return [
        {"form_id": cls.form_id, "title": cls.title, "url": reverse(cls.url_name, args=[ticket.pk])}
        for cls, allowed in offered
        if allowed
    ]


def detail_context(request, ticket) -> dict:
    """Everything the request page shows, each block one query whatever its length."""
    user = request.user
    can = {name: has_capability(user, f"tickets.{name}") for name in
           ("handle", "comment", "assign", "supervise", "merge", "approve", "create")}  # fmt: skip
    clocks = list(ticket.sla_clocks.order_by("id"))
    events = selectors.ticket_events(ticket, clocks=clocks)
    for event in events:
        event.icon = EVENT_ICONS.get(event.kind, "dot")
    blocks = selectors.timeline_blocks(ticket, events)
    pending_transfer, pending_extension = blocks["pending_transfer"], blocks["pending_extension"]
    customer_open = selectors.other_open_tickets_of_customer(user, ticket) if ticket.customer_id else []
    sla_state = time_limit_state(clocks)
    sla_label, sla_css = sla_badge(sla_state)
    decide_transfer = pending_transfer and can_decide_transfer(user, pending_transfer)
    return {
        "ticket": ticket,
        "due_state": due_state(ticket, timezone.now()),
        "sla_label": sla_label,
        "sla_css": sla_css,
        # Without a deadline (no SLA policy applies) "on time" would say nothing.
        "show_sla": not ticket.closed_at and (ticket.due_at or sla_state != "ok"),
        "events": events,
        "clocks": clocks,
        "replies": [e for e in events if e.kind == EventKind.REPLY and not e.is_internal],
        "transitions": selectors.available_transitions(user, ticket) if can["handle"] else [],
        "attachments": blocks["attachments"],
        "duplicates": blocks["duplicates"],
        "customer_open": customer_open,
        "pending_transfer": pending_transfer,
        "transfer_decision_form": forms.TransferDecisionForm(ticket=ticket, user=user) if decide_transfer else None,
        "pending_extension": pending_extension,
        "extension_decision_form": (
            forms.ExtensionDecisionForm(ticket=ticket, user=user)
            # Nobody decides on their own request for more time (ticket_extension_decide).
            if pending_extension and can["approve"] and pending_extension.requested_by_id != user.pk
            else None
        ),
        "comment_form": forms.CommentForm(ticket=ticket, user=user) if can["comment"] else None,
        "attach_form": forms.AttachmentForm(ticket=ticket, user=user) if can["comment"] else None,
        # Linking needs the customer lookup, which is part of registering requests.
        "link_form": (
            forms.LinkCustomerForm(ticket=ticket, user=user)
            if not ticket.customer_id and can["handle"] and can["create"]
            else None
        ),
        "action_panels": _action_panels(
            user, ticket, can, transfer_pending=bool(pending_transfer), extension_pending=bool(pending_extension)
        ),
        # The customer 360 link only where the reader may open it: a request dispatched to their
        # unit may be of a customer outside their scope (the link led to a 404).
        "can_view_customers": bool(
            ticket.customer_id
            and has_capability(user, "customers.view")
            and customer_in_scope(user, ticket.customer_id, fields=("id",))
        ),
        "masked_caller_phone": mask_phone(ticket.caller_phone),
    }


@login_required
@require_GET
def ticket_detail(request, pk):
    # The owner and handler are read with the timeline's actors (selectors.ticket_events).
    ticket = selectors.get_ticket_for_user(request.user, pk, with_people=False)
    return render(request, "tickets/ticket_detail.html", detail_context(request, ticket))


@login_required
@require_GET
def attachment_download(request, pk):
    """Serve a file only to someone who may see its request (the media URL is not exposed)."""
    if not has_capability(request.user, "tickets.view"):
        raise PermissionDeniedError()
    attachment = get_object_or_404(
        Attachment.objects.filter(ticket__in=selectors.tickets_visible_to(request.user)), pk=pk
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
