from datetime import datetime, time

import pytest
from django.utils import timezone

from kefu.customers.tests.factories import CustomerFactory


def at(day, hour=10):
    """A moment on `day` in the installation's time zone."""
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def key_account(manager, org):
    """A top-tier (三星) customer of `manager`: called every day by the default plan."""
    return CustomerFactory(name="大华集团", tier="三星", account_manager=manager, org_unit=org["east_team"])
