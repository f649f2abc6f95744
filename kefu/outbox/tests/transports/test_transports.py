import hashlib
import hmac
import json
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from kefu.customers.tests.factories import CustomerFactory
from kefu.outbox import sending
from kefu.outbox.choices import Channel, MessageState
from kefu.outbox.models import Message
from kefu.outbox.services import Recipient, messages_enqueue
from kefu.outbox.transports import get_transport, message_id_for

from .servers import sms_gateway, start_http

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(
                (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content)
            )
            return "250 Message accepted for delivery"

    with socket.socket() as probe:  # a free port (the controller checks its own start by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, server_hostname="kefu.test")
    controller.start()
    try:
        yield controller, received
    finally:
        controller.stop()


def test_mail_arrives_at_a_local_smtp_server_with_headers_and_chinese_text_intact(settings, smtp_server, admin_user):
    controller, received = smtp_server
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.DEFAULT_FROM_EMAIL = "客服中心 <kefu@example.cn>"
    settings.OUTBOX_TRANSPORTS = {"email": {"BACKEND": "kefu.outbox.transports.SmtpTransport"}}
    customer = CustomerFactory(name="张三", email="zhangsan@example.cn")
    messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.EMAIL,
        recipients=[Recipient(customer_id=customer.pk)],
        subject="{{ customer_name }}，新春快乐",
        body="尊敬的{{ customer_name }}：\n祝您新春快乐，万事如意！",
    )
    result = sending.outbox_send(max_seconds=5)
    assert result.sent == 1
    [(mail_from, rcpt_tos, raw)] = received
    mail = message_from_bytes(raw, policy=policy.default)
    assert (mail_from, rcpt_tos) == ("kefu@example.cn", ["zhangsan@example.cn"])
    assert mail["Subject"] == "张三，新春快乐"
    assert mail["To"] == "zhangsan@example.cn"
    assert mail["From"].addresses[0].display_name == "客服中心"
    row = Message.objects.get()
    assert mail["Message-ID"] == message_id_for(row.idempotency_key) == row.transport_message_id
    assert mail.get_content().replace("\r\n", "\n").strip() == "尊敬的张三：\n祝您新春快乐，万事如意！"
    assert mail.get_content_charset() == "utf-8"


def test_smtp_server_down_is_a_transient_failure(settings, admin_user):
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    settings.OUTBOX_TRANSPORTS = {
        "email": {"BACKEND": "kefu.outbox.transports.SmtpTransport", "OPTIONS": {"TIMEOUT": 2}}
    }
    messages_enqueue(
        actor=admin_user, purpose="x", channel=Channel.EMAIL, recipients=[Recipient(address="a@b.cn")], body="hi"
    )
    assert sending.outbox_send(max_seconds=0).retrying == 1
    assert Message.objects.get().state == MessageState.RETRYING


@pytest.fixture
def gateway(settings):
    server, recorder, url = start_http(sms_gateway)
    settings.OUTBOX_TRANSPORTS = {
        "sms": {
            "BACKEND": "kefu.outbox.transports.SmsGatewayTransport",
            "OPTIONS": {"URL": url, "APP_KEY": "kefu-app", "SECRET": "s3cret", "SIGN_NAME": "【某某供电】"},
        }
    }
    settings.OUTBOX_QUIET_CHANNELS = []
    yield recorder
    server.shutdown()
    server.server_close()


def test_sms_gateway_gets_a_signed_request_with_the_idempotency_key(gateway, admin_user):
    customer = CustomerFactory(name="李四")
    messages_enqueue(
        actor=admin_user,
        purpose="notice",
        channel=Channel.SMS,
        recipients=[Recipient(customer_id=customer.pk)],
        body="{{ customer_name }}您好，明日9时至17时计划停电。",
    )
    assert sending.outbox_send(max_seconds=5).sent == 1
    [request] = gateway.requests
    row = Message.objects.get()
    body, headers = request["body"], request["headers"]
    assert body["phone"] == customer.mobile and body["content"] == "李四您好，明日9时至17时计划停电。"
    assert body["request_id"] == headers["Idempotency-Key"] == row.idempotency_key
    expected = hmac.new(b"s3cret", request["raw"], hashlib.sha256).hexdigest()
    assert headers["X-Signature"] == expected and headers["X-App-Key"] == "kefu-app"
    assert (row.state, row.transport_message_id) == (MessageState.SENT, "SM000001")


