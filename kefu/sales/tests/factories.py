"""Test factories of the sales app."""

from datetime import date

import factory
from factory.django import DjangoModelFactory


class CompetitorRecordFactory(DjangoModelFactory):
    class Meta:
        model = "sales.CompetitorRecord"

    competitor = "某竞争对手物流"
    offer = "运费九折"
    products = "北京—上海干线"
    noted_on = factory.LazyFunction(date.today)
