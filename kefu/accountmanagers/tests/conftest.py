import pytest

from kefu.customers.models import Tier
from kefu.customers.tests.factories import CustomerFactory
from kefu.org.choices import ManagerLevel

from .factories import make_manager


@pytest.fixture
def tiers(db):
    """The tiers of data migration 0005 with the manager level each needs (a transactional
    test, such as a browser test, empties the database after it, data migrations included)."""
    for code, rank, level in (("三星", 1, "chief"), ("二星", 2, "secondary"), ("一星", 3, "regular")):
        Tier.objects.update_or_create(
            code=code,
            defaults={"label": code, "rank": rank, "green_channel": rank == 1, "required_manager_level": level},
        )


@pytest.fixture
def team(org, tiers):
    """Three managers of the east team serving grid 东1 (and a chief also 东2), each with a profile."""
    unit = org["east_team"]
    return {
        "chief": make_manager(unit, "钱首席", level=ManagerLevel.CHIEF, grids=["东1", "东2"]),
        "a": make_manager(unit, "孙普通", grids=["东1"]),
        "b": make_manager(unit, "周普通", grids=["东1"]),
    }


@pytest.fixture
def book(team, org):
    """Six 一星 customers of grid 东1, all with manager a (unbalanced), one 三星 with b (needs a chief)."""
    unit = org["east_team"]
    customers = [CustomerFactory(grid="东1", tier="一星", account_manager=team["a"], org_unit=unit) for _ in range(6)]
    top = CustomerFactory(grid="东1", tier="三星", account_manager=team["b"], org_unit=unit)
    return {"ordinary": customers, "top": top}
