"""What the request record keeps (issue 15.13), checked where the rule lives: a reply to the customer
is the first response (service and API), root-cause classes come from the active list (page and
API), and the report counts a class once however it was given."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kefu.reports.selectors import Period, complaint_statistics
from kefu.sla.choices import Metric
from kefu.sla.models import SlaClock
from kefu.tickets import services
from kefu.tickets.models import RootCause, Ticket
from kefu.tickets.tests.factories import step, walk_to_callback

COMPLAINT = {"ticket_type": "complaint", "channel": "phone", "title": "计划停电未提前通知", "description": "停电8小时"}


@pytest.fixture
def complaint(agent, own_customer):
    ticket, _created = services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer)
    return ticket


@pytest.mark.parametrize("path", ["service", "api"])
def test_a_reply_to_the_customer_stops_the_first_response_clock(client_for, policy, agent, complaint, path):
    clock = SlaClock.objects.get(ticket=complaint, metric=Metric.FIRST_RESPONSE)
    services.ticket_comment(actor=agent, ticket=complaint, body="内部：先核实", internal=True)
    assert SlaClock.objects.get(pk=clock.pk).stopped_at is None  # an internal note is not an answer
    if path == "service":
        services.ticket_comment(actor=agent, ticket=complaint, body="您好，已受理，正在核实。", internal=False)
    else:
        response = client_for(agent).post(
            f"/api/v1/requests/{complaint.pk}/comments/",
            {"body": "您好，已受理，正在核实。", "internal": False},
            content_type="application/json",
        )
        assert response.status_code == 201
    assert SlaClock.objects.get(pk=clock.pk).stopped_at is not None
    assert SlaClock.objects.get(ticket=complaint, metric=Metric.RESOLUTION).stopped_at is None


@pytest.mark.parametrize("typed", ["停电类", "电网建设"])
def test_a_root_cause_class_not_on_the_active_list_is_refused_on_page_and_api(
    client_for, agent, supervisor, complaint, typed
):
    RootCause.objects.filter(name="电网建设").update(is_active=False)
    walk_to_callback(complaint, agent, supervisor)
    with pytest.raises(ValidationError) as error:
        step(complaint, agent, "archive", root_cause="线路老化", cause_class=typed)
    assert error.value.message_dict["cause_class"] == ["请从列表中选择原因分类。"]
    response = client_for(agent).post(
        f"/api/v1/requests/{complaint.pk}/transition/",
        {"code": "archive", "fields": {"root_cause": "线路老化", "cause_class": typed}},
        content_type="application/json",
    )
    assert response.status_code == 400 and "cause_class" in response.json()
    page = client_for(agent).post(
        reverse("tickets:transition", args=[complaint.pk, "archive"]),
        {"root_cause": "线路老化", "cause_class": typed, "version": Ticket.objects.get(pk=complaint.pk).version},
    )
    assert Ticket.objects.get(pk=complaint.pk).cause_class_id is None and page.status_code in (200, 400)


def test_the_complaint_report_counts_one_row_per_class_however_it_was_given(agent, supervisor, own_customer):
    power = RootCause.objects.get(name="停送电")
    for given in ["停送电", str(power.pk), power]:
        ticket, _ = services.ticket_create(actor=agent, data=COMPLAINT, customer=own_customer)
        walk_to_callback(ticket, agent, supervisor)
        step(ticket, agent, "archive", root_cause="通知短信未发送", cause_class=given)
    today = timezone.localdate()
    stats = complaint_statistics(supervisor, Period(since=today - timedelta(days=1), until=today))
    assert [(row["label"], row["total"]) for row in stats["by_cause"]] == [("停送电", 3)]
