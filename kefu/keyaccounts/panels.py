"""The key-account team on the customer 360 page: who serves this customer's group (the service
card any reader of the customer needs to pass a call on), with a link to the account's page for
those who work on it."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.customers.panels import CustomerPanel, PanelRow
from kefu.org.permissions import has_capability

from .choices import TeamRole
from .selectors import key_account_of, key_accounts_visible_to, team_of


def team_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    if not has_capability(user, "customers.view"):
        return None
    account = key_account_of(customer_id)
    if account is None:
        return None
    rows = []
    manager = account.customer.account_manager
    if manager is not None:
        rows.append(PanelRow(title=str(manager), meta=_("Account manager")))
    rows += [PanelRow(title=str(member.user), meta=str(TeamRole(member.role).label)) for member in team_of(account)]
    works_on = key_accounts_visible_to(user).filter(pk=account.pk).exists()
    title = _("Key-account team: %(account)s") % {"account": account.customer.name}
    return CustomerPanel(
        key="keyaccount-team",
        title=title,
        total=len(rows),
        rows=rows[:limit],
        more_url=reverse("keyaccounts:detail", args=[account.pk]) if works_on else "",
        more_label=_("Key account page") if works_on else "",
        empty_text=_("No team yet."),
    )
