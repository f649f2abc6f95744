"""Workbench cards of the books (管户): an account manager's own figures, and for those who see
several books the customers still without a manager. A few queries whatever the volume."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.core.workbench import register_workbench_provider
from kefu.org.permissions import has_capability

from . import books


@register_workbench_provider
def book_cards(user) -> list[dict]:
    if not has_capability(user, "books.view"):
        return []
    own = books.own_book(user)
    if own is not None:
        summary = books.book_summary(user, own)
        url = reverse("accountmanagers:book", args=[own.pk])
        return [
            {
                "title": _("My book"),
                "value": summary["customers"],
                # render_to_string escapes the data and returns safe HTML for the card template.
                "hint": render_to_string("accountmanagers/partials/book_card.html", {"summary": summary, "url": url}),
                "url": url,
                "icon": "briefcase",
            }
        ]
    unassigned = books.unassigned_count(user)
    return [
        {
            "title": _("Customers without a manager"),
            "value": unassigned,
            "hint": _("in the books you oversee"),
            "url": f"{reverse('customers:list')}?unassigned=true",
            "icon": "person-x",
        },
        {
            "title": _("Account managers' books"),
            "value": books.book_managers_visible_to(user).filter(is_active=True).count(),
            "hint": _("load and balance per manager"),
            "url": reverse("accountmanagers:books"),
            "icon": "briefcase",
        },
    ]
