import json
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from kefu.audit.models import AuditEvent
from kefu.customers.tests.factories import CustomerFactory
from kefu.outbox import sending
from kefu.outbox.choices import Channel, MessageState
from kefu.outbox.models import Message, OptOut
from kefu.outbox.services import Recipient, message_cancel, message_retry, messages_enqueue, optout_record
from kefu.outbox.tests import fakes
from kefu.outbox.tests.conftest import transports

pytestmark = pytest.mark.django_db


def queue(n, channel=Channel.FILE, actor=None, **options):
    recipients = [Recipient(address=f"1390000{i:04d}") for i in range(n)]
    return messages_enqueue(
        actor=actor, purpose="notice", channel=channel, recipients=recipients, body="停电通知", **options
    )


def test_file_transport_writes_each_message_once_as_a_json_line(settings, tmp_path):
    settings.OUTBOX_TRANSPORTS = transports(
        "kefu.outbox.transports.FileTransport", OPTIONS={"DIRECTORY": str(tmp_path)}
    )
    queue(3)
    result = sending.outbox_send(max_seconds=5)
    assert result.sent == 3
    lines = [json.loads(line) for path in tmp_path.glob("file-*.jsonl") for line in path.read_text().splitlines()]
    assert sorted(line["id"] for line in lines) == sorted(Message.objects.values_list("pk", flat=True))
    assert {line["body"] for line in lines} == {"停电通知"}
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    assert sending.outbox_send(max_seconds=5).sent == 0


def test_opted_out_customer_never_gets_a_message(recording, admin_user, settings):
    """Opted out before queueing: the row is never sent. Opted out after queueing (even if the
    opt-out bypassed the service's withdrawal): the sending job stops it before the transport."""
    settings.OUTBOX_QUIET_CHANNELS = []  # due now, whatever the hour the test runs
    before, after = CustomerFactory(), CustomerFactory()
    optout_record(actor=admin_user, customer=before, channel=Channel.SMS)
    messages_enqueue(
        actor=admin_user,
        purpose="care",
        channel=Channel.SMS,
        body="您好",
        recipients=[Recipient(customer_id=before.pk), Recipient(customer_id=after.pk)],
    )
    OptOut.objects.create(customer=after, channel="")
    result = sending.outbox_send(max_seconds=5)
    assert recording == []
    assert (result.sent, result.opted_out) == (0, 1)
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.OPTED_OUT}


def test_two_claims_never_take_the_same_row(recording):
    queue(5)
    now = timezone.now()
    _, first = sending.claim(Channel.FILE, 3, now)
    _, second = sending.claim(Channel.FILE, 3, now)
    _, third = sending.claim(Channel.FILE, 3, now)
    assert len(first) == 3 and len(second) == 2 and third == []
    assert not {row["pk"] for row in first} & {row["pk"] for row in second}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once(recording):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # Threads sharing SQLite's in-memory test database lock whole tables without waiting;
        # test_two_claims_never_take_the_same_row checks the claim on SQLite.
        pytest.skip("two threads need PostgreSQL or an SQLite file")
    queue(200)
    errors = []

    def worker():
        try:
            sending.outbox_send(batch=7, max_seconds=20)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = [message_id for message_id, _ in recording]
    assert len(ids) == len(set(ids)) == 200
    assert Message.objects.filter(state=MessageState.SENT).count() == 200


def test_transient_failure_backs_off_exponentially_then_gives_up(settings):
    settings.OUTBOX_TRANSPORTS = transports("kefu.outbox.tests.fakes.FlakyTransport")
    settings.OUTBOX_MAX_ATTEMPTS, settings.OUTBOX_RETRY_SECONDS = 3, 60
    queue(1)
    message = Message.objects.get()
    now = timezone.now()
    sending.outbox_send(now=now, max_seconds=0)
    message.refresh_from_db()
    assert (message.state, message.attempts, message.next_attempt_at) == (
        MessageState.RETRYING,
        1,
        now + timedelta(seconds=60),
    )
    assert sending.outbox_send(now=now + timedelta(seconds=59), max_seconds=0).retrying == 0  # not due yet
    later = now + timedelta(seconds=60)
    sending.outbox_send(now=later, max_seconds=0)
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (2, later + timedelta(seconds=120))
    sending.outbox_send(now=later + timedelta(seconds=120), max_seconds=0)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.GIVEN_UP, 3)
    assert message.transport_answer == "gateway busy"


def test_permanent_failure_is_not_retried(settings):
    settings.OUTBOX_TRANSPORTS = transports("kefu.outbox.tests.fakes.FlakyTransport", OPTIONS={"PERMANENT": True})
    queue(1)
    assert sending.outbox_send(max_seconds=0).failed == 1
    assert Message.objects.get().state == MessageState.FAILED


def test_rate_limit_is_shared_and_resets_with_the_window(recording, settings, monkeypatch):
    settings.OUTBOX_TRANSPORTS = transports("kefu.outbox.tests.fakes.RecordingTransport", RATE=[2, 60])
    monkeypatch.setattr(sending, "_epoch", lambda: 6000.0)
    queue(5)
    assert sending.outbox_send(max_seconds=0).sent == 2
    # A second worker in the same window gets nothing: the count is in the database.
    second = sending.outbox_send(max_seconds=0)
    assert second.sent == 0 and Channel.FILE in second.rate_limited
    monkeypatch.setattr(sending, "_epoch", lambda: 6060.0)
    assert sending.outbox_send(max_seconds=0).sent == 2
    assert len(recording) == 4


