"""Reads about the organisation tree and who belongs where."""

from django.db.models import QuerySet

from kefu.core import config_cache

from .choices import Role
from .models import OrgUnit, User


def unit_subtree(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(path__startswith=unit.path)


def unit_ids_under(path: str) -> list[int]:
    """The ids of the unit at `path` and every unit below it, from the configuration cache.

    As a literal list a data scope can be answered from the requests' own indexes (department
    IN (…)); matched as department.path LIKE '…%' it needs a join, which PostgreSQL cannot
    combine with the other parts of a scope (bench/README.md, scoped users)."""
    units = config_cache.cached("org.unit_paths", lambda: list(OrgUnit.objects.values_list("id", "path")))
    return [unit_id for unit_id, unit_path in units if unit_path.startswith(path)]


def account_managers_visible_to(user: User) -> QuerySet[User]:
    """Account managers a user may pick when assigning customers."""
    managers = User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True)
    if user.role == Role.ACCOUNT_MANAGER:
        return managers.filter(pk=user.pk)
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        return managers.filter(org_unit__path__startswith=user.org_unit.path)
    return managers.order_by("full_name")
