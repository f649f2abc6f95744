"""The `outbox_send` job: claim due messages, send them through their channel's transport,
record the answer; retry with back-off; reap rows left `sending` by a dead worker.

Never twice:
- a worker claims rows with a conditional UPDATE (`state` still queued or retrying, a fresh
  `claim_token`; on PostgreSQL the candidate rows are picked `FOR UPDATE SKIP LOCKED`, on SQLite
  the immediate transaction admits one writer at a time), committed before the transport is
  called: two workers never hold the same row;
- the answer is written only where the row still carries the worker's token;
- a row still `sending` after its lease (`OUTBOX_LEASE_SECONDS`) belonged to a worker that died
  between marking and recording: it may or may not have gone out. The reaper sends it again only
  through a transport that is idempotent (SMS gateway: same request id; SMTP: same Message-ID);
  otherwise it becomes `failed` with that explanation, for an admin to check and resend by hand.
Opt-outs are checked again just before sending. Each transport's rate (`RATE`: count per window
of seconds) is shared by all workers through `RateWindow` rows.
"""

import logging
import time as clock
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import quiet, selectors
from .choices import READY_STATES, Channel, MessageState
from .models import Message, RateWindow
from .transports import Delivery, Outgoing, Transport, get_transport, transport_rate

logger = logging.getLogger(__name__)

OUTGOING_FIELDS = ("pk", "channel", "address", "subject", "body", "idempotency_key", "purpose", "customer_id",
                   "attempts")  # fmt: skip


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    given_up: int = 0
    opted_out: int = 0
    reaped: int = 0
    rate_limited: set = field(default_factory=set)


def _epoch() -> float:
    return clock.time()


# Rate limits ----------------------------------------------------------------------------------------


