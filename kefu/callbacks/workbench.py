"""The workbench card of the callback desk: callbacks due today in the user's scope."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.core.pagination import capped_count
from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from . import selectors


@register_workbench_provider
def callback_cards(user) -> list[dict]:
    if not has_capability(user, "callbacks.make"):
        return []
    count, more = capped_count(selectors.desk(user), 999)
    return [
        {
            "title": _("Callbacks due today"),
            "value": f"{count}+" if more else count,
            "hint": _("customers to call back, nearest due first"),
            "url": reverse("callbacks:desk"),
            "icon": "telephone-outbound",
        }
    ]
