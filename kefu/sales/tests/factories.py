"""Test factories of the sales app."""

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory


class CompetitorRecordFactory(DjangoModelFactory):
    class Meta:
        model = "sales.CompetitorRecord"

    competitor = "某竞争对手物流"
    offer = "运费九折"
    products = "北京—上海干线"
    noted_on = factory.LazyFunction(timezone.localdate)


class ProspectFactory(DjangoModelFactory):
    class Meta:
        model = "sales.Prospect"

    name = factory.Sequence(lambda n: f"潜在客户{n}")
    source = "referral"
    stage = "lead"
    owner = factory.SelfAttribute("created_by")


class NamedGroupCustomerFactory(DjangoModelFactory):
    class Meta:
        model = "sales.NamedGroupCustomer"

    year = 2026
