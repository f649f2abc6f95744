"""The timer sweep: warnings before breach, breaches, escalation and reminders (催办).

Every step claims its rows with conditional UPDATE … RETURNING: a row already stamped is
not matched again, and on PostgreSQL a concurrent sweep skips the rows another one has locked
(or, for escalation, waits for the lock and then finds the row stamped). So the sweep is
idempotent, safe with two workers at once, and a restart loses nothing.
The claim returns who answers for each request (owner and handler are kept on the clock), so
the follow-up reads no request rows: one notification per person per step, listing a few
numbers. Warnings, breaches and reminders are shown on the request's timeline from the clock's
stamps (kefu.sla.selectors.clock_milestones); only escalations write event rows, through the
function the tickets app registered (kefu.sla.hooks). The raw SQL here touches sla_slaclock
only: the sweep reads and writes no other app's tables by name.
"""

import heapq
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.inbox.services import notify_each
from kefu.org.selectors import supervisors_above, units_of

from .hooks import request_writers
from .models import MAX_ESCALATION_LEVEL, SlaPolicy

LISTED_PER_NOTIFICATION = 5

# Each claim takes its clocks in batches, picked by a subquery ordered by the column its
# partial index sorts on: PostgreSQL multiplies the shares of "due", "not breached" and
# "running" as if they were independent, expects a large part of the table, and read the whole
# of it to find a handful of clocks; ordered and limited, it reads the partial index and stops.
# (SET, WHERE, ORDER BY) of each step:
_WARN = (
    "warned_at = %(now)s",
    "stopped_at IS NULL AND paused_at IS NULL AND warned_at IS NULL AND warn_at <= %(now)s AND due_at > %(now)s",
    "warn_at",
)
_BREACH = (
    "breached_at = %(now)s, warned_at = COALESCE(warned_at, %(now)s)",
    "stopped_at IS NULL AND paused_at IS NULL AND breached_at IS NULL AND due_at <= %(now)s",
    "due_at",
)
CLAIM_BATCH = 50_000
# The first batch is small: a minute's worth fits in it, and for a small LIMIT PostgreSQL walks
# the partial index. For 50,000 it read the whole table instead, because it takes "warn time
# passed" and "not warned yet" as independent and expects tens of thousands of rows where
# there are a few dozen.
FIRST_CLAIM_BATCH = 1_000
# The top level is written into the statement so that the planner can match clock_escalation_idx.
_ESCALATE = f"""
UPDATE sla_slaclock SET escalation_level = escalation_level + 1, escalated_at = %(now)s
WHERE policy_id = %(policy)s AND stopped_at IS NULL AND breached_at IS NOT NULL
  AND escalation_level < {MAX_ESCALATION_LEVEL} AND COALESCE(escalated_at, breached_at) <= %(threshold)s
RETURNING ticket_id, escalation_level, owner_id"""
_REMIND = (
    "reminded_at = %(now)s",
    "stopped_at IS NULL AND breached_at IS NOT NULL AND reminded_at IS NULL AND breached_at < %(today)s",
    "breached_at",
)


