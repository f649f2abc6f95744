"""The request page shows its time limits, and a breach on its timeline."""

import pytest

from kefu.sla.tests.factories import moment, register
from kefu.sla.timers import sla_sweep

pytestmark = pytest.mark.usefixtures("workflows")


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
