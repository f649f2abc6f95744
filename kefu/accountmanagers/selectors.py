"""Reads of account managers, assignment plans and handovers: data scope is decided here.

- admins and auditors: every account manager, plan and handover;
- supervisors: the account managers of their subtree, the plans made by someone in it, and the
  handovers from or to someone in it;
- account managers: their own profile and the handovers they received or gave;
- anyone else: nothing.
"""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from kefu.core.errors import PermissionDeniedError
from kefu.customers.choices import CustomerStatus
from kefu.customers.models import Customer
from kefu.customers.selectors import customers_visible_to
from kefu.customers.tiers import all_tiers
from kefu.org.choices import SUPERVISING_ROLES, WHOLE_ORGANISATION_ROLES, ManagerLevel, Role
from kefu.org.models import User
from kefu.org.permissions import has_capability

from .assignment import ANY, Manager, level_rank
from .models import AssignmentMove, AssignmentPlan, Handover, ManagerProfile


def _whole(user) -> bool:
    return user.role in WHOLE_ORGANISATION_ROLES


def _subtree(user) -> str | None:
    """The org path a supervisor answers for (None: not a supervisor with a unit)."""
    if user.role in SUPERVISING_ROLES and user.org_unit_id:
        return user.org_unit.path
    return None


def managers_visible_to(user, *, include_inactive: bool = False) -> QuerySet[User]:
    """Account managers whose profile (and, for a supervisor, whose customers' assignment) the
    user may see: everyone's for admins and auditors, a supervisor's subtree, one's own."""
    if not has_capability(user, "managers.view"):
        return User.objects.none()
    managers = User.objects.filter(role=Role.ACCOUNT_MANAGER)
    if not include_inactive:
        managers = managers.filter(is_active=True)
    if _whole(user):
        return managers
    path = _subtree(user)
    if path is not None:
        return managers.filter(org_unit__path__startswith=path)
    if user.role == Role.ACCOUNT_MANAGER:
        return managers.filter(pk=user.pk)
    return User.objects.none()


def manager_rows(user) -> QuerySet[User]:
    """The profiles page: managers in scope with their profile and number of customers."""
    return (
        managers_visible_to(user)
        .select_related("org_unit", "manager_profile")
        .annotate(customer_count=Count("customers", filter=~Q(customers__status=CustomerStatus.CLOSED)))
        .order_by("org_unit__path", "full_name", "id")
    )


def get_manager_for_user(user, manager_id: int, *, capability: str = "managers.view", include_inactive=False) -> User:
    """One account manager in the user's scope (404 outside it, 403 without the capability)."""
    if not has_capability(user, capability):
        raise PermissionDeniedError()
    return get_object_or_404(
        managers_visible_to(user, include_inactive=include_inactive).select_related("org_unit"), pk=manager_id
    )


def profile_of(user: User) -> ManagerProfile | None:
    return ManagerProfile.objects.filter(user=user).first()


def manager_level(manager: User) -> str:
    """The manager's level: their profile's, regular without a profile."""
    profile = profile_of(manager)
    return profile.level if profile else ManagerLevel.REGULAR


def plans_visible_to(user) -> QuerySet[AssignmentPlan]:
    if not has_capability(user, "managers.manage") and not (has_capability(user, "managers.view") and _whole(user)):
        return AssignmentPlan.objects.none()
    plans = AssignmentPlan.objects.select_related("created_by", "leaving", "successor")
    if _whole(user):
        return plans
    path = _subtree(user)
    if path is not None:
        return plans.filter(created_by__org_unit__path__startswith=path)
    return plans.filter(created_by=user)


def get_plan_for_user(user, plan_id: int, *, capability: str = "managers.view") -> AssignmentPlan:
    if not has_capability(user, capability):
        raise PermissionDeniedError()
    return get_object_or_404(plans_visible_to(user), pk=plan_id)


def plan_moves(plan: AssignmentPlan) -> QuerySet[AssignmentMove]:
    return plan.moves.select_related("customer", "from_manager", "to_manager").order_by("id")


