"""Reads about the organisation tree and who belongs where."""

from django.db.models import QuerySet

from .choices import Role
from .models import OrgUnit, User


def unit_subtree(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(path__startswith=unit.path)


def account_managers_visible_to(user: User) -> QuerySet[User]:
    """Account managers a user may pick when assigning customers."""
    managers = User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True)
    if user.role == Role.ACCOUNT_MANAGER:
        return managers.filter(pk=user.pk)
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        return managers.filter(org_unit__path__startswith=user.org_unit.path)
    return managers.order_by("full_name")
