"""The workbench card of grading: grade changes awaiting the supervisor's approval."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.core.pagination import capped_count
from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from .selectors import pending_proposals_for

CARD_CAP = 999  # the queue cards' "999+"


@register_workbench_provider
def grading_cards(user) -> list[dict]:
    if not has_capability(user, "grading.approve"):
        return []
    count, more = capped_count(pending_proposals_for(user), CARD_CAP)
    return [
        {
            "title": _("Grade proposals"),
            "value": f"{count}+" if more else count,
            "hint": _("grade changes awaiting your approval"),
            "url": reverse("grading:proposals"),
            "icon": "award",
        }
    ]
