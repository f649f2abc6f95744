"""Whether a deadline may still move (its year has no official schedule yet): the API says so,
documents it in its schema, and agrees with the request page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kefu.sla.tests.factories import register
from kefu.tickets.tests.factories import install_workflows

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def setup(db, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    install_workflows()


def test_the_api_says_whether_a_deadline_is_provisional(one_day_policy, agent, own_customer, monkeypatch):
    # 2027's official schedule is not known yet: the deadline is computed by the statutory rule.
    provisional = register(agent, own_customer, when=datetime(2027, 3, 1, 10, tzinfo=SHANGHAI), monkeypatch=monkeypatch)
    final = register(agent, own_customer, when=datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), monkeypatch=monkeypatch)
    client = APIClient()
    client.force_authenticate(agent)
    answers = {t: client.get(reverse("api-request-detail", args=[t.pk])).json() for t in (provisional, final)}
    assert answers[provisional]["due_at_provisional"] is True
    assert answers[final]["due_at_provisional"] is False
    limits = {limit["metric"]: limit for limit in answers[provisional]["time_limits"]}
    assert limits["resolution"]["provisional"] is True
    assert limits["resolution"]["due_at"] == "2027-03-02T17:30:00+08:00"


def test_the_schema_documents_the_provisional_flags(agent):
    client = APIClient()
    client.force_authenticate(agent)
    schemas = client.get(reverse("api-schema"), {"format": "json"}).json()["components"]["schemas"]
    detail = schemas["TicketDetail"]["properties"]
    assert detail["due_at_provisional"]["type"] == "boolean"
    assert "official" in detail["due_at_provisional"]["description"]
    limit = schemas["TimeLimit"]["properties"]
    assert limit["provisional"]["type"] == "boolean" and limit["provisional"]["description"]
    assert detail["time_limits"]["type"] == "array"


def test_the_request_page_and_the_api_agree_on_a_provisional_deadline(
    one_day_policy, agent, own_customer, monkeypatch, client_for
):
    ticket = register(agent, own_customer, when=datetime(2027, 3, 1, 10, tzinfo=SHANGHAI), monkeypatch=monkeypatch)
    page = client_for(agent).get(reverse("tickets:detail", args=[ticket.pk]))
    shown = {clock.metric: clock for clock in page.context["clocks"]}
    assert shown["resolution"].provisional
    assert shown["resolution"].due_at == datetime(2027, 3, 2, 17, 30, tzinfo=SHANGHAI)
    assert "text-bg-info" in page.content.decode()  # the "provisional" badge
    client = APIClient()
    client.force_authenticate(agent)
    answer = client.get(reverse("api-request-detail", args=[ticket.pk])).json()
    assert answer["due_at_provisional"] is True
    assert [limit["provisional"] for limit in answer["time_limits"]] == [True]
