"""The workbench card of a key account's team: open service-plan items due within a week, and how
many are overdue, over the accounts whose team the user is on."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.org.permissions import has_capability

from .choices import PlanStatus
from .models import PlanItem
from .selectors import key_accounts_of_user


def team_cards(user) -> list[dict]:
    if not has_capability(user, "keyaccounts.view"):
        return []
    accounts = key_accounts_of_user(user)
    if not accounts.exists():
        return []
    today = timezone.localdate()
    open_items = PlanItem.objects.filter(
        plan__account__in=accounts, plan__status=PlanStatus.ACTIVE, done_on__isnull=True
    )
    due = open_items.filter(due_on__lte=today + timedelta(days=7)).count()
    overdue = open_items.filter(due_on__lt=today).count()
    return [
        {
            "title": _("Key-account plan items due this week"),
            "value": due,
            "hint": _("%(count)s overdue") % {"count": overdue},
            "url": reverse("keyaccounts:list"),
            "icon": "building",
        }
    ]
