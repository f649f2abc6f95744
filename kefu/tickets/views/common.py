"""Helpers shared by the request pages."""

from datetime import timedelta

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from .. import selectors

# How the request stands against its time limits (kefu.sla.selectors.time_limit_state).
SLA_LABELS = {
    "ok": (_("On time"), "success"),
    "warning": (_("Deadline near"), "warning"),
    "breached": (_("Deadline missed"), "danger"),
}


def due_state(ticket, now) -> str:
    """ "overdue", "due_soon" or "" for an open request; queues colour the due date with it."""
    if ticket.closed_at or not ticket.due_at:
        return ""
    if ticket.due_at <= now:
        return "overdue"
    if ticket.due_at <= now + timedelta(hours=selectors.DUE_SOON_HOURS):
        return "due_soon"
    return ""


def sla_badge(state: str) -> tuple[str, str]:
    return SLA_LABELS.get(state, (state, "secondary"))


def back_to_ticket(request, ticket, message: str):
    """After a successful action: a message and the request page, reloaded whole.

    htmx posts get an HX-Redirect so that header, timeline and action panel all show the change.
    An action can take the request out of the user's scope (a handler returning a transfer):
    then the queue, with a message saying so, instead of a request page that would answer 404.
    """
    messages.success(request, message)
    url = reverse("tickets:detail", args=[ticket.pk])
    if not selectors.tickets_visible_to(request.user).filter(pk=ticket.pk).exists():
        messages.info(request, _("Request %(number)s has left your queues.") % {"number": ticket.number})
        url = reverse("tickets:queue")
    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(url)
    return redirect(url)
