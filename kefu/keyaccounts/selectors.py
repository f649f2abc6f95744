"""Reads of the key accounts, and the group-customer confidentiality rule (SPEC §1, seed 002).

Data scope is decided here: which key accounts a user works on (`key_accounts_visible_to`), and
whose business file a user may read (`business_file_readable`, `business_file_narrow`, which
KeyaccountsConfig.ready registers with customers.hooks.set_business_file_access_check).
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDeniedError
from kefu.customers.models import Customer
from kefu.org.choices import Role
from kefu.org.permissions import has_capability

from .models import Agreement, KeyAccount, ServicePlan, TeamMember

# How many levels of `Customer.parent` below a key account still belong to its group (group →
# branch → site → …). The rule reads the same depth both ways: up from a customer, down from
# the accounts.
GROUP_DEPTH = 5


def _supervised_path(user) -> str | None:
    """The org-tree path a supervisor oversees (their unit and below), else None."""
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        return user.org_unit.path
    return None


def _team_accounts_q(user) -> Q:
    """Key accounts whose team `user` is on (manager or member) or is a superior of: a
    supervisor over the account's service unit, its manager's unit or a member's unit."""
    rule = Q(customer__account_manager=user) | Q(pk__in=TeamMember.objects.filter(user=user).values("account_id"))
    path = _supervised_path(user)
    if path is not None:
        rule |= (
            Q(customer__org_unit__path__startswith=path)
            | Q(customer__account_manager__org_unit__path__startswith=path)
            | Q(pk__in=TeamMember.objects.filter(user__org_unit__path__startswith=path).values("account_id"))
        )
    return rule


def key_accounts_visible_to(user) -> QuerySet[KeyAccount]:
    """The key accounts a user works on: auditors and admins all; everyone else those whose team
    they are on or above (see `_team_accounts_q`)."""
    if not has_capability(user, "keyaccounts.view"):
        return KeyAccount.objects.none()
    accounts = KeyAccount.objects.all()
    if has_capability(user, "keyaccounts.all"):
        return accounts
    return accounts.filter(_team_accounts_q(user))


def get_key_account_for_user(user, account_id: int, *, capability: str = "keyaccounts.view") -> KeyAccount:
    """One key account the user works on, 404 outside their scope, 403 without the right."""
    if not has_capability(user, capability):
        raise PermissionDeniedError()
    return get_object_or_404(
        key_accounts_visible_to(user).select_related("customer", "customer__account_manager", "customer__org_unit"),
        pk=account_id,
    )


def team_of(account: KeyAccount) -> list[TeamMember]:
    return list(account.team.select_related("user", "user__org_unit").order_by("role", "id"))


def plans_of(account: KeyAccount) -> QuerySet[ServicePlan]:
    """The account's plans with their items (one query for all the items: the page and the API
    list each plan's items and its progress)."""
    return account.plans.prefetch_related("items")


def plan_progress(plan: ServicePlan) -> dict:
    """Done and total items of a plan, and the percentage done (0 for a plan without items);
    counted over the items `plans_of` fetched."""
    items = plan.items.all()
    total = len(items)
    done = sum(1 for item in items if item.done_on is not None)
    return {"done": done, "total": total, "percent": round(100 * done / total) if total else 0}


def agreements_of(account: KeyAccount) -> QuerySet[Agreement]:
    return account.agreements.select_related("uploaded_by")


def require_business_file(user, customer: Customer) -> None:
    """403 with the reason unless `user` may read the customer's business file."""
    if not business_file_readable(user, customer):
        raise PermissionDeniedError(
            _("The business file of this group customer is kept to its key-account team and their superiors.")
        )


def get_agreement_for_user(user, account: KeyAccount, agreement_id: int) -> Agreement:
    """One agreement of a key account the user works on, only for a reader of its business file."""
    require_business_file(user, account.customer)
    return get_object_or_404(account.agreements.select_related("uploaded_by"), pk=agreement_id)


# --- Group membership -----------------------------------------------------------------------


def group_chain(customer_id: int) -> list[int]:
    """The customer and its parents up to GROUP_DEPTH levels, nearest first (one query)."""
    lookups = ["parent__" * level + "id" if level else "id" for level in range(GROUP_DEPTH + 1)]
    row = Customer.objects.filter(pk=customer_id).values_list(*lookups).first()
    return [pk for pk in (row or ()) if pk is not None]


def key_account_of(customer_id: int) -> KeyAccount | None:
    """The nearest active key account at or above the customer (its own, or its group's). Asked
    on every new request: without any active key account it reads no customer at all."""
    active = KeyAccount.objects.filter(active=True)
    if not active.exists():
        return None
    chain = group_chain(customer_id)
    accounts = {a.customer_id: a for a in active.filter(customer_id__in=chain).select_related("customer")}
    return next((accounts[pk] for pk in chain if pk in accounts), None)


def _members_q(head_ids: QuerySet) -> Q:
    """Customers in the groups headed by `head_ids` (a values queryset of customer ids): the heads
    and each level below them, down to GROUP_DEPTH (each level one probe of the parent index)."""
    rule, level = Q(pk__in=head_ids), head_ids
    for _depth in range(GROUP_DEPTH):
        level = Customer.objects.filter(parent_id__in=level).values("pk")
        rule |= Q(pk__in=level)
    return rule


# --- Business-file confidentiality ----------------------------------------------------------


def business_file_readable(user, customer: Customer) -> bool:
    """Whether `user` (who sees `customer`) may read its business file. A customer in a key
    account's group (the account itself or a member below it) keeps its file to: its own account
    manager, the key account's team (manager and members), supervisors above any of them or
    above the customer's service unit, and auditors. Any other customer's file is read by
    whoever sees the customer."""
    chain = group_chain(customer.pk)
    accounts = KeyAccount.objects.filter(active=True, customer_id__in=chain)
    if not accounts.exists():
        return True
    if has_capability(user, "keyaccounts.all_files") or customer.account_manager_id == user.pk:
        return True
    path = _supervised_path(user)
    if path is not None and customer.org_unit_id and customer.org_unit.path.startswith(path):
        return True
    return accounts.filter(_team_accounts_q(user)).exists()


def business_file_narrow(user, customers: QuerySet[Customer]) -> QuerySet[Customer]:
    """`customers` narrowed to those whose business file `user` may read: the same rule as
    `business_file_readable`, set-based (a test checks that the two agree)."""
    active = KeyAccount.objects.filter(active=True)
    if has_capability(user, "keyaccounts.all_files") or not active.exists():
        return customers  # nothing kept back: no subqueries over the archive
    readable_heads = active.filter(_team_accounts_q(user)).values("customer_id")
    allowed = _members_q(readable_heads) | Q(account_manager=user)
    path = _supervised_path(user)
    if path is not None:
        allowed |= Q(org_unit__path__startswith=path)
    return customers.filter(~_members_q(active.values("customer_id")) | allowed)


def key_accounts_of_user(user) -> QuerySet[KeyAccount]:
    """The active key accounts whose team the user is on (manager or member): their workbench."""
    return KeyAccount.objects.filter(active=True).filter(
        Q(customer__account_manager=user) | Q(pk__in=TeamMember.objects.filter(user=user).values("account_id"))
    )
