"""The API lists a breach on the request's events, stamped by the sweep rather than stored as a row."""

import pytest

from kefu.sla.tests.factories import moment, register
from kefu.sla.timers import sla_sweep

pytestmark = pytest.mark.usefixtures("workflows")


def test_the_api_lists_a_breach_on_the_request_s_events(policy, agent, own_customer, monkeypatch):
    from django.urls import reverse
    from rest_framework.test import APIClient

    ticket = register(agent, own_customer, when=moment("2026-03-02", 9), monkeypatch=monkeypatch)
    sla_sweep(now=moment("2026-03-03", 9, 1))  # no sweep ran at the warning time: no warning shown
    client = APIClient()
    client.force_authenticate(agent)
    events = client.get(reverse("api-request-events", args=[ticket.pk])).json()
    assert [(e["kind"], e["id"] is None) for e in events] == [("created", False), ("sla_breached", True)]
