"""The outbox's workbench card for admins: messages that did not go out and need a look
(failed or given up), and how many wait to be sent."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.core.pagination import capped_count
from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from .choices import READY_STATES, RETRYABLE_STATES
from .models import Message


@register_workbench_provider
def outbox_cards(user) -> list[dict]:
    if not has_capability(user, "outbox.manage"):
        return []
    stuck, more = capped_count(Message.objects.filter(state__in=RETRYABLE_STATES), 999)
    waiting, waiting_more = capped_count(Message.objects.filter(state__in=READY_STATES), 999)
    return [
        {
            "title": _("Messages not sent"),
            "value": f"{stuck}+" if more else stuck,
            "hint": _("%(count)s waiting to be sent") % {"count": f"{waiting}+" if waiting_more else waiting},
            "url": reverse("outbox:list") + "?state=failed",
            "icon": "envelope",
        }
    ]
