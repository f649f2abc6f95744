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


def _mark(column: str, kind: str, state: str | None, now: datetime) -> None:
    """Events on the requests stamped in this step, and their mirrored time-limit state."""
    empty_json = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    _run(_EVENTS.format(column=column, empty_json=empty_json), {"kind": kind, "internal": True, "now": now})
    if state:
        _run(_TICKET_STATE.format(column=column), {"state": state, "now": now})


@dataclass(frozen=True)
class _Stamped:
    """What a notification needs of a request, read without building model objects."""

    id: int
    created_at: datetime
    owner_id: int
    assignee_id: int | None
    owner_unit_id: int | None

    @property
    def number(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y%m%d}-{self.id}"


_STAMPED = """
SELECT t.id, t.created_at, t.owner_id, t.assignee_id, u.org_unit_id
FROM tickets_ticket t JOIN org_user u ON u.id = t.owner_id
WHERE t.id IN (SELECT ticket_id FROM sla_slaclock WHERE {column} = %(now)s)"""


def _stamped(column: str, now: datetime) -> list[_Stamped]:
    rows = _run(_STAMPED.format(column=column), {"now": now})
    convert = connection.ops.convert_datetimefield_value if connection.vendor == "sqlite" else None
    stamped = []
    for ticket_id, created_at, owner_id, assignee_id, unit_id in rows:
        if convert:
            created_at = convert(created_at, None, connection)
        stamped.append(_Stamped(ticket_id, created_at, owner_id, assignee_id, unit_id))
    return stamped


def _notify_grouped(by_user: dict[int, list[_Stamped]], *, kind: str, message: str, key: str) -> int:
    """One notification per person and step, listing a few request numbers."""
    users = User.objects.in_bulk(list(by_user))
    sent = 0
    for user_id, tickets in by_user.items():
        numbers = "、".join(t.number for t in tickets[:LISTED_PER_NOTIFICATION])
        if len(tickets) > LISTED_PER_NOTIFICATION:
            numbers += f" …(+{len(tickets) - LISTED_PER_NOTIFICATION})"
        text = message % {"count": len(tickets), "numbers": numbers}
        single = Ticket(pk=tickets[0].id) if len(tickets) == 1 else None
        sent += notify(recipients=[users[user_id]], kind=kind, text=text, dedupe_key=key, ticket=single)
    return sent


def _responsible(tickets: list[_Stamped]) -> dict[int, list[_Stamped]]:
    by_user = defaultdict(list)
    for ticket in tickets:
        for user_id in {ticket.owner_id, ticket.assignee_id} - {None}:
            by_user[user_id].append(ticket)
    return by_user


def escalation_chain(unit_id: int | None) -> list[list[User]]:
    """Supervisors above a unit, nearest first: [level 1 supervisors, level 2 supervisors, …]."""
    if unit_id is None:
        return []
    unit = OrgUnit.objects.get(pk=unit_id)
    chain = [unit, *reversed(list(OrgUnit.objects.get_ancestors(unit)))]
    supervisors = defaultdict(list)
    for user in User.objects.filter(role=Role.SUPERVISOR, is_active=True, org_unit__in=chain):
        supervisors[user.org_unit_id].append(user)
    return [supervisors[candidate.pk] for candidate in chain if supervisors[candidate.pk]]


def _warn(now, result) -> None:
    rows = _run(_WARN, {"now": now})
    result.warned = len({row[0] for row in rows})
    if rows:
        _mark("warned_at", EventKind.SLA_WARNING, "warning", now)
        result.notifications += _notify_grouped(
            _responsible(_stamped("warned_at", now)),
            kind="sla_warning",
            message=_("%(count)d request(s) will soon pass their time limit: %(numbers)s"),
            key=f"sla_warning:{now.isoformat()}",
        )


def _breach(now, result) -> None:
    rows = _run(_BREACH, {"now": now})
    result.breached = len({row[0] for row in rows})
    if rows:
        _mark("breached_at", EventKind.SLA_BREACHED, "breached", now)
        result.notifications += _notify_grouped(
            _responsible(_stamped("breached_at", now)),
            kind="sla_breached",
            message=_("%(count)d request(s) passed their time limit: %(numbers)s"),
            key=f"sla_breached:{now.isoformat()}",
        )


def _escalate(now, result) -> None:
    """Each policy has its own interval; all claims first, then one round of events and notices."""
    levels = {}
    for policy in SlaPolicy.objects.all().only("id", "escalate_every_hours"):
        threshold = now - timedelta(hours=policy.escalate_every_hours)
        params = {"now": now, "policy": policy.pk, "top": MAX_ESCALATION_LEVEL, "threshold": threshold}
        levels.update(dict(_run(_ESCALATE, params)))
    result.escalated = len(levels)
    if not levels:
        return
    _mark("escalated_at", EventKind.ESCALATED, None, now)
    chains, by_user = {}, defaultdict(list)
    for ticket in _stamped("escalated_at", now):
        if ticket.owner_unit_id not in chains:
            chains[ticket.owner_unit_id] = escalation_chain(ticket.owner_unit_id)
        chain, level = chains[ticket.owner_unit_id], levels[ticket.id]
        for supervisor in chain[level - 1] if level <= len(chain) else []:
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
    result.reminded = len({row[0] for row in rows})
    if rows:
        _mark("reminded_at", EventKind.REMINDED, None, now)
        result.notifications += _notify_grouped(
            _responsible(_stamped("reminded_at", now)),
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
