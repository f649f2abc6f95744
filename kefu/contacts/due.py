"""When each managed customer must next be contacted: the ContactDue table, rebuilt set-based.

One INSERT … SELECT: the customers (a compiled ORM queryset of the customers app: no other app's
table is named here) joined to their tier's plan, to the contact log read once with GROUP BY
(the last contact, and the last on each plan channel) and to their assignment. Only the date
arithmetic and the next step of the last contact, which the ORM does not write the same way on
both databases, are written per vendor.

A customer's due date is the earliest of:
- first contact: the present manager was assigned on day D and nobody has logged a contact
  since: contact by D + 6 (seed 002 篇七: within 7 days; on the 8th day it is overdue);
- the plan: the last contact on a channel that answers the plan (or, without one, the
  assignment or the customer's registration) plus the plan's days;
- the next step: the date agreed on the last contact.
"""

from datetime import date

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from kefu.customers.choices import CustomerStatus
from kefu.customers.models import Customer

from .choices import ContactChannel, DueReason, channels_answering
from .models import Assignment, ContactDue, ContactLog, ContactPlan

# A newly assigned customer is contacted within this many days, the day of assignment included.
FIRST_CONTACT_DAYS = 7
NEVER = date(9999, 12, 31)


def _plus_days(expression: str, days: str) -> str:
    """SQL adding `days` (an SQL integer expression) to a date expression."""
    if connection.vendor == "postgresql":
        return f"(({expression}) + ({days})::integer)"
    return f"date({expression}, '+' || ({days}) || ' days')"


def _least(*expressions: str) -> str:
    """The earliest of dates that may be NULL (PostgreSQL's LEAST skips NULLs, SQLite's MIN does
    not): each NULL reads as NEVER, one parameter each."""
    function = "LEAST" if connection.vendor == "postgresql" else "MIN"
    return f"{function}({', '.join(f'COALESCE({e}, %s)' for e in expressions)})"


def _customers(customer_ids):
    customers = Customer.objects.exclude(status=CustomerStatus.CLOSED).filter(account_manager__isnull=False)
    if customer_ids is not None:
        customers = customers.filter(pk__in=customer_ids)
    customers = customers.annotate(
        d_id=F("id"), d_manager=F("account_manager_id"), d_tier=F("tier"), d_created=TruncDate("created_at")
    )
    fields = ["d_id", "d_manager", "d_tier", "d_created"]
    if connection.vendor != "postgresql":
        # SQLite has no ordered aggregate: the next step of the newest contact, one index probe.
        newest = ContactLog.objects.filter(customer=OuterRef("pk")).order_by("-contacted_at", "-pk")
        customers = customers.annotate(d_next=Subquery(newest.values("next_step_on")[:1]))
        fields.append("d_next")
    return customers.values(*fields)


def _log_summary(customer_ids):
    """Per customer: the last contact, the last on the channels answering each plan channel
    (as local dates), and on PostgreSQL the next step dates newest first."""
    logs = ContactLog.objects.all()
    if customer_ids is not None:
        logs = logs.filter(customer_id__in=customer_ids)
    per_channel = {
        f"l_{channel}": TruncDate(Max("contacted_at", filter=Q(channel__in=channels_answering(channel))))
        for channel in ContactChannel.values
    }
    summary = logs.values("customer_id").annotate(
        l_customer=F("customer_id"), l_last=Max("contacted_at"), **per_channel
    )
    fields = ["l_customer", "l_last", *per_channel]
    if connection.vendor == "postgresql":
        summary = summary.annotate(l_next=ArrayAgg("next_step_on", order_by=("-contacted_at", "-id")))
        fields.append("l_next")
    return summary.values(*fields)


def _assignments(customer_ids):
    assignments = Assignment.objects.all()
    if customer_ids is not None:
        assignments = assignments.filter(customer_id__in=customer_ids)
    return assignments.annotate(
        a_customer=F("customer_id"), a_manager=F("manager_id"), a_at=F("assigned_at"), a_on=TruncDate("assigned_at")
    ).values("a_customer", "a_manager", "a_at", "a_on")


def due_select_sql(customer_ids=None) -> tuple[str, list]:
    """The SELECT of the due rows (customer, manager, due_on, reason, channel, last contact) of
    every managed customer, or of `customer_ids`."""
    customers_sql, customers_params = _customers(customer_ids).query.sql_with_params()
    logs_sql, logs_params = _log_summary(customer_ids).query.sql_with_params()
    assigned_sql, assigned_params = _assignments(customer_ids).query.sql_with_params()
    plans = ContactPlan._meta.db_table
    plan_last = " ".join(f"WHEN '{channel}' THEN l.l_{channel}" for channel in ContactChannel.values)
    next_due = "(l.l_next)[1]" if connection.vendor == "postgresql" else "c.d_next"
    first_due = (
        "CASE WHEN a.a_at IS NOT NULL AND (l.l_last IS NULL OR l.l_last < a.a_at)"
        f" THEN {_plus_days('a.a_on', '%s')} END"
    )
    plan_due = _plus_days(f"COALESCE(CASE p.channel {plan_last} END, a.a_on, c.d_created)", "p.every_days")
    inner = (
        f"SELECT c.d_id AS cid, c.d_manager AS mid, COALESCE(p.channel, '') AS channel, l.l_last AS last_at,"
        f" {first_due} AS first_due, {plan_due} AS plan_due, {next_due} AS next_due"
        f" FROM ({customers_sql}) c"
        f" LEFT JOIN {plans} p ON p.tier = CASE WHEN c.d_tier IN"
        f" (SELECT tier FROM {plans} WHERE tier <> '') THEN c.d_tier ELSE '' END"
        f" LEFT JOIN ({logs_sql}) l ON l.l_customer = c.d_id"
        f" LEFT JOIN ({assigned_sql}) a ON a.a_customer = c.d_id AND a.a_manager = c.d_manager"
    )
    inner_params = [FIRST_CONTACT_DAYS - 1, *customers_params, *logs_params, *assigned_params]
    middle = f"SELECT e.*, {_least('e.first_due', 'e.plan_due', 'e.next_due')} AS due FROM ({inner}) e"
    sql = (
        "SELECT d.cid, d.mid, d.due,"
        " CASE WHEN d.due = d.first_due THEN %s WHEN d.due = d.next_due THEN %s ELSE %s END,"
        f" d.channel, d.last_at FROM ({middle}) d WHERE d.due < %s"
    )
    params = [DueReason.FIRST_CONTACT.value, DueReason.NEXT_STEP.value, DueReason.PLAN.value]
    return sql, [*params, NEVER, NEVER, NEVER, *inner_params, NEVER]


def contacts_due_refresh(*, customer_ids=None) -> int:
    """Rebuild the due rows: of every customer (nightly), or of `customer_ids` (a list or a
    queryset of ids: after a contact, an assignment, a tier change). One DELETE and one INSERT …
    SELECT in one transaction (readers see the old rows until it commits). Returns the number of
    rows written."""
    table = ContactDue._meta.db_table
    columns = "customer_id, manager_id, due_on, reason, channel, last_contact_at"
    with transaction.atomic():
        stale = ContactDue.objects.all()
        if customer_ids is not None:
            stale = stale.filter(customer_id__in=customer_ids)
        stale.delete()  # one DELETE: nothing refers to these rows
        sql, params = due_select_sql(customer_ids)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
            return cursor.rowcount