def test_reaper_fails_rows_of_a_dead_worker_on_a_transport_without_idempotency(recording, settings):
    """Claimed, then the worker died before recording: the row may have gone out, so it is not
    sent again by itself."""
    queue(2)
    now = timezone.now()
    sending.claim(Channel.FILE, 2, now)
    assert sending.outbox_reap(now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)) == 2
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.FAILED}
    sending.outbox_send(max_seconds=0)
    assert recording == []


def test_reaper_leaves_rows_within_their_lease(recording):
    queue(1)
    now = timezone.now()
    sending.claim(Channel.FILE, 1, now)
    assert sending.outbox_reap(now + timedelta(seconds=10)) == 0
    assert Message.objects.get().state == MessageState.SENDING


def test_admin_retry_and_cancel(recording, admin_user, settings):
    settings.OUTBOX_TRANSPORTS = transports("kefu.outbox.tests.fakes.FlakyTransport", OPTIONS={"PERMANENT": True})
    queue(2)
    sending.outbox_send(max_seconds=0)
    first, second = Message.objects.order_by("pk")
    settings.OUTBOX_TRANSPORTS = transports("kefu.outbox.tests.fakes.RecordingTransport")
    message_retry(actor=admin_user, message_id=first.pk)
    message_cancel(actor=admin_user, message_id=second.pk)
    sending.outbox_send(max_seconds=0)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (MessageState.SENT, MessageState.CANCELLED)
    assert [message_id for message_id, _ in recording] == [first.pk]
    from kefu.core.errors import ServiceError

    with pytest.raises(ServiceError):
        message_retry(actor=admin_user, message_id=first.pk)


def test_admin_retry_and_cancel_audit_the_state_the_message_had(admin_user):
    queue(2)
    given_up, failed = Message.objects.order_by("pk")
    Message.objects.filter(pk=given_up.pk).update(state=MessageState.GIVEN_UP)
    Message.objects.filter(pk=failed.pk).update(state=MessageState.FAILED)
    message_retry(actor=admin_user, message_id=given_up.pk)
    message_cancel(actor=admin_user, message_id=failed.pk)
    changes = {
        event.target_id: event.changes["state"]
        for event in AuditEvent.objects.filter(target_type="outbox.message", target_id__in=[given_up.pk, failed.pk])
    }
    assert changes == {
        given_up.pk: [MessageState.GIVEN_UP, MessageState.RETRYING],
        failed.pk: [MessageState.FAILED, MessageState.CANCELLED],
    }


def test_outbox_send_is_a_periodic_job_that_sends_what_is_due(recording):
    from kefu.core.jobs import periodic_jobs
    from kefu.outbox.tasks import outbox_send_task

    assert "outbox_send" in {job.name for job in periodic_jobs()}
    queue(3)
    assert outbox_send_task.run() == 3
    assert outbox_send_task.run() == 0


@pytest.mark.parametrize(
    ("backend", "state"),
    [("BrokenTransport", MessageState.FAILED), ("BrokenIdempotentTransport", MessageState.RETRYING)],
)
def test_a_transport_raising_mid_batch_never_leads_to_a_blind_resend(settings, backend, state):
    settings.OUTBOX_TRANSPORTS = transports(f"kefu.outbox.tests.fakes.{backend}")
    queue(2)
    sending.outbox_send(max_seconds=0)
    assert set(Message.objects.values_list("state", flat=True)) == {state}
    assert "No space left on device" in Message.objects.first().transport_answer


def test_a_claim_is_no_larger_than_the_transport_surely_sends_within_the_lease(settings, monkeypatch):
    # A slow gateway (10 s timeout per message) must not hold 500 rows under a 300 s lease: the
    # reaper would hand the unsent tail to a second worker, which would send it again.
    fakes.delivered.clear()
    settings.OUTBOX_TRANSPORTS = transports("kefu.outbox.tests.fakes.RecordingTransport", OPTIONS={"TIMEOUT": 10})
    settings.OUTBOX_LEASE_SECONDS = 300
    claimed = []
    real_claim = sending.claim
    monkeypatch.setattr(sending, "claim", lambda *a: claimed.append(a[1]) or real_claim(*a))
    queue(40)

    sending.outbox_send(max_seconds=0)

    assert max(claimed) == 15  # 300 s lease / 2 / 10 s
    assert len(fakes.delivered) == 15
    sending.outbox_send(max_seconds=5)
    assert len(fakes.delivered) == 40


def test_a_local_transport_claims_the_whole_batch(recording, monkeypatch):
    claimed = []
    real_claim = sending.claim
    monkeypatch.setattr(sending, "claim", lambda *a: claimed.append(a[1]) or real_claim(*a))
    queue(3)

    sending.outbox_send(max_seconds=0, batch=500)

    assert max(claimed) == 500
    assert len(recording) == 3


def test_a_retried_sms_waits_out_quiet_hours(settings):
    shanghai = ZoneInfo("Asia/Shanghai")
    settings.OUTBOX_TRANSPORTS = transports("kefu.outbox.tests.fakes.FlakyTransport")
    settings.OUTBOX_RETRY_SECONDS = 60
    failed_at = datetime(2026, 3, 2, 20, 59, 30, tzinfo=shanghai)
    queue(1, channel=Channel.SMS, scheduled_at=failed_at)

    sending.outbox_send(now=failed_at, max_seconds=0)

    message = Message.objects.get()
    assert message.state == MessageState.RETRYING
    assert message.next_attempt_at == datetime(2026, 3, 3, 8, 0, tzinfo=shanghai)  # not 21:00:30
