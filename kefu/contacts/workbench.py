"""Workbench cards: a manager's contacts due today and overdue; a supervisor's team overdue counts;
open key-account file reviews."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.pagination import capped_count
from kefu.core.workbench import register_workbench_provider
from kefu.org.choices import Role
from kefu.org.permissions import has_capability

from . import selectors


@register_workbench_provider
def contact_cards(user) -> list[dict]:
    if not has_capability(user, "contacts.log"):
        return []
    today = timezone.localdate()
    due, more = capped_count(selectors.contacts_due(user, today=today), 999)
    overdue, more_overdue = capped_count(selectors.contacts_due_visible_to(user).filter(due_on__lt=today), 999)
    title = _("Contacts due today") if user.role == Role.ACCOUNT_MANAGER else _("My team's contacts due")
    cards = [
        {
            "title": title,
            "value": f"{due}+" if more else due,
            "hint": _("%(count)s overdue") % {"count": f"{overdue}+" if more_overdue else overdue},
            "url": reverse("contacts:due"),
            "icon": "person-lines-fill",
        }
    ]
    reviews, more_reviews = capped_count(selectors.reviews_open(user), 999)
    if reviews:
        cards.append(
            {
                "title": _("Key-account file reviews"),
                "value": f"{reviews}+" if more_reviews else reviews,
                "hint": _("due by the end of the quarter"),
                "url": reverse("contacts:reviews"),
                "icon": "clipboard-check",
            }
        )
    return cards
