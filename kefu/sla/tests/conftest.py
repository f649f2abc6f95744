"""Fixtures shared by the time-limit tests of every layer (services, selectors, views, API)."""

import pytest

from kefu.sla.choices import TimeUnit
from kefu.sla.models import SlaPolicy
from kefu.sla.services import default_calendar
from kefu.tickets.tests.factories import install_workflows


@pytest.fixture
def calendar(db):
    """The standard calendar: 08:30–17:30 with lunch 12:00–13:30, Asia/Shanghai."""
    return default_calendar()


@pytest.fixture
def workflows(db):
    install_workflows()


@pytest.fixture
def policy(db):
    """Complaints: first response 24 h, resolution 3 working days; escalate every 24 h."""
    return SlaPolicy.objects.create(
        name="投诉",
        ticket_type="complaint",
        calendar=default_calendar(),
        first_response=24,
        first_response_unit=TimeUnit.CALENDAR_HOURS,
        resolution=3,
        resolution_unit=TimeUnit.WORKING_DAYS,
    )


@pytest.fixture
def one_day_policy(db):
    """Complaints: resolved within 1 working day, on the shared standard calendar."""
    return SlaPolicy.objects.create(
        name="投诉", ticket_type="complaint", calendar=default_calendar(),
        resolution=1, resolution_unit=TimeUnit.WORKING_DAYS,
    )  # fmt: skip
