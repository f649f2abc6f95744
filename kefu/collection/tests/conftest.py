import pytest

from kefu.customers.tests.factories import CustomerFactory


@pytest.fixture
def book(manager, other_manager, org):
    """Customers with numbers: two of `manager`'s (east team), one of `other_manager`'s (west)."""
    return {
        "hotel": CustomerFactory(name="星级酒店", code="C001", account_manager=manager, org_unit=org["east_team"]),
        "mill": CustomerFactory(name="纺织厂", code="C002", account_manager=manager, org_unit=org["east_team"]),
        "school": CustomerFactory(
            name="实验小学", code="C003", account_manager=other_manager, org_unit=org["west_team"]
        ),
    }