def test_sms_gateway_busy_is_retried_later(gateway, admin_user):
    gateway.state["fail_next"] = 1
    messages_enqueue(
        actor=admin_user, purpose="x", channel=Channel.SMS, recipients=[Recipient(address="13900000001")], body="hi"
    )
    now = timezone.now()
    assert sending.outbox_send(now=now, max_seconds=0).retrying == 1
    assert sending.outbox_send(now=now + timedelta(hours=1), max_seconds=0).sent == 1


def test_batch_whose_worker_is_killed_midway_resumes_without_a_duplicate(gateway, settings, admin_user):
    """A worker claims 10 messages, hands 4 to the gateway and dies before recording anything.
    After the lease the reaper puts them back; the next run sends all 10 again with their keys,
    and the gateway delivers each message once."""
    messages_enqueue(
        actor=admin_user,
        purpose="notice",
        channel=Channel.SMS,
        body="停电通知",
        recipients=[Recipient(address=f"1390000{i:04d}") for i in range(10)],
    )
    now = timezone.now()
    _, rows = sending.claim(Channel.SMS, 10, now)
    transport = get_transport(Channel.SMS)
    transport.send_many([sending._outgoing(row) for row in rows[:4]])  # then the worker is killed
    assert Message.objects.filter(state=MessageState.SENDING).count() == 10

    later = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)
    result = sending.outbox_send(now=later, max_seconds=5)
    assert (result.reaped, result.sent) == (10, 10)
    assert len(gateway.requests) == 14  # the first four were asked for twice …
    assert len(gateway.state["delivered"]) == 10  # … and delivered once
    assert sorted(d["phone"] for d in gateway.state["delivered"].values()) == sorted(
        Message.objects.values_list("address", flat=True)
    )
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    # The four get the id of their first delivery.
    first_ids = {gateway.state["delivered"][row["idempotency_key"]]["id"] for row in rows[:4]}
    assert first_ids == set(
        Message.objects.filter(pk__in=[r["pk"] for r in rows[:4]]).values_list("transport_message_id", flat=True)
    )


@pytest.fixture
def robot(settings):
    def answer(recorder, headers, body):
        if recorder.state.get("limited"):
            return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    server, recorder, url = start_http(answer)
    settings.OUTBOX_TRANSPORTS = {
        "wecom": {"BACKEND": "kefu.outbox.transports.WecomRobotTransport", "OPTIONS": {"ROBOTS": {"default": url}}}
    }
    yield recorder
    server.shutdown()
    server.server_close()


def test_wecom_robot_gets_a_text_message(robot, admin_user):
    messages_enqueue(
        actor=admin_user,
        purpose="alert",
        channel=Channel.WECOM,
        recipients=[Recipient()],
        subject="抢修通知",
        body="城东片区10kV线路故障，预计18时恢复。",
    )
    assert sending.outbox_send(max_seconds=5).sent == 1
    assert robot.requests[0]["body"] == {
        "msgtype": "text",
        "text": {"content": "抢修通知\n城东片区10kV线路故障，预计18时恢复。"},
    }


def test_wecom_robot_rate_limit_is_retried_and_unknown_robot_fails(robot, admin_user):
    robot.state["limited"] = True
    messages_enqueue(actor=admin_user, purpose="alert", channel=Channel.WECOM, recipients=[Recipient()], body="a")
    messages_enqueue(
        actor=admin_user, purpose="alert", channel=Channel.WECOM, recipients=[Recipient(address="nobody")], body="b"
    )
    result = sending.outbox_send(max_seconds=0)
    assert (result.retrying, result.failed) == (1, 1)
    assert json.loads(Message.objects.get(address="default").transport_answer)["errcode"] == 45009
