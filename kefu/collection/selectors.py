"""Reads of fee collection: who sees which arrears (the customers' scope), a manager's arrears
list, an arrear's history, and the collection rate per manager and per branch.

The collection rate of a period (docs/collection.md): of the arrears whose due date falls in
the period, the money received against them up to the period's last day, divided by the money
they asked for. rate = collected ÷ due; no due, no rate."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kefu.core.errors import PermissionDeniedError
from kefu.customers.selectors import customers_visible_to
from kefu.org.choices import WHOLE_ORGANISATION_ROLES, Role, UnitKind
from kefu.org.models import OrgUnit, User
from kefu.org.permissions import has_capability
from kefu.org.selectors import unit_subtree

from .choices import ArrearStatus, StepKind
from .models import Arrear, CollectionStep, CollectionTarget, Payment, Promise


def arrears_visible_to(user) -> QuerySet[Arrear]:
    """The arrears of the customers the user may see (a manager their book, a supervisor their
    subtree's, auditors and admins all); none without collection.view."""
    if not has_capability(user, "collection.view"):
        return Arrear.objects.none()
    return Arrear.objects.filter(customer__in=customers_visible_to(user))


def get_arrear_for_user(user, pk: int) -> Arrear:
    """One arrear in the user's scope, 404 outside it (ids cannot be probed), 403 without the right."""
    if not has_capability(user, "collection.view"):
        raise PermissionDeniedError()
    return get_object_or_404(
        arrears_visible_to(user).select_related("customer", "customer__account_manager", "customer__org_unit"), pk=pk
    )


# The arrears list's views (page tabs and the API's `state`).
LIST_STATES = ("open", "overdue", "broken", "paid", "all")


def filter_arrears(arrears: QuerySet[Arrear], filters: dict | None, *, today: date | None = None) -> QuerySet[Arrear]:
    """Narrow and sort a scoped list: state (open by default: owed, oldest due first), manager,
    bill period, customer name or number fragment."""
    filters = filters or {}
    today = today or timezone.localdate()
    state = filters.get("state") or "open"
    if state == "open":
        arrears = arrears.filter(status=ArrearStatus.OPEN)
    elif state == "overdue":
        arrears = arrears.filter(status=ArrearStatus.OPEN, due_date__lt=today)
    elif state == "broken":
        arrears = arrears.filter(status=ArrearStatus.OPEN, promise_broken=True)
    elif state == "paid":
        arrears = arrears.filter(status=ArrearStatus.PAID)
    if filters.get("manager"):
        arrears = arrears.filter(customer__account_manager_id=filters["manager"])
    if filters.get("customer"):
        arrears = arrears.filter(customer_id=filters["customer"])
    if filters.get("period"):
        arrears = arrears.filter(period=filters["period"].replace(day=1))
    term = (filters.get("q") or "").strip()
    if term:
        arrears = arrears.filter(Q(customer__name__contains=term) | Q(customer__code=term))
    order = ("-settled_on", "-pk") if state == "paid" else ("-promise_broken", "due_date", "pk")
    return arrears.select_related("customer", "customer__account_manager").order_by(*order)


def arrear_history(arrear: Arrear) -> dict:
    """What was done about an arrear: steps (newest first), promises, payments."""
    return {
        "steps": list(CollectionStep.objects.filter(arrear=arrear).select_related("actor")),
        "promises": list(Promise.objects.filter(arrear=arrear).select_related("made_by")),
        "payments": list(Payment.objects.filter(arrear=arrear).order_by("-paid_on", "-pk")),
    }


def reminder_sent(arrear: Arrear) -> bool:
    """Whether the soft reminder (柔性催费) has gone out: calls and visits come after it."""
    return CollectionStep.objects.filter(arrear=arrear, kind=StepKind.REMINDER).exists()


def open_balance(user, customer_id: int) -> Decimal:
    total = (
        arrears_visible_to(user)
        .filter(customer_id=customer_id, status=ArrearStatus.OPEN)
        .aggregate(amount=Sum("amount"), paid=Sum("paid"))
    )
    return (total["amount"] or Decimal(0)) - (total["paid"] or Decimal(0))


# --- collection rate -------------------------------------------------------------------------------


@dataclass
class RateRow:
    key: int | None
    name: str
    due: Decimal = Decimal(0)
    collected: Decimal = Decimal(0)
    target: Decimal | None = None
    arrears: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def rate(self) -> Decimal | None:
        """Collected ÷ due in per cent, two decimals; None when nothing was due."""
        if not self.due:
            return None
        return (self.collected * 100 / self.due).quantize(Decimal("0.01"))

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.collected

    @property
    def meets_target(self) -> bool | None:
        if self.target is None or self.rate is None:
            return None
        return self.rate >= self.target


def _due_and_collected(arrears: QuerySet[Arrear], start: date, end: date, group: str):
    """{group key: (due, collected, count)} for the arrears due in [start, end], the payments
    against them received by `end`."""
    in_period = arrears.filter(due_date__range=(start, end))
    result: dict = {}
    for row in in_period.values(group).annotate(due=Sum("amount"), count=Count("pk")).order_by():
        result[row[group]] = [row["due"] or Decimal(0), Decimal(0), row["count"]]
    payments = Payment.objects.filter(arrear__in=in_period.values("pk"), paid_on__lte=end)
    for row in payments.values(f"arrear__{group}").annotate(collected=Sum("amount")).order_by():
        result.setdefault(row[f"arrear__{group}"], [Decimal(0), Decimal(0), 0])[1] = row["collected"] or Decimal(0)
    return result


def collection_rates(user, *, start: date, end: date, by: str = "manager") -> tuple[RateRow, list[RateRow]]:
    """The rate of the whole scope and one row per account manager (`by="manager"`) or per
    branch (`by="branch"`, the customer's serving unit's branch), each with its target for
    exactly this period if one was set. Only arrears the user may see are counted."""
    arrears = arrears_visible_to(user)
    targets = CollectionTarget.objects.filter(period_start=start, period_end=end)
    if by == "branch":
        groups = _due_and_collected(arrears, start, end, "customer__org_unit_id")
        branches = list(OrgUnit.objects.filter(kind=UnitKind.BRANCH).order_by("path"))
        paths = dict(OrgUnit.objects.filter(pk__in=[key for key in groups if key]).values_list("pk", "path"))
        unit_targets = dict(targets.filter(org_unit__isnull=False).values_list("org_unit_id", "target_percent"))
        rows = {
            branch.pk: RateRow(key=branch.pk, name=branch.name, target=unit_targets.get(branch.pk))
            for branch in branches
        }
        other = RateRow(key=None, name="")
        for unit_id, (due, collected, count) in groups.items():
            path = paths.get(unit_id, "")
            branch = next((b for b in branches if path.startswith(b.path)), None)
            row = rows[branch.pk] if branch else other
            row.due += due
            row.collected += collected
            row.arrears += count
        listed = [row for row in rows.values() if row.arrears] + ([other] if other.arrears else [])
    else:
        groups = _due_and_collected(arrears, start, end, "customer__account_manager_id")
        names = dict(User.objects.filter(pk__in=[key for key in groups if key]).values_list("pk", "full_name"))
        manager_targets = dict(targets.filter(manager__isnull=False).values_list("manager_id", "target_percent"))
        listed = [
            RateRow(
                key=key,
                name=names.get(key, ""),
                due=due,
                collected=collected,
                arrears=count,
                target=manager_targets.get(key),
            )
            for key, (due, collected, count) in groups.items()
        ]
        listed.sort(key=lambda row: (row.key is None, row.name))
    total = RateRow(key=None, name="")
    for row in listed:
        total.due += row.due
        total.collected += row.collected
        total.arrears += row.arrears
    return total, listed


def targets_visible_to(user) -> QuerySet[CollectionTarget]:
    """Targets of the managers and units the user sees: all for auditors and admins, a
    supervisor's subtree, a manager their own."""
    if not has_capability(user, "collection.view"):
        return CollectionTarget.objects.none()
    targets = CollectionTarget.objects.select_related("manager", "org_unit")
    if user.role in WHOLE_ORGANISATION_ROLES:
        return targets
    if user.role == Role.ACCOUNT_MANAGER:
        return targets.filter(manager=user)
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        path = user.org_unit.path
        return targets.filter(Q(manager__org_unit__path__startswith=path) | Q(org_unit__path__startswith=path))
    return CollectionTarget.objects.none()


def target_units(user) -> QuerySet[OrgUnit]:
    """Units the user may set a collection target for: any with org.manage (admins), else their
    own unit's subtree; none without a unit or without collection.targets."""
    if not has_capability(user, "collection.targets"):
        return OrgUnit.objects.none()
    if has_capability(user, "org.manage"):
        return OrgUnit.objects.all()
    return unit_subtree(user.org_unit) if user.org_unit_id else OrgUnit.objects.none()
