"""Reads about the organisation tree and who belongs where."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from kefu.core import config_cache

from .choices import SUPERVISING_ROLES, Role
from .models import OrgUnit, User


def unit_subtree(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(path__startswith=unit.path)


def unit_ids_under(path: str) -> list[int]:
    """The ids of the unit at `path` and every unit below it, from the configuration cache.

    As a literal list a data scope can be answered from the requests' own indexes (department
    IN (…)); matched as department.path LIKE '…%' it needs a join, which PostgreSQL cannot
    combine with the other parts of a scope (bench/README.md, scoped users)."""
    return [unit_id for unit_id, unit_path in _unit_paths().items() if unit_path.startswith(path)]


def _unit_paths() -> dict[int, str]:
    return config_cache.cached("org.unit_paths", lambda: dict(OrgUnit.objects.values_list("id", "path")))


def unit_path(unit_id: int | None) -> str | None:
    """A unit's materialised path (its ancestors' paths are its prefixes), from the cache."""
    if unit_id is None:
        return None
    path = _unit_paths().get(unit_id)
    if path is None:  # a unit added since the cache was loaded (by another process)
        path = OrgUnit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    return path


def units_of(user_ids: Iterable[int]) -> dict[int, int | None]:
    """Each user's unit id, in one query."""
    return dict(User.objects.filter(pk__in=list(user_ids)).values_list("pk", "org_unit_id"))


def supervisors_above(unit_id: int | None) -> list[list[User]]:
    """The active supervisors of a unit and of each unit above it, nearest first, leaving out
    units without one: [the unit's (or the nearest) supervisors, the next ones up, …]."""
    if unit_id is None:
        return []
    unit = OrgUnit.objects.get(pk=unit_id)
    chain = [unit, *reversed(list(OrgUnit.objects.get_ancestors(unit)))]
    supervisors = defaultdict(list)
    for user in User.objects.filter(role__in=SUPERVISING_ROLES, is_active=True, org_unit__in=chain):
        supervisors[user.org_unit_id].append(user)
    return [supervisors[candidate.pk] for candidate in chain if supervisors[candidate.pk]]


def account_managers_visible_to(user: User) -> QuerySet[User]:
    """Account managers a user may pick when assigning customers."""
    managers = User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True)
    if user.role == Role.ACCOUNT_MANAGER:
        return managers.filter(pk=user.pk)
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        return managers.filter(org_unit__path__startswith=user.org_unit.path)
    return managers.order_by("full_name")
