"""Test factories of fee collection."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from kefu.customers.tests.factories import CustomerFactory


class ArrearFactory(DjangoModelFactory):
    class Meta:
        model = "collection.Arrear"

    customer = factory.SubFactory(CustomerFactory)
    period = date(2026, 3, 1)
    amount = Decimal("100.00")
    due_date = date(2026, 4, 15)
