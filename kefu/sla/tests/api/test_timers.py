"""The API lists a breach on the request's events, stamped by the sweep rather than stored as a row."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from kefu.sla.choices import TimeUnit
from kefu.sla.models import SlaPolicy
from kefu.sla.services import default_calendar
from kefu.sla.timers import sla_sweep
from kefu.tickets import services
from kefu.tickets.tests.factories import install_workflows

TZ = timezone.get_current_timezone()


def moment(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=TZ)


@pytest.fixture(autouse=True)
def setup(db):
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


def register(agent, customer, *, when: datetime, monkeypatch, **extra):
    monkeypatch.setattr(timezone, "now", lambda: when)
    data = {"ticket_type": "complaint", "channel": "phone", "title": "频繁停电", "description": "一周停电三次", **extra}
    ticket, _ = services.ticket_create(actor=agent, data=data, customer=customer)
    return ticket


def test_the_api_lists_a_breach_on_the_request_s_events(policy, agent, own_customer, monkeypatch):
    from django.urls import reverse
    from rest_framework.test import APIClient

    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    sla_sweep(now=moment("2026-03-03", 9, 1))  # no sweep ran at the warning time: no warning shown
    client = APIClient()
    client.force_authenticate(agent)
    events = client.get(reverse("api-request-events", args=[ticket.pk])).json()
    assert [(e["kind"], e["id"] is None) for e in events] == [("created", False), ("sla_breached", True)]
