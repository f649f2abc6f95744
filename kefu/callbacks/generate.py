"""Callback tasks for every request closed on a day, set-based: the catch-up for requests closed
without the lifecycle hook (bulk loads, imports, a rule added later) and the daily check that
none was missed. One INSERT … SELECT per rule:

- the requests come from a compiled queryset of the tickets app (so no other app's table is
  named here) with, per request, its customer's tier rank, the coverage hash and the minute of
  the day it closed (in the rule calendar's time zone);
- the due and callable-from times depend only on that minute (quiet hours and the calendar are
  the same for the whole day), so they are worked out in Python for the day's 1,440 minutes and
  joined as a VALUES list;
- NOT EXISTS leaves out requests that have a pending task of the rule or one made since they
  closed, and ON CONFLICT DO NOTHING the rows a concurrent run inserted first (the partial unique
  key), so a rerun or a second worker adds nothing.
"""

from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, ExtractHour, ExtractMinute
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_many
from kefu.customers.tiers import all_tiers
from kefu.sla import calendar as cal
from kefu.tickets.models import Ticket

from . import schedule
from .choices import CallbackStatus, RuleEvent
from .models import Callback, CallbackRule

UNRANKED = 999
HASH = 2654435761  # the same multiplicative hash as services._sampled


def _closed_on(rule: CallbackRule, low: datetime, high: datetime, zone):
    tickets = Ticket.objects.filter(closed_at__gte=low, closed_at__lt=high)
    if rule.ticket_types:
        tickets = tickets.filter(ticket_type__in=rule.ticket_types)
    ranks = [When(customer__tier=tier.code, then=Value(tier.rank)) for tier in all_tiers()]
    rank = Case(*ranks, default=Value(UNRANKED), output_field=IntegerField()) if ranks else Value(UNRANKED)
    tickets = tickets.annotate(
        c_rank=rank,
        c_hash=(F("id") * HASH) % 100,
        c_minute=ExtractHour("closed_at", tzinfo=zone) * 60 + ExtractMinute("closed_at", tzinfo=zone),
        c_staff=Coalesce("assignee_id", "owner_id"),
        c_team=Coalesce("assignee__org_unit_id", "owner__org_unit_id"),
    ).filter(Q(c_rank__lte=rule.full_coverage_rank) | Q(c_hash__lt=rule.sample_percent))
    return tickets.values("id", "customer_id", "closed_at", "c_staff", "c_team", "c_rank", "c_minute")


def minute_times(rule: CallbackRule, calendar, day: date) -> list[tuple[int, datetime, datetime]]:
    """(minute of the day, due, callable from) for a request closed at each minute of `day`."""
    zone = cal.zone(calendar)
    start = datetime.combine(day, time(0), tzinfo=zone)
    rows = []
    for minute in range(24 * 60):
        at = start + timedelta(minutes=minute)
        due = schedule.due_time(calendar, at, rule.due_amount, rule.due_unit, rule.quiet_hours)
        rows.append((minute, due, schedule.next_callable(calendar, at, rule.quiet_hours)))
    return rows


def generate_sql(rule: CallbackRule, calendar, day: date, now: datetime) -> tuple[str, list]:
    zone = cal.zone(calendar)
    low = datetime.combine(day, time(0), tzinfo=zone)
    tickets_sql, tickets_params = _closed_on(rule, low, low + timedelta(days=1), zone).query.sql_with_params()
    adapt = connection.ops.adapt_datetimefield_value
    times = minute_times(rule, calendar, day)
    values = ", ".join(["(%s, %s, %s)"] * len(times))
    params = [value for minute, due, next_try in times for value in (minute, adapt(due), adapt(next_try))]
    table = Callback._meta.db_table
    sql = (
        f"WITH m (minute, due, next_try) AS (VALUES {values})"
        f" INSERT INTO {table} (version, rule_id, ticket_id, customer_id, staff_id, team_id, sequence, tier_rank,"
        " due_at, next_try_at, status, attempts, result, answers, comment, created_at)"
        " SELECT 1, %s, t.id, t.customer_id, t.c_staff, t.c_team, 1, t.c_rank, m.due, m.next_try,"
        " %s, 0, '', '{}', '', %s"
        f" FROM ({tickets_sql}) t JOIN m ON m.minute = t.c_minute"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} c WHERE c.rule_id = %s AND c.ticket_id = t.id"
        " AND (c.status = %s OR c.created_at >= t.closed_at))"
        " ON CONFLICT DO NOTHING RETURNING id, customer_id"
    )
    if connection.vendor == "postgresql":  # VALUES of parameters: say what the columns are
        sql = sql.replace("(VALUES ", "(SELECT minute::int, due::timestamptz, next_try::timestamptz FROM (VALUES ", 1)
        sql = sql.replace(") INSERT INTO", ") AS v (minute, due, next_try)) INSERT INTO", 1)
    params += [rule.pk, CallbackStatus.PENDING, adapt(now), *tickets_params, rule.pk, CallbackStatus.PENDING]
    return sql, params


def callbacks_generate_closed(*, day: date | None = None, audit: bool = True) -> int:
    """Tasks of every active 'request closed' rule for the requests closed on `day` (local date;
    default today) that have none yet. Returns how many were added; idempotent."""
    from .services import _active_rules, _calendar_of

    day = day or timezone.localdate()
    added = 0
    for rule in _active_rules():
        if rule.event != RuleEvent.CLOSED:
            continue
        calendar = _calendar_of(rule)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(*generate_sql(rule, calendar, day, timezone.now()))
            rows = cursor.fetchall()
            if audit and rows:
                audit_many(
                    actor=None,
                    action=AuditAction.CREATED,
                    target_type="callbacks.callback",
                    targets=((pk, _("Callback planned"), customer_id) for pk, customer_id in rows),
                    summary=_("Callback planned for a request closed on %(day)s") % {"day": day},
                )
        added += len(rows)
    return added