@dataclass
class SweepResult:
    """How many requests each step acted on, and how many notifications went out."""

    warned: int = 0
    breached: int = 0
    escalated: int = 0
    reminded: int = 0
    notifications: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _run(sql: str, params: dict) -> list[tuple]:
    # Raw SQL skips the ORM's datetime handling: SQLite keeps naive UTC text, so adapt here.
    params = {
        key: connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value
        for key, value in params.items()
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@dataclass
class _Notice:
    """What one person is told about one step: how many requests, and the first few."""

    total: int
    ticket_ids: list[int]


def _answerable(claimed_rows: list[tuple]) -> dict[int, _Notice]:
    """Each owner's and handler's notice from the claimed (ticket, owner, assignee) rows."""
    by_user = defaultdict(set)
    for ticket_id, owner_id, assignee_id in claimed_rows:
        for user_id in (owner_id, assignee_id):
            if user_id is not None:
                by_user[user_id].add(ticket_id)
    return {user_id: _notice(ticket_ids) for user_id, ticket_ids in by_user.items()}


def _notice(ticket_ids) -> _Notice:
    """The count and the oldest few (a notice lists the longest overdue first)."""
    return _Notice(len(ticket_ids), heapq.nsmallest(LISTED_PER_NOTIFICATION, ticket_ids))


def _numbers(notices: dict[int, _Notice]) -> dict[int, str]:
    """Request numbers of the few requests each notification lists, in one query."""
    listed = {ticket_id for notice in notices.values() for ticket_id in notice.ticket_ids}
    return request_writers().request_numbers(listed)


_QUEUE_OF_KIND = {"sla_warning": "due_soon"}  # the others are about missed time limits


def _notify_grouped(notices: dict[int, _Notice], *, kind: str, message: str, key: str) -> int:
    """One notification per person and step, listing a few request numbers."""
    messages, number = [], _numbers(notices)
    for user_id, notice in notices.items():
        numbers = "、".join(number[ticket_id] for ticket_id in notice.ticket_ids)
        if notice.total > len(notice.ticket_ids):
            numbers += f" …(+{notice.total - len(notice.ticket_ids)})"
        text = message % {"count": notice.total, "numbers": numbers}
        if notice.total == 1:
            messages.append((user_id, text, notice.ticket_ids[0]))
        else:  # a notice about several leads to the queue that lists them
            queue = _QUEUE_OF_KIND.get(kind, "overdue")
            messages.append((user_id, text, None, f"{reverse('tickets:queue')}?queue={queue}"))
    return notify_each(messages=messages, kind=kind, dedupe_key=key)


def _claim_statement(set_clause: str, where: str, order_by: str) -> str:
    pick = f"SELECT id FROM sla_slaclock WHERE {where} ORDER BY {order_by} LIMIT %(batch)s"
    if connection.vendor == "postgresql":
        # The batch is locked, skipping rows another sweep holds (that sweep stamps them), and
        # read into an array first, so that its rows are found by primary key: with IN (…)
        # PostgreSQL planned for a whole batch and hashed the whole table to join it.
        target = f"id = ANY(ARRAY({pick} FOR UPDATE SKIP LOCKED))"
    else:
        target = f"id IN ({pick})"  # SQLite lets one writer in at a time
    return f"UPDATE sla_slaclock SET {set_clause} WHERE {target} RETURNING ticket_id, owner_id, assignee_id"


def _claim(step: tuple[str, str, str], params: dict) -> list[tuple]:
    """Run a step's claim in batches until one comes back short: every (ticket, owner, handler)."""
    statement, claimed, size = _claim_statement(*step), [], FIRST_CLAIM_BATCH
    while True:
        batch = _run(statement, {**params, "batch": size})
        claimed += batch
        if len(batch) < size:
            return claimed
        size = CLAIM_BATCH


def _claim_and_tell(claim: tuple[str, str, str], params: dict, *, now, kind: str, message: str) -> tuple[int, int]:
    """Claim the clocks of one step and tell each owner and handler once (listing a few
    numbers). Returns (requests, notifications). The request's timeline shows the step from
    the clock's stamp (kefu.sla.selectors.clock_milestones): no row per request is written."""
    claimed = _claim(claim, params)
    if not claimed:
        return 0, 0
    notices = _answerable(claimed)
    requests = len({row[0] for row in claimed})
    return requests, _notify_grouped(notices, kind=kind, message=message, key=f"{kind}:{now.isoformat()}")


def _warn(now, result) -> None:
    result.warned, sent = _claim_and_tell(
        _WARN, {"now": now}, now=now, kind="sla_warning",
        message=_("%(count)d request(s) will soon pass their time limit: %(numbers)s"),
    )  # fmt: skip
    result.notifications += sent


def _breach(now, result) -> None:
    result.breached, sent = _claim_and_tell(
        _BREACH, {"now": now}, now=now, kind="sla_breached",
        message=_("%(count)d request(s) passed their time limit: %(numbers)s"),
    )  # fmt: skip
    result.notifications += sent


def _escalate(now, result) -> None:
    """Each policy has its own interval; all claims first, then one round of events and notices."""
    levels, owners = {}, {}
    for policy in SlaPolicy.objects.all().only("id", "escalate_every_hours"):
        threshold = now - timedelta(hours=policy.escalate_every_hours)
        params = {"now": now, "policy": policy.pk, "threshold": threshold}
        for ticket_id, level, owner_id in _run(_ESCALATE, params):
            levels[ticket_id], owners[ticket_id] = level, owner_id
    result.escalated = len(levels)
    if not levels:
        return
    request_writers().record_escalations(levels, now)
    # The clock carries the owner; the escalation chain starts at the owner's unit.
    unit_of = units_of(set(owners.values()))
    chains, by_user = {}, defaultdict(list)
    for ticket_id in sorted(levels):  # notices list the oldest first
        unit_id = unit_of.get(owners[ticket_id])
        if unit_id not in chains:
            chains[unit_id] = supervisors_above(unit_id)
        chain, level = chains[unit_id], levels[ticket_id]
        for supervisor in chain[level - 1] if level <= len(chain) else []:
            by_user[supervisor.pk].append(ticket_id)
    notices = {user_id: _notice(ids) for user_id, ids in by_user.items()}
    result.notifications += _notify_grouped(
        notices,
        kind="sla_escalated",
        message=_("Escalated to you: %(count)d overdue request(s): %(numbers)s"),
        key=f"sla_escalated:{now.isoformat()}",
    )


def _remind(now, result) -> None:
    """催办 the day after a missed deadline (国办发〔2020〕53号 practice)."""
    today = datetime.combine(timezone.localdate(now), time.min, tzinfo=timezone.get_current_timezone())
    result.reminded, sent = _claim_and_tell(
        _REMIND, {"now": now, "today": today}, now=now, kind="reminder",
        message=_("Reminder: %(count)d request(s) are overdue since yesterday or earlier: %(numbers)s"),
    )  # fmt: skip
    result.notifications += sent


def sla_sweep(*, now: datetime | None = None) -> SweepResult:
    """One pass of every timer step, each in its own transaction (a failure keeps the others)."""
    now = now or timezone.now()
    result = SweepResult()
    for step in (_warn, _breach, _escalate, _remind):
        with transaction.atomic():
            step(now, result)
    return result