def handovers_visible_to(user) -> QuerySet[Handover]:
    if not has_capability(user, "managers.view"):
        return Handover.objects.none()
    handovers = Handover.objects.select_related("from_user", "to_user", "created_by")
    if _whole(user):
        return handovers
    path = _subtree(user)
    if path is not None:
        return handovers.filter(
            Q(to_user__org_unit__path__startswith=path) | Q(from_user__org_unit__path__startswith=path)
        )
    return handovers.filter(Q(to_user=user) | Q(from_user=user))


def get_handover_for_user(user, handover_id: int) -> Handover:
    if not has_capability(user, "managers.view"):
        raise PermissionDeniedError()
    return get_object_or_404(handovers_visible_to(user), pk=handover_id)


def unacknowledged_handovers(user) -> QuerySet[Handover]:
    return Handover.objects.filter(to_user=user, acknowledged_at__isnull=True)


# ── What the assignment reads ───────────────────────────────────────────────────────────────


def tier_ranks() -> dict[str, int]:
    """The manager level rank each tier code requires (`Tier.required_manager_level`), from the
    tiers the configuration cache keeps (kefu.customers.tiers)."""
    return {tier.code: level_rank(tier.required_manager_level) for tier in all_tiers()}


def _as_set(values) -> frozenset | None:
    cleaned = frozenset(str(value) for value in (values or []) if str(value))
    return cleaned or ANY


def assignment_pool(actor, *, exclude: set[int] = frozenset(), only: list[int] | None = None, anywhere=False):
    """The managers who may take customers in the actor's scope: active, with a profile that
    accepts new customers (`only`: just these, accepting or not; `anywhere`: grids and regions
    left out, for successors named by hand)."""
    profiles = ManagerProfile.objects.filter(user__in=managers_visible_to(actor)).exclude(user_id__in=list(exclude))
    profiles = profiles.filter(user_id__in=only) if only is not None else profiles.filter(accepting=True)
    pool = [
        Manager(
            id=user_id,
            rank=level_rank(level),
            capacity=capacity,
            grids=ANY if anywhere else _as_set(grids),
            regions=ANY if anywhere else _as_set(regions),
            unit_id=unit_id,
        )
        for user_id, level, capacity, grids, regions, unit_id in profiles.values_list(
            "user_id", "level", "capacity", "grids", "regions", "user__org_unit_id"
        )
    ]
    if only is not None:  # named successors without a profile: regular level, anywhere
        have = {manager.id for manager in pool}
        for user_id, unit_id in (
            managers_visible_to(actor).filter(pk__in=only).exclude(pk__in=have).values_list("pk", "org_unit_id")
        ):
            pool.append(Manager(id=user_id, rank=1, unit_id=unit_id))
    return pool


def unavailable_managers() -> set[int]:
    """Users who may no longer hold customers: inactive, or no longer account managers."""
    return set(User.objects.filter(Q(is_active=False) | ~Q(role=Role.ACCOUNT_MANAGER)).values_list("pk", flat=True))


def assignment_customers(actor, *, manager_id: int | None = None, include_closed: bool = False):
    """(id, grid, region, tier, manager id) of the customers in the actor's scope, by id: those
    the automatic assignment looks at (closed accounts keep whoever they had), or one manager's."""
    customers = customers_visible_to(actor)
    if manager_id is not None:
        customers = customers.filter(account_manager_id=manager_id)
    if not include_closed:
        customers = customers.exclude(status=CustomerStatus.CLOSED)
    return (
        customers.order_by("pk")
        .values_list("pk", "grid", "region", "tier", "account_manager_id")
        .iterator(chunk_size=20000)
    )


def customers_of(manager: User) -> QuerySet[Customer]:
    return Customer.objects.filter(account_manager=manager)


def manager_fit_error(manager: User, tier_code: str) -> str | None:
    """Why `manager` may not serve a customer of this tier (their level, a regular one without a
    profile, is below the tier's required level), or None. The customers services ask it
    (customers.hooks) when a customer's manager or tier changes, as assignment does."""
    tier = next((t for t in all_tiers() if t.code == tier_code), None)
    if tier is None:
        return None
    level = manager_level(manager)
    if level_rank(level) >= level_rank(tier.required_manager_level):
        return None
    return _("Customers of tier %(tier)s need a %(required)s or above; %(manager)s is a %(level)s.") % {
        "tier": tier.label,
        "required": ManagerLevel(tier.required_manager_level).label,
        "manager": str(manager),
        "level": ManagerLevel(level).label,
    }
