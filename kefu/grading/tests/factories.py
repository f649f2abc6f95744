"""Test factories and helpers of grading."""

from datetime import date
from decimal import Decimal

from kefu.customers.models import CustomerVolume
from kefu.customers.tests.factories import CustomerFactory

# The reference date of the hand-worked examples: the period is Dec 2025 – Nov 2026.
AS_OF = date(2026, 12, 5)


def volumes(customer, months: dict[str, tuple]) -> None:
    """Monthly volume and revenue: {"2026-03": (volume, revenue), …}."""
    CustomerVolume.objects.bulk_create(
        CustomerVolume(
            customer=customer,
            period=date(int(key[:4]), int(key[5:]), 1),
            volume=Decimal(str(volume)),
            revenue=Decimal(str(revenue)),
        )
        for key, (volume, revenue) in months.items()
    )


def graded_customer(**fields):
    """A customer in the east team, with the given grading data."""
    return CustomerFactory(**fields)


def weighted_rules(criteria: list[dict], tier_bands=None) -> dict:
    return {
        "name": "测试方案",
        "method": "weighted",
        "period_months": 12,
        "criteria": criteria,
        "tier_bands": tier_bands
        or [{"tier": "三星", "min_score": 80}, {"tier": "二星", "min_score": 55}, {"tier": "一星", "min_score": 0}],
    }
