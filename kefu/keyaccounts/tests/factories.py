"""Test factories of the key accounts."""

import factory
from factory.django import DjangoModelFactory

from kefu.keyaccounts.choices import TeamRole
from kefu.keyaccounts.models import KeyAccount, TeamMember


class KeyAccountFactory(DjangoModelFactory):
    class Meta:
        model = KeyAccount

    customer = factory.SubFactory("kefu.customers.tests.factories.CustomerFactory", kind="organisation")
    created_by = factory.SubFactory("kefu.org.tests.factories.UserFactory")


class TeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = TeamMember

    account = factory.SubFactory(KeyAccountFactory)
    user = factory.SubFactory("kefu.org.tests.factories.UserFactory")
    role = TeamRole.DEPUTY
