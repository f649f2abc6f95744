"""The request page shows its time limits, and a breach on its timeline."""

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


def test_request_page_shows_its_time_limits(policy, agent, own_customer, monkeypatch, client_for):
    from django.urls import reverse

    ticket = register(agent, own_customer, when=moment("2027-02-05", 10), monkeypatch=monkeypatch)
    monkeypatch.undo()
    body = client_for(agent).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'id="ticket-time-limits"' in body
    assert "2027-02-" in body


def test_the_request_page_shows_the_breach_on_its_timeline(policy, agent, own_customer, monkeypatch, client_for):
    from django.urls import reverse

    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    sla_sweep(now=moment("2026-03-03", 9, 1))
    page = client_for(agent).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert page.count("超出时限") == 1 and "首次响应" in page
