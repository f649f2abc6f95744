"""Callbacks on the customer 360 timeline: each result (or an unreachable customer) with its words."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.customers.timeline import TimelineEntry, register_timeline_provider

from .choices import CallbackStatus, Satisfaction
from .models import Callback


@register_timeline_provider
def callback_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    tasks = (
        Callback.objects.filter(customer_id=customer_id, status__in=[CallbackStatus.DONE, CallbackStatus.UNREACHABLE])
        .select_related("called_by", "ticket")
        .order_by("-id")[:limit]
    )
    entries = []
    for task in tasks:
        if task.status == CallbackStatus.DONE:
            title = _("Callback: %(result)s") % {"result": Satisfaction(task.result).label}
        else:
            title = _("Callback: customer unreachable")
        entries.append(
            TimelineEntry(
                at=task.completed_at,
                kind="callback",
                title=title,
                body=f"{task.ticket.number} {task.ticket.title}" + (f" — {task.comment}" if task.comment else ""),
                actor=str(task.called_by) if task.called_by else "",
                icon="telephone-outbound",
                url=reverse("callbacks:detail", args=[task.pk]),
            )
        )
    return entries
