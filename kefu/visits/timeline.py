"""Recorded visits on the customer 360 timeline."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.customers.timeline import TimelineEntry, register_timeline_provider

from .choices import VisitStatus
from .models import Visit


@register_timeline_provider
def visit_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    visits = (
        Visit.objects.filter(customer_id=customer_id, status=VisitStatus.DONE)
        .select_related("manager")
        .order_by("-visited_at")[:limit]
    )
    return [
        TimelineEntry(
            at=visit.visited_at,
            kind="visit",
            title=_("Visit: %(purpose)s") % {"purpose": visit.purpose or _("customer visit")},
            body=visit.outcome,
            actor=str(visit.manager),
            icon="calendar",
            url=reverse("visits:detail", args=[visit.pk]),
        )
        for visit in visits
    ]
