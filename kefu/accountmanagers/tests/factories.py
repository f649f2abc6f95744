"""Test factories of the account-manager system: managers with profiles."""

import factory
from factory.django import DjangoModelFactory

from kefu.accountmanagers.models import ManagerProfile
from kefu.org.choices import ManagerLevel, Role
from kefu.org.tests.factories import UserFactory


class ManagerProfileFactory(DjangoModelFactory):
    class Meta:
        model = ManagerProfile

    user = factory.SubFactory(UserFactory, role=Role.ACCOUNT_MANAGER)
    level = ManagerLevel.REGULAR
    capacity = 0
    grids = factory.LazyFunction(list)
    regions = factory.LazyFunction(list)
    industries = factory.LazyFunction(list)
    accepting = True


def make_manager(unit, name: str, *, level=ManagerLevel.REGULAR, grids=(), capacity=0, accepting=True):
    """An account manager in `unit` with a profile."""
    user = UserFactory(username=f"am_{name}", full_name=name, role=Role.ACCOUNT_MANAGER, org_unit=unit)
    ManagerProfileFactory(user=user, level=level, grids=list(grids), capacity=capacity, accepting=accepting)
    return user
