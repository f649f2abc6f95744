"""The workbench card of fee collection: the arrears the user's scope still owes, past due
ones and broken promises (a manager their book, a supervisor their subtree)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.pagination import capped_count
from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from . import selectors


@register_workbench_provider
def collection_cards(user) -> list[dict]:
    if not has_capability(user, "collection.work"):
        return []
    today = timezone.localdate()
    arrears = selectors.arrears_visible_to(user)
    overdue, more = capped_count(selectors.filter_arrears(arrears, {"state": "overdue"}, today=today), 999)
    broken, more_broken = capped_count(selectors.filter_arrears(arrears, {"state": "broken"}, today=today), 999)
    return [
        {
            "title": _("Arrears past due"),
            "value": f"{overdue}+" if more else overdue,
            "hint": _("%(count)s promises to pay broken") % {"count": f"{broken}+" if more_broken else broken},
            "url": reverse("collection:list") + "?state=overdue",
            "icon": "cash-coin",
        }
    ]