def rate_take(name: str, wanted: int, rate: tuple[int, int] | None) -> int:
    """Take up to `wanted` sends from the transport's current window; how many were granted."""
    if rate is None or wanted <= 0:
        return wanted
    count, seconds = rate
    window = int(_epoch() // seconds)
    with transaction.atomic():
        RateWindow.objects.get_or_create(transport=name)
        row = RateWindow.objects.select_for_update().get(transport=name)
        if row.window != window:
            row.window, row.used = window, 0
        granted = max(0, min(wanted, count - row.used))
        row.used += granted
        row.save(update_fields=["window", "used"])
    return granted


def rate_give_back(name: str, unused: int, rate: tuple[int, int] | None) -> None:
    if rate is None or unused <= 0:
        return
    window = int(_epoch() // rate[1])
    RateWindow.objects.filter(transport=name, window=window, used__gte=unused).update(used=F("used") - unused)


def seconds_to_next_window(rate: tuple[int, int]) -> float:
    seconds = rate[1]
    return seconds - (_epoch() % seconds)


# Claim, send, record --------------------------------------------------------------------------------


def claim(channel: str, limit: int, now: datetime) -> tuple[str, list[dict]]:
    """Mark up to `limit` due rows of `channel` as `sending` under a new token (committed)."""
    token = uuid.uuid4().hex
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        due = Message.objects.filter(channel=channel, state__in=READY_STATES, next_attempt_at__lte=now).order_by(
            "next_attempt_at"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return token, []
        Message.objects.filter(pk__in=ids, state__in=READY_STATES).update(
            state=MessageState.SENDING, claim_token=token, claimed_until=now + lease,
            attempts=F("attempts") + 1, updated_at=now,
        )  # fmt: skip
    rows = list(
        Message.objects.filter(pk__in=ids, claim_token=token, state=MessageState.SENDING).values(*OUTGOING_FIELDS)
    )
    return token, rows


def _drop_opted_out(token: str, rows: list[dict], channel: str, now: datetime) -> tuple[list[dict], int]:
    opted = selectors.opted_out_customers({row["customer_id"] for row in rows if row["customer_id"]}, channel)
    if not opted:
        return rows, 0
    stopped = [row["pk"] for row in rows if row["customer_id"] in opted]
    Message.objects.filter(pk__in=stopped, claim_token=token).update(
        state=MessageState.OPTED_OUT, claim_token="", claimed_until=None, updated_at=now,
        transport_answer=_("The customer opted out of this channel."),
    )  # fmt: skip
    return [row for row in rows if row["customer_id"] not in opted], len(stopped)


def backoff(attempts: int) -> timedelta:
    """After the n-th failed attempt: base × 2^(n-1), capped."""
    seconds = settings.OUTBOX_RETRY_SECONDS * (2 ** max(0, attempts - 1))
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_SECONDS))


def record(token: str, rows: list[dict], deliveries: list[Delivery], now: datetime, result: SendResult) -> None:
    """Write each answer where the row still carries `token` (grouped: one UPDATE per distinct answer)."""
    groups: dict[tuple, list[int]] = {}
    for row, delivery in zip(rows, deliveries, strict=True):
        if delivery.ok:
            values = (("state", MessageState.SENT), ("sent_at", now), ("transport_message_id", delivery.message_id))
            result.sent += 1
        elif delivery.permanent:
            values = (("state", MessageState.FAILED),)
            result.failed += 1
        elif row["attempts"] >= settings.OUTBOX_MAX_ATTEMPTS:
            values = (("state", MessageState.GIVEN_UP),)
            result.given_up += 1
        else:
            # A retry of an SMS waits out quiet hours as the first attempt did.
            retry_at = quiet.next_allowed(now + backoff(row["attempts"]), row["channel"])
            values = (("state", MessageState.RETRYING), ("next_attempt_at", retry_at))
            result.retrying += 1
        groups.setdefault((*values, ("transport_answer", delivery.answer[:1000])), []).append(row["pk"])
    with transaction.atomic():
        for values, ids in groups.items():
            Message.objects.filter(pk__in=ids, claim_token=token).update(
                claim_token="", claimed_until=None, updated_at=now, **dict(values)
            )


def _outgoing(row: dict) -> Outgoing:
    return Outgoing(id=row["pk"], channel=row["channel"], address=row["address"], subject=row["subject"],
                    body=row["body"], key=row["idempotency_key"], purpose=row["purpose"])  # fmt: skip


def send_claimed(token: str, rows: list[dict], transport: Transport, now: datetime, result: SendResult) -> None:
    rows, stopped = _drop_opted_out(token, rows, transport.channel, now)
    result.opted_out += stopped
    if not rows:
        return
    try:
        deliveries = transport.send_many([_outgoing(row) for row in rows])
    except Exception as exc:
        # Some of the batch may have gone out: sent again only where the receiver recognises the
        # key, failed (for an admin to check) otherwise, as the reaper would decide.
        logger.exception("outbox: transport %s failed on a batch", transport.channel)
        answer = f"{type(exc).__name__}: {exc}"[:1000]
        deliveries = [Delivery(ok=False, answer=answer, permanent=not transport.idempotent) for _ in rows]
    record(token, rows, deliveries, now, result)


# The reaper -----------------------------------------------------------------------------------------


def outbox_reap(now: datetime | None = None) -> int:
    """Rows left `sending` past their lease: sent again with their key through an idempotent
    transport, else failed (they may have gone out; sending again could deliver twice)."""
    now = now or timezone.now()
    stuck = Message.objects.filter(state=MessageState.SENDING, claimed_until__lt=now)
    reaped = 0
    for channel in Channel.values:
        rows = stuck.filter(channel=channel)
        if get_transport(channel).idempotent:
            reaped += rows.filter(attempts__lt=settings.OUTBOX_MAX_ATTEMPTS).update(
                state=MessageState.RETRYING, next_attempt_at=now, claim_token="", claimed_until=None, updated_at=now,
                transport_answer=_(
                    "Sending was interrupted; sent again with the same key, which the receiver recognises."
                ),
            )  # fmt: skip
            reaped += rows.update(
                state=MessageState.GIVEN_UP, claim_token="", claimed_until=None, updated_at=now,
                transport_answer=_("Sending was interrupted on the last attempt."),
            )  # fmt: skip
        else:
            reaped += rows.update(
                state=MessageState.FAILED, claim_token="", claimed_until=None, updated_at=now,
                transport_answer=_(
                    "Sending was interrupted: the message may have gone out. It is not sent again "
                    "automatically; check with the recipient, then send it again by hand."
                ),
            )  # fmt: skip
    if reaped:
        logger.warning("outbox: %s messages left sending by a stopped worker were reaped", reaped)
    return reaped


# The job --------------------------------------------------------------------------------------------


def claim_size(transport: Transport, batch: int) -> int:
    """How many rows one claim may take: as many as the transport surely sends within half the
    lease even if every message waits out its timeout, so that the reaper never takes back (and a
    second worker never sends again) rows this worker is still sending."""
    worst = transport.seconds_per_message()
    if worst <= 0:
        return batch
    return max(1, min(batch, int(settings.OUTBOX_LEASE_SECONDS / 2 / worst)))


def outbox_send(*, now: datetime | None = None, batch: int = 500, max_seconds: float = 50) -> SendResult:
    """Send what is due, channel by channel, until nothing is due or `max_seconds` have passed
    (waiting for the next rate window when a transport's share is used up)."""
    result = SendResult(reaped=outbox_reap(now))
    deadline = clock.monotonic() + max_seconds
    transports = {channel: get_transport(channel) for channel in Channel.values}
    while True:
        at = now or timezone.now()
        progressed, waits = False, []
        for channel, transport in transports.items():
            rate = transport_rate(channel)
            granted = rate_take(channel, claim_size(transport, batch), rate)
            if not granted:
                result.rate_limited.add(channel)
                waits.append(seconds_to_next_window(rate))
                continue
            token, rows = claim(channel, granted, at)
            rate_give_back(channel, granted - len(rows), rate)
            if rows:
                progressed = True
                send_claimed(token, rows, transport, at, result)
        if clock.monotonic() >= deadline:
            break
        if not progressed:
            if not waits or clock.monotonic() + min(waits) >= deadline:
                break
            clock.sleep(min(waits))
    return result
