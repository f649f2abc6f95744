"""The timer sweep: warnings before breach, breaches, escalation and reminders (催办).

Every step claims its rows with one conditional UPDATE … RETURNING: a row already stamped is
not matched again, and on PostgreSQL a concurrent sweep waits for the row lock and then skips
it. So the sweep is idempotent, safe with two workers at once, and a restart loses nothing.
The follow-up is set-based as well (events by INSERT … SELECT, one notification per person
per step), so a mass breach of hundreds of thousands of requests costs a few statements.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.inbox.services import notify
from kefu.org.choices import Role
from kefu.org.models import OrgUnit, User
from kefu.tickets.choices import EventKind
from kefu.tickets.models import Ticket

from .models import SlaPolicy

MAX_ESCALATION_LEVEL = 2
LISTED_PER_NOTIFICATION = 5

_WARN = """
UPDATE sla_slaclock SET warned_at = %(now)s
WHERE stopped_at IS NULL AND paused_at IS NULL AND warned_at IS NULL AND warn_at <= %(now)s AND due_at > %(now)s
RETURNING ticket_id"""
_BREACH = """
UPDATE sla_slaclock SET breached_at = %(now)s, warned_at = COALESCE(warned_at, %(now)s)
WHERE stopped_at IS NULL AND paused_at IS NULL AND breached_at IS NULL AND due_at <= %(now)s
RETURNING ticket_id"""
_ESCALATE = """
UPDATE sla_slaclock SET escalation_level = escalation_level + 1, escalated_at = %(now)s
WHERE policy_id = %(policy)s AND stopped_at IS NULL AND breached_at IS NOT NULL
  AND escalation_level < %(top)s AND COALESCE(escalated_at, breached_at) <= %(threshold)s
