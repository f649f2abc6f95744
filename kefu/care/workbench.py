"""Workbench cards: greeting batches awaiting the supervisor's approval, notices going out today."""

from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.pagination import capped_count
from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from .choices import NoticeStatus
from .models import NoticeStage
from .selectors import batches_awaiting


@register_workbench_provider
def care_cards(user) -> list[dict]:
    cards = []
    if has_capability(user, "care.approve"):
        waiting, more = capped_count(batches_awaiting(user), 999)
        cards.append(
            {
                "title": _("Greeting batches to approve"),
                "value": f"{waiting}+" if more else waiting,
                "hint": _("Care calendar"),
                "url": reverse("care:batches") + "?status=pending",
                "icon": "gift",
            }
        )
    if has_capability(user, "care.notify"):
        start = timezone.make_aware(datetime.combine(timezone.localdate(), time(0)))
        today = NoticeStage.objects.filter(
            due_at__gte=start, due_at__lt=start + timedelta(days=1), notice__status=NoticeStatus.ACTIVE
        )
        due, more = capped_count(today, 999)
        cards.append(
            {
                "title": _("Notices going out today"),
                "value": f"{due}+" if more else due,
                "hint": _("Outage and maintenance notices"),
                "url": reverse("care:notices"),
                "icon": "megaphone",
            }
        )
    return cards
