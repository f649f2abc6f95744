import pytest

from kefu.conftest import api
from kefu.outbox.choices import Channel, MessageState
from kefu.outbox.models import Message, MessageTemplate, OptOut
from kefu.outbox.services import Recipient, messages_enqueue

pytestmark = pytest.mark.django_db


def test_messages_list_filters_and_refuses_a_bad_filter(admin_user):
    messages_enqueue(
        actor=admin_user,
        purpose="notice",
        channel=Channel.SMS,
        body="a",
        recipients=[Recipient(address="13900000001")],
        source="care.notice",
        source_id=3,
    )
    messages_enqueue(
        actor=admin_user, purpose="care", channel=Channel.EMAIL, body="b", recipients=[Recipient(address="a@b.cn")]
    )
    client = api(admin_user)
    answer = client.get("/api/v1/outbox/messages/", {"source": "care.notice", "source_id": 3})
    assert answer.status_code == 200
    assert [row["purpose"] for row in answer.json()["results"]] == ["notice"]
    assert client.get("/api/v1/outbox/messages/", {"state": "lost"}).status_code == 400
    assert api(admin_user).get("/api/v1/outbox/messages/", {"customer": "abc"}).json().keys() == {"customer"}


def test_messages_need_outbox_view(manager):
    assert api(manager).get("/api/v1/outbox/messages/").status_code == 403
    assert api().get("/api/v1/outbox/messages/").status_code in (401, 403)


def test_retry_through_the_api_only_for_failed(admin_user):
    messages_enqueue(actor=admin_user, purpose="x", channel=Channel.EMAIL, body="b", recipients=[Recipient()])
    message = Message.objects.get()
    assert message.state == MessageState.FAILED  # no address
    assert api(admin_user).post(f"/api/v1/outbox/messages/{message.pk}/retry/").json()["state"] == "retrying"
    assert api(admin_user).post(f"/api/v1/outbox/messages/{message.pk}/retry/").status_code == 400


def test_template_crud_and_refusals(admin_user, manager):
    client = api(admin_user)
    created = client.post(
        "/api/v1/outbox/templates/",
        {"purpose": "fee_reminder", "channel": "sms", "name": "柔性催费", "body": "{{ customer_name }}您好，温馨提示…"},
        format="json",
    )
    assert created.status_code == 201
    again = client.post(
        "/api/v1/outbox/templates/",
        {"purpose": "fee_reminder", "channel": "sms", "name": "2", "body": "x"},
        format="json",
    )
    assert again.status_code == 400 and "channel" in again.json()
    bad = client.post("/api/v1/outbox/templates/", {"purpose": "", "channel": "fax", "body": "{% if %}"}, format="json")
    assert set(bad.json()) >= {"purpose", "channel", "name", "body"}
    pk = created.json()["id"]
    assert (
        client.patch(f"/api/v1/outbox/templates/{pk}/", {"is_active": False}, format="json").json()["is_active"]
        is False
    )
    assert api(manager).get("/api/v1/outbox/templates/").status_code == 403
    assert client.delete(f"/api/v1/outbox/templates/{pk}/").status_code == 204
    assert not MessageTemplate.objects.exists()


def test_template_preview_uses_a_customer_in_scope(admin_user, own_customer):
    answer = api(admin_user).post(
        "/api/v1/outbox/templates/preview/",
        {"body": "{{ customer_name }}您好", "customer": own_customer.pk},
        format="json",
    )
    assert answer.json() == {"subject": "", "body": "张三您好"}


def test_opt_out_through_the_api_is_scoped(manager, own_customer, foreign_customer):
    client = api(manager)
    assert (
        client.post(
            "/api/v1/outbox/opt-outs/", {"customer": own_customer.pk, "channel": "sms"}, format="json"
        ).status_code
        == 201
    )
    assert client.post("/api/v1/outbox/opt-outs/", {"customer": foreign_customer.pk}, format="json").status_code == 404
    assert client.post(
        "/api/v1/outbox/opt-outs/", {"customer": own_customer.pk, "channel": "fax"}, format="json"
    ).json().keys() == {"channel"}
    listed = client.get("/api/v1/outbox/opt-outs/", {"customer": own_customer.pk}).json()["results"]
    assert [row["channel"] for row in listed] == ["sms"]
    assert client.delete(f"/api/v1/outbox/opt-outs/{listed[0]['id']}/").status_code == 204
    assert not OptOut.objects.exists()
