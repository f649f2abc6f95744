"""Callback tasks for every moment of a day a rule names, set-based: the catch-up for moments
that passed without the lifecycle hook (bulk loads, imports, a rule added later) and the daily
check that none was missed. One INSERT … SELECT per rule and task number:

- the moments come from a compiled queryset of the tickets app (so no other app's table is
  named here): requests closed (CLOSED rules) or the request events that entered the rule's
  state (STATE_REACHED rules: a complaint's callback state, an installation's handover or
  acceptance), with, per request, its customer's tier rank, the coverage hash and the minute of
  the day of the moment (in the rule calendar's time zone);
- the due and callable-from times depend only on that minute (quiet hours and the calendar are
  the same for the whole day), so they are worked out in Python for the day's 1,440 minutes and
  joined as a VALUES list; a rule's repeats ("then every 3 months, 3 times") are task numbers
  2, 3, … with their own VALUES list;
- NOT EXISTS leaves out requests that have this task number of the rule pending or made since
  the moment, and ON CONFLICT DO NOTHING the rows a concurrent run inserted first (the partial
  unique key), so a rerun or a second worker adds nothing.
"""

from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, ExtractHour, ExtractMinute
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_written
from kefu.customers.tiers import all_tiers
from kefu.sla import calendar as cal
from kefu.tickets.models import Ticket, TicketEvent

from . import schedule
from .choices import CallbackStatus, RuleEvent
from .models import Callback, CallbackRule

UNRANKED = 999
HASH = 2654435761  # the same multiplicative hash as services._sampled


def _moments_on(rule: CallbackRule, low: datetime, high: datetime, zone):
    """The moments `rule` makes tasks for between `low` and `high`, one row per request and
    moment: its closing (CLOSED rules) or its reaching the rule's state, read from the request's
    events (STATE_REACHED rules: a complaint's 待回访, an installation's handover or acceptance)."""
    if rule.event == RuleEvent.STATE_REACHED:
        rows = TicketEvent.objects.filter(to_state_id=rule.state_id, created_at__gte=low, created_at__lt=high)
        ticket, moment = "ticket__", "created_at"
    else:
        rows = Ticket.objects.filter(closed_at__gte=low, closed_at__lt=high)
        ticket, moment = "", "closed_at"
    if rule.ticket_types:
        rows = rows.filter(**{f"{ticket}ticket_type__in": rule.ticket_types})
    ranks = [When(**{f"{ticket}customer__tier": tier.code}, then=Value(tier.rank)) for tier in all_tiers()]
    rank = Case(*ranks, default=Value(UNRANKED), output_field=IntegerField()) if ranks else Value(UNRANKED)
    rows = rows.annotate(
        c_rank=rank,
        c_hash=(F(f"{ticket}id") * HASH) % 100,
        c_minute=ExtractHour(moment, tzinfo=zone) * 60 + ExtractMinute(moment, tzinfo=zone),
        c_staff=Coalesce(f"{ticket}assignee_id", f"{ticket}owner_id"),
        c_team=Coalesce(f"{ticket}assignee__org_unit_id", f"{ticket}owner__org_unit_id"),
    ).filter(Q(c_rank__lte=rule.full_coverage_rank) | Q(c_hash__lt=rule.sample_percent))
    return rows.values(
        "c_staff",
        "c_team",
        "c_rank",
        "c_minute",
        t_id=F(f"{ticket}id"),
        c_customer=F(f"{ticket}customer_id"),
        c_at=F(moment),
    )


def minute_times(rule: CallbackRule, calendar, day: date, sequence: int = 1) -> list[tuple[int, datetime, datetime]]:
    """(minute of the day, due, callable from) of task `sequence` for a moment at each minute of
    `day`: the first is due by the rule's due time and may be called at once (outside quiet hours);
    a repeat is due, and called from, `repeat_every_months` × (sequence − 1) months on."""
    zone = cal.zone(calendar)
    start = datetime.combine(day, time(0), tzinfo=zone)
    rows = []
    for minute in range(24 * 60):
        at = start + timedelta(minutes=minute)
        if sequence == 1:
            due = schedule.due_time(calendar, at, rule.due_amount, rule.due_unit, rule.quiet_hours)
            rows.append((minute, due, schedule.next_callable(calendar, at, rule.quiet_hours)))
        else:
            due = schedule.repeat_due(calendar, at, rule.repeat_every_months * (sequence - 1), rule.quiet_hours)
            rows.append((minute, due, due))
    return rows


