"""Factories shared by every app's tests."""

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


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = "customers.Customer"

    name = factory.Sequence(lambda n: f"客户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    has_valid_phone = True
    address = "北京市海淀区中关村大街1号"


class KeyPersonFactory(DjangoModelFactory):
    class Meta:
        model = "customers.KeyPerson"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "总经理"
    mobile = factory.Sequence(lambda n: f"137{n:08d}")


def install_workflows():
    from kefu.tickets.services.setup import workflows_install_defaults

    workflows_install_defaults()


class TicketFactory(DjangoModelFactory):
    """A request in the initial state of its type's workflow (install_workflows() first)."""

    class Meta:
        model = "tickets.Ticket"

    ticket_type = "complaint"
    channel = "phone"
    title = factory.Sequence(lambda n: f"投诉{n}: 频繁停电")
    description = "近一周停电三次，影响生产。"
    caller_name = ""
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")

    @factory.lazy_attribute
    def search_grams(self):
        from kefu.core.search import search_keys

        return search_keys(self.title, self.description, self.caller_name)  # as ticket_create stores them

    @factory.lazy_attribute
    def state(self):
        from kefu.tickets.models import WorkflowState

        return WorkflowState.objects.get(workflow__ticket_type=self.ticket_type, is_initial=True)
