"""The workbench card of the visit plan: open visits due this month, and how many are overdue."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.pagination import capped_count
from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from . import selectors


@register_workbench_provider
def visit_cards(user) -> list[dict]:
    if not has_capability(user, "visits.make"):
        return []
    today = timezone.localdate()
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    due, more = capped_count(selectors.visit_plan(user, today=today).filter(due_date__lte=month_end), 999)
    overdue, _more = capped_count(selectors.visit_plan(user, status="overdue", today=today), 999)
    return [
        {
            "title": _("Visits due this month"),
            "value": f"{due}+" if more else due,
            "hint": _("%(count)s overdue") % {"count": overdue},
            "url": reverse("visits:plan"),
            "icon": "calendar",
        }
    ]
