"""What the request API answers, as its schema says (issue 15.8)."""

import pytest

from kefu.conftest import api
from kefu.tickets.models import TicketEvent
from kefu.tickets.tests.factories import TicketFactory


@pytest.mark.parametrize("internal", [False, True])
def test_adding_a_comment_answers_with_the_comment_not_the_timeline(internal, agent, own_customer):
    ticket = TicketFactory(owner=agent, customer=own_customer)
    client = api(agent)
    client.post(f"/api/v1/requests/{ticket.pk}/comments/", {"body": "第一条", "internal": False}, format="json")
    response = client.post(
        f"/api/v1/requests/{ticket.pk}/comments/", {"body": "已联系客户", "internal": internal}, format="json"
    )
    assert response.status_code == 201
    comment = TicketEvent.objects.get(ticket=ticket, body="已联系客户")
    assert response.json() == {
        "id": comment.pk,
        "kind": "internal_note" if internal else "reply",
        "actor": agent.full_name,
        "from_state": None,
        "to_state": None,
        "body": "已联系客户",
        "is_internal": internal,
        "data": {},
        "created_at": response.json()["created_at"],
    }


def test_the_schema_says_a_comment_is_answered_with_one_event(agent):
    schema = api(agent).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    answer = schema["paths"]["/api/v1/requests/{id}/comments/"]["post"]["responses"]["201"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Event"}