RETURNING ticket_id, escalation_level"""
_REMIND = """
UPDATE sla_slaclock SET reminded_at = %(now)s
WHERE stopped_at IS NULL AND breached_at IS NOT NULL AND reminded_at IS NULL AND breached_at < %(today)s
RETURNING ticket_id"""
_EVENTS = """
INSERT INTO tickets_ticketevent (ticket_id, kind, body, is_internal, data, created_at)
SELECT DISTINCT ticket_id, %(kind)s, '', %(internal)s, {empty_json}, %(now)s
FROM sla_slaclock WHERE {column} = %(now)s"""
_TICKET_STATE = """
UPDATE tickets_ticket SET sla_state = %(state)s
WHERE id IN (SELECT ticket_id FROM sla_slaclock WHERE {column} = %(now)s) AND sla_state <> %(state)s"""


@dataclass
class SweepResult:
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


def _mark(column: str, kind: str, state: str | None, now: datetime) -> None:
    """Events on the requests stamped in this step, and their mirrored time-limit state."""
    empty_json = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    _run(_EVENTS.format(column=column, empty_json=empty_json), {"kind": kind, "internal": True, "now": now})
    if state:
        _run(_TICKET_STATE.format(column=column), {"state": state, "now": now})


def _tickets(ids) -> list[Ticket]:
    return list(
        Ticket.objects.filter(pk__in=set(ids))
        .select_related("owner__org_unit")
        .only("id", "created_at", "title", "owner_id", "assignee_id", "owner__org_unit")
    )


def _notify_grouped(by_user: dict[int, list[Ticket]], *, kind: str, message: str, key: str) -> int:
    """One notification per person and step, listing a few request numbers."""
    users = User.objects.in_bulk(list(by_user))
    sent = 0
    for user_id, tickets in by_user.items():
        numbers = "、".join(t.number for t in tickets[:LISTED_PER_NOTIFICATION])
        if len(tickets) > LISTED_PER_NOTIFICATION:
            numbers += f" …(+{len(tickets) - LISTED_PER_NOTIFICATION})"
        text = message % {"count": len(tickets), "numbers": numbers}
        single = tickets[0] if len(tickets) == 1 else None
        sent += notify(recipients=[users[user_id]], kind=kind, text=text, dedupe_key=key, ticket=single)
    return sent


def _responsible(tickets) -> dict[int, list[Ticket]]:
    by_user = defaultdict(list)
    for ticket in tickets:
        for user_id in {ticket.owner_id, ticket.assignee_id} - {None}:
            by_user[user_id].append(ticket)
    return by_user


def escalation_recipients(ticket: Ticket, level: int) -> list[User]:
    """The chain above the owner: level 1 the nearest supervisors, level 2 the next ones up."""
    unit = ticket.owner.org_unit if ticket.owner_id else None
    if unit is None:
        return []
    chain = [unit, *reversed(list(OrgUnit.objects.get_ancestors(unit)))]
    supervisors = defaultdict(list)
    for user in User.objects.filter(role=Role.SUPERVISOR, is_active=True, org_unit__in=chain):
        supervisors[user.org_unit_id].append(user)
    levels = [supervisors[candidate.pk] for candidate in chain if supervisors[candidate.pk]]
    return levels[level - 1] if 0 < level <= len(levels) else []


def _warn(now, result) -> None:
    rows = _run(_WARN, {"now": now})
    result.warned = len(rows)
    if rows:
        _mark("warned_at", EventKind.SLA_WARNING, "warning", now)
        result.notifications += _notify_grouped(
            _responsible(_tickets(r[0] for r in rows)),
            kind="sla_warning",
            message=_("%(count)d request(s) will soon pass their time limit: %(numbers)s"),
            key=f"sla_warning:{now.isoformat()}",
        )


def _breach(now, result) -> None:
    rows = _run(_BREACH, {"now": now})
    result.breached = len(rows)
    if rows:
        _mark("breached_at", EventKind.SLA_BREACHED, "breached", now)
        result.notifications += _notify_grouped(
            _responsible(_tickets(r[0] for r in rows)),
            kind="sla_breached",
            message=_("%(count)d request(s) passed their time limit: %(numbers)s"),
            key=f"sla_breached:{now.isoformat()}",
        )


def _escalate(now, result) -> None:
    for policy in SlaPolicy.objects.all().only("id", "escalate_every_hours"):
        threshold = now - timedelta(hours=policy.escalate_every_hours)
        rows = _run(_ESCALATE, {"now": now, "policy": policy.pk, "top": MAX_ESCALATION_LEVEL, "threshold": threshold})
        result.escalated += len(rows)
        if not rows:
            continue
        _mark("escalated_at", EventKind.ESCALATED, None, now)
        levels = dict(rows)
        by_user = defaultdict(list)
        for ticket in _tickets(levels):
            for supervisor in escalation_recipients(ticket, levels[ticket.pk]):
                by_user[supervisor.pk].append(ticket)
        result.notifications += _notify_grouped(
            by_user,
            kind="sla_escalated",
            message=_("Escalated to you: %(count)d overdue request(s): %(numbers)s"),
            key=f"sla_escalated:{now.isoformat()}",
        )


def _remind(now, result) -> None:
    """催办 the day after a missed deadline (国办发〔2020〕53号 practice)."""
    today = datetime.combine(timezone.localdate(now), time.min, tzinfo=timezone.get_current_timezone())
    rows = _run(_REMIND, {"now": now, "today": today})
    result.reminded = len(rows)
    if rows:
        _mark("reminded_at", EventKind.REMINDED, None, now)
        result.notifications += _notify_grouped(
            _responsible(_tickets(r[0] for r in rows)),
            kind="reminder",
            message=_("Reminder: %(count)d request(s) are overdue since yesterday or earlier: %(numbers)s"),
            key=f"sla_reminder:{now.isoformat()}",
        )


def sla_sweep(*, now: datetime | None = None) -> SweepResult:
    """One pass of every timer step, each in its own transaction (a failure keeps the others)."""
    now = now or timezone.now()
    result = SweepResult()
    for step in (_warn, _breach, _escalate, _remind):
        with transaction.atomic():
            step(now, result)
    return result
