"""Workbench cards of the churn warning: a manager's open retention tasks (and how many are
overdue); for a supervisor, those of their subtree."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core.pagination import capped_count
from kefu.core.workbench import register_workbench_provider
from kefu.org.choices import Role
from kefu.org.permissions import has_capability

from .selectors import open_tasks_for

CARD_CAP = 999  # the queue cards' "999+"


@register_workbench_provider
def churn_cards(user) -> list[dict]:
    if not has_capability(user, "churn.work"):
        return []
    tasks = open_tasks_for(user)
    count, more = capped_count(tasks, CARD_CAP)
    overdue, _more = capped_count(tasks.filter(due_date__lt=timezone.localdate()), CARD_CAP)
    own = user.role == Role.ACCOUNT_MANAGER
    return [
        {
            "title": _("My retention tasks") if own else _("Retention tasks of my team"),
            "value": f"{count}+" if more else count,
            "hint": _("%(count)s overdue") % {"count": overdue},
            "url": reverse("churn:tasks"),
            "icon": "exclamation-triangle",
        }
    ]
