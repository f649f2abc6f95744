"""Fixtures shared by the request tests of every layer (services, selectors, views, API)."""

import pytest

from kefu.org.choices import Role
from kefu.org.tests.factories import UserFactory
from kefu.sla.choices import TimeUnit
from kefu.sla.models import SlaPolicy
from kefu.sla.services import default_calendar
from kefu.tickets.tests.factories import TicketFactory, install_workflows


@pytest.fixture(autouse=True)
def workflows(db):
    install_workflows()


@pytest.fixture
def nobody(org):
    """A staff account whose role grants nothing (e.g. a role being set up): no tickets.view."""
    return UserFactory(username="nobody", full_name="无权限", role="", org_unit=org["company"])


@pytest.fixture
def second_supervisor(org):
    return UserFactory(username="supervisor2", full_name="钱主管", role=Role.SUPERVISOR, org_unit=org["east"])


@pytest.fixture
def crew(org):
    """Two handlers in the east team."""
    return [
        UserFactory(username="h1", role=Role.HANDLER, org_unit=org["east_team"]),
        UserFactory(username="h2", role=Role.HANDLER, org_unit=org["east_team"]),
    ]


@pytest.fixture
def own_ticket(agent, own_customer):
    """A complaint of `manager`'s customer, registered by the agent: in manager's and supervisor's scope."""
    return TicketFactory(owner=agent, customer=own_customer)


@pytest.fixture
def ticket(agent, own_customer):
    """The same kind of request as own_ticket, under the name the routing tests use."""
    return TicketFactory(owner=agent, customer=own_customer)


@pytest.fixture
def foreign_ticket(other_manager, foreign_customer):
    """A complaint of the west branch: outside `manager`'s and `supervisor`'s scope."""
    return TicketFactory(owner=other_manager, customer=foreign_customer)


@pytest.fixture
def policy(db):
    """Complaints: first response in 24 hours, resolution in 3 working days (two clocks)."""
    return SlaPolicy.objects.create(
        name="投诉", ticket_type="complaint", calendar=default_calendar(),
        first_response=24, first_response_unit=TimeUnit.CALENDAR_HOURS,
        resolution=3, resolution_unit=TimeUnit.WORKING_DAYS,
    )  # fmt: skip
