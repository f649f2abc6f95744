"""Workbench card of the handovers: the work others handed to you, until you acknowledge it."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from . import selectors


@register_workbench_provider
def handover_cards(user) -> list[dict]:
    if not has_capability(user, "managers.view"):
        return []
    waiting = selectors.unacknowledged_handovers(user).count()
    if not waiting:
        return []
    return [
        {
            "title": _("Handovers to acknowledge"),
            "value": waiting,
            "hint": _("customers and open work handed to you by a leaving manager"),
            "url": reverse("accountmanagers:handovers"),
            "icon": "arrow-left-right",
        }
    ]
