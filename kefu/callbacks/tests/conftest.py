"""Fixtures of the callback tests: workflows and the default callback rules installed, a
complaint walked to its callback state, moments on the standard calendar."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kefu.callbacks.presets import callback_rules_install_defaults
from kefu.tickets.tests.factories import TicketFactory, install_workflows, walk_to_callback

SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def rules(db):
    install_workflows()
    callback_rules_install_defaults()


@pytest.fixture
def at(monkeypatch):
    """at("2026-03-06", 20, 30) sets the clock for the services (and the tickets app's)."""

    def set_clock(day: str, hour: int, minute: int = 0) -> datetime:
        value = moment(day, hour, minute)
        monkeypatch.setattr(timezone, "now", lambda: value)
        return value

    return set_clock


@pytest.fixture
def complaint_at_callback(agent, supervisor, own_customer):
    """A complaint of the manager's customer, confirmed by the customer: its callback is planned."""
    ticket = TicketFactory(owner=agent, customer=own_customer)
    walk_to_callback(ticket, agent, supervisor)
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def second_agent(org):
    from kefu.org.choices import Role
    from kefu.org.tests.factories import UserFactory

    return UserFactory(username="agent2", full_name="钱坐席", role=Role.AGENT, org_unit=org["company"])
