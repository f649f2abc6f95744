"""Test factories of the customer archive."""

import factory
from factory.django import DjangoModelFactory


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
