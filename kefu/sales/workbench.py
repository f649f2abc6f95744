"""The workbench card: my open prospects, and price requests due (overdue ones counted)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.pagination import capped_count
from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from . import selectors


@register_workbench_provider
def sales_cards(user) -> list[dict]:
    if not has_capability(user, "sales.work"):
        return []
    now = timezone.now()
    prospects, more_prospects = capped_count(selectors.prospect_list(user, stage="open"), 999)
    soon = selectors.price_request_list(user, state="open", now=now).filter(due_at__lt=now + timedelta(days=1))
    due, more_due = capped_count(soon, 999)
    overdue, more_overdue = capped_count(selectors.price_request_list(user, state="overdue", now=now), 999)
    return [
        {
            "title": _("My open prospects"),
            "value": f"{prospects}+" if more_prospects else prospects,
            "hint": _("Sales pipeline"),
            "url": reverse("sales:pipeline"),
            "icon": "person-plus",
        },
        {
            "title": _("Price requests due within a day"),
            "value": f"{due}+" if more_due else due,
            "hint": _("%(count)s overdue") % {"count": f"{overdue}+" if more_overdue else overdue},
            "url": reverse("sales:price_requests"),
            "icon": "hourglass-split",
        },
    ]