def sequences(rule: CallbackRule) -> range:
    """The task numbers a rule makes per moment: the first, then its repeats (as services.callbacks_plan)."""
    return range(1, 2 + (rule.repeat_times if rule.repeat_every_months else 0))


def generate_sql(rule: CallbackRule, calendar, day: date, now: datetime, sequence: int = 1) -> tuple[str, list]:
    zone = cal.zone(calendar)
    low = datetime.combine(day, time(0), tzinfo=zone)
    moments_sql, moments_params = _moments_on(rule, low, low + timedelta(days=1), zone).query.sql_with_params()
    adapt = connection.ops.adapt_datetimefield_value
    times = minute_times(rule, calendar, day, sequence)
    values = ", ".join(["(%s, %s, %s)"] * len(times))
    params = [value for minute, due, next_try in times for value in (minute, adapt(due), adapt(next_try))]
    table = Callback._meta.db_table
    sql = (
        f"WITH m (minute, due, next_try) AS (VALUES {values})"
        f" INSERT INTO {table} (version, rule_id, ticket_id, customer_id, staff_id, team_id, sequence, tier_rank,"
        " due_at, next_try_at, status, attempts, result, answers, comment, created_at)"
        " SELECT 1, %s, t.t_id, t.c_customer, t.c_staff, t.c_team, %s, t.c_rank, m.due, m.next_try,"
        " %s, 0, '', '{}', '', %s"
        f" FROM ({moments_sql}) t JOIN m ON m.minute = t.c_minute"
        # Left out: a request with this task pending, or made since the moment (by the hook or
        # an earlier run, whatever became of it since).
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} c WHERE c.rule_id = %s AND c.ticket_id = t.t_id"
        " AND c.sequence = %s AND (c.status = %s OR c.created_at >= t.c_at))"
        " ON CONFLICT DO NOTHING RETURNING id AS target_id, customer_id"
    )
    if connection.vendor == "postgresql":  # VALUES of parameters: say what the columns are
        sql = sql.replace("(VALUES ", "(SELECT minute::int, due::timestamptz, next_try::timestamptz FROM (VALUES ", 1)
        sql = sql.replace(") INSERT INTO", ") AS v (minute, due, next_try)) INSERT INTO", 1)
    params += [rule.pk, sequence, CallbackStatus.PENDING, adapt(now), *moments_params]
    params += [rule.pk, sequence, CallbackStatus.PENDING]
    return sql, params


def callbacks_generate(*, day: date | None = None, audit: bool = True, event: str | None = None) -> int:
    """Tasks of every active rule (or of the rules of `event`) for the moments on `day` (local
    date; default today) that have none yet: requests closed, requests reaching a rule's state,
    each with the rule's repeats. Returns how many were added; idempotent, and safe beside the
    hook or a second worker (NOT EXISTS, then the partial unique key with ON CONFLICT DO NOTHING)."""
    from .services import _active_rules, _calendar_of

    day = day or timezone.localdate()
    added = 0
    for rule in _active_rules():
        if event is not None and rule.event != event:
            continue
        if rule.event == RuleEvent.STATE_REACHED and not rule.state_id:
            continue
        calendar = _calendar_of(rule)
        if rule.event == RuleEvent.CLOSED:
            summary = _("Callback planned for a request closed on %(day)s") % {"day": day}
        else:
            summary = _("Callback planned for a request that reached its callback state on %(day)s") % {"day": day}
        for sequence in sequences(rule):
            sql, params = generate_sql(rule, calendar, day, timezone.now(), sequence)
            with transaction.atomic():
                if audit:
                    added += audit_written(
                        sql,
                        params,
                        actor=None,
                        action=AuditAction.CREATED,
                        target_type="callbacks.callback",
                        target_repr=_("Callback planned"),
                        summary=summary,
                    )
                else:
                    with connection.cursor() as cursor:
                        cursor.execute(sql, params)
                        added += len(cursor.fetchall())
    return added


def callbacks_generate_closed(*, day: date | None = None, audit: bool = True) -> int:
    """The 'request closed' rules only (what bench/bench_callbacks.py measures)."""
    return callbacks_generate(day=day, audit=audit, event=RuleEvent.CLOSED)
