"""Test factories of the organisation: units and staff."""

import factory
from factory.django import DjangoModelFactory

from kefu.org.choices import Role, UnitKind
from kefu.org.models import OrgUnit, User

TEST_PASSWORD = "Kefu-test-pass-2026"


def make_unit(name: str, kind: str = UnitKind.TEAM, parent: OrgUnit | None = None, code: str | None = None) -> OrgUnit:
    """Add a node to the organisation tree (treebeard needs add_root/add_child, not create)."""
    code = code or f"U{OrgUnit.objects.count() + 1:04d}"
    fields = {"name": name, "kind": kind, "code": code}
    if parent is None:
        return OrgUnit.objects.add_root(fields)
    return OrgUnit.objects.add_child(parent, fields)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.AGENT
    password = factory.django.Password(TEST_PASSWORD)
