"""A request's answer and a comment's are written by plain functions (`ticket_answer`,
`event_answer`), while the API documentation describes them with `TicketDetailSerializer` and
`EventSerializer`: each pair must agree field for field."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from kefu.conftest import api
from kefu.org.models import OrgUnit
from kefu.sla.models import SlaClock
from kefu.tickets import selectors
from kefu.tickets.api.serializers import EventSerializer, TicketDetailSerializer, event_answer, ticket_answer
from kefu.tickets.choices import EventKind
from kefu.tickets.models import Category, RootCause, Ticket, TicketEvent


def documented(ticket: Ticket, user) -> dict:
    """The request as the serializer of the schema writes it, through the same JSON renderer."""
    transitions = selectors.available_transitions(user, ticket)
    data = TicketDetailSerializer(ticket, context={"transitions": transitions}).data
    return json.loads(JSONRenderer().render(data))


def create(user, customer) -> dict:
    body = {"ticket_type": "complaint", "channel": "phone", "title": "频繁停电", "description": "一周停电三次",
            "customer": customer.pk, "caller_phone": "13800138000", "priority": "high"}  # fmt: skip
    response = api(user).post("/api/v1/requests/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_created_request_is_answered_as_the_schema_serializer_writes_it(policy, agent, own_customer):
    answer = create(agent, own_customer)
    ticket = Ticket.objects.select_related("state", "customer").get(pk=answer["id"])
    assert len(answer["time_limits"]) == 2 and answer["transitions"]  # the nested lists are compared too
    assert list(answer) == list(documented(ticket, agent))
    assert answer == documented(ticket, agent)


def test_a_request_with_every_field_set_is_answered_as_the_schema_serializer_writes_it(
    policy, agent, own_customer, org
):
    created = create(agent, own_customer)
    later = timezone.now() + timedelta(hours=3)
    category = Category.objects.add_root({"name": "电费", "code": "fee"})
    Ticket.objects.filter(pk=created["id"]).update(
        category=category, department=OrgUnit.objects.first(), assignee=agent,
        is_valid=False, invalid_reason="重复", resolution_plan="更换线路", resolution="已更换", root_cause="老化",
        cause_class=RootCause.objects.create(name="设备老化"), supervised=True, reopen_count=2, closed_at=later,
        remedy_requested="赔偿", caller_name="王先生",
    )  # fmt: skip
    SlaClock.objects.filter(ticket_id=created["id"]).update(paused_at=later, stopped_at=later, breached_at=later)
    ticket = Ticket.objects.select_related("state", "customer").get(pk=created["id"])
    answer = api(agent).get(f"/api/v1/requests/{ticket.pk}/").json()
    assert answer["closed_at"] and answer["cause_class"] and answer["time_limits"][0]["breached_at"]
    assert answer == documented(ticket, agent)
    transitions = selectors.available_transitions(agent, ticket)
    assert (
        ticket_answer(ticket, transitions) == TicketDetailSerializer(ticket, context={"transitions": transitions}).data
    )


def test_a_request_without_customer_or_clocks_is_answered_as_the_schema_serializer_writes_it(agent):
    body = {"ticket_type": "inquiry", "channel": "portal", "title": "咨询电价", "description": "峰谷电价怎么算",
            "caller_name": "李女士"}  # fmt: skip
    response = api(agent).post("/api/v1/requests/", body, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.select_related("state", "customer").get(pk=response.json()["id"])
    assert response.json()["customer_name"] == "" and response.json()["time_limits"] == []
    assert response.json() == documented(ticket, agent)


@pytest.mark.parametrize("internal", [False, True])
def test_a_comment_is_answered_as_the_schema_serializer_writes_it(internal, agent, own_customer):
    created = create(agent, own_customer)
    response = api(agent).post(
        f"/api/v1/requests/{created['id']}/comments/", {"body": "已联系客户", "internal": internal}, format="json"
    )
    assert response.status_code == 201, response.content
    event = TicketEvent.objects.get(pk=response.json()["id"])
    assert response.json() == json.loads(JSONRenderer().render(EventSerializer(event).data))


def test_an_event_with_states_is_written_as_the_schema_serializer_writes_it(agent, own_customer):
    """The registration: from no state to the first one (the comment above has neither)."""
    created = create(agent, own_customer)
    event = TicketEvent.objects.get(ticket_id=created["id"], kind=EventKind.CREATED)
    assert event.to_state_id and event.actor_id
    assert event_answer(event) == EventSerializer(event).data
