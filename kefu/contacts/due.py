"""When each managed customer must next be contacted: the ContactDue table, rebuilt set-based.

One INSERT … SELECT per contact plan (the customers of its tier, then everyone else under the
default plan). The customers and their values come from a compiled ORM queryset (customers are
read through the ORM, no other app's table is named here); only the date arithmetic, which the
ORM does not write the same way on both databases, is written out per vendor.

A customer's due date is the earliest of:
- first contact: the present manager was assigned on day D and nobody has logged a contact
  since: contact by D + 6 (seed 002 篇七: within 7 days; on the 8th day it is overdue);
- the plan: the last contact on a channel that answers the plan (or, without one, the
  assignment or the customer's registration) plus the plan's days;
- the next step: the date agreed on the last contact.
"""

from datetime import date

from django.db import connection, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import TruncDate

from kefu.customers.choices import CustomerStatus
from kefu.customers.models import Customer

from .choices import ContactChannel, DueReason, channels_answering
from .models import Assignment, ContactDue, ContactLog, ContactPlan

# A newly assigned customer is contacted within this many days, the day of assignment included.
FIRST_CONTACT_DAYS = 7
NEVER = date(9999, 12, 31)


def _plus_days(expression: str) -> str:
    """SQL adding a day count (one parameter) to a date expression."""
    if connection.vendor == "postgresql":
        return f"(({expression}) + %s::integer)"
    return f"date({expression}, '+' || %s || ' days')"


def _least(*expressions: str) -> str:
    function = "LEAST" if connection.vendor == "postgresql" else "MIN"
    return f"{function}({', '.join(f'COALESCE({e}, %s)' for e in expressions)})"


def _customers(plan: ContactPlan | None, explicit: list[str], customer_ids):
    customers = Customer.objects.exclude(status=CustomerStatus.CLOSED).filter(account_manager__isnull=False)
    if plan is not None and plan.tier:
        customers = customers.filter(tier=plan.tier)
    else:
        customers = customers.exclude(tier__in=explicit)
    if customer_ids is not None:
        customers = customers.filter(pk__in=customer_ids)
    logs = ContactLog.objects.filter(customer=OuterRef("pk")).order_by("-contacted_at", "-pk")
    channels = channels_answering(plan.channel) if plan is not None else list(ContactChannel.values)
    assigned = Assignment.objects.filter(customer=OuterRef("pk"), manager=OuterRef("account_manager")).values(
        "assigned_at"
    )[:1]
    return customers.annotate(
        d_id=F("id"),
        d_manager=F("account_manager_id"),
        d_created=TruncDate("created_at"),
        d_last=Subquery(logs.values("contacted_at")[:1]),
        d_next=Subquery(logs.values("next_step_on")[:1]),
        d_plan_last=TruncDate(Subquery(logs.filter(channel__in=channels).values("contacted_at")[:1])),
        d_assigned_at=Subquery(assigned),
        d_assigned_on=TruncDate(Subquery(assigned)),
    ).values("d_id", "d_manager", "d_created", "d_last", "d_next", "d_plan_last", "d_assigned_at", "d_assigned_on")


def due_select_sql(plan: ContactPlan | None, explicit: list[str], customer_ids=None) -> tuple[str, list]:
    """The SELECT of the due rows (customer, manager, due_on, reason, channel, last contact) of
    the customers under `plan` (None: customers under no plan at all)."""
    customers_sql, params = _customers(plan, explicit, customer_ids).query.sql_with_params()
    first_due = (
        "CASE WHEN c.d_assigned_at IS NOT NULL AND (c.d_last IS NULL OR c.d_last < c.d_assigned_at)"
        f" THEN {_plus_days('c.d_assigned_on')} END"
    )
    plan_due = _plus_days("COALESCE(c.d_plan_last, c.d_assigned_on, c.d_created)") if plan is not None else "NULL"
    inner = (
        f"SELECT c.d_id AS cid, c.d_manager AS mid, c.d_last AS last_at, {first_due} AS first_due,"
        f" {plan_due} AS plan_due, c.d_next AS next_due FROM ({customers_sql}) c"
    )
    inner_params = [FIRST_CONTACT_DAYS - 1] + ([plan.every_days] if plan is not None else []) + list(params)
    middle = f"SELECT e.*, {_least('e.first_due', 'e.plan_due', 'e.next_due')} AS due FROM ({inner}) e"
    middle_params = [NEVER, NEVER, NEVER, *inner_params]
    sql = (
        "SELECT d.cid, d.mid, d.due,"
        " CASE WHEN d.due = d.first_due THEN %s WHEN d.due = d.next_due THEN %s ELSE %s END,"
        f" %s, d.last_at FROM ({middle}) d WHERE d.due < %s"
    )
    return sql, [
        DueReason.FIRST_CONTACT.value,
        DueReason.NEXT_STEP.value,
        DueReason.PLAN.value,
        plan.channel if plan is not None else "",
        *middle_params,
        NEVER,
    ]


def _passes() -> list[tuple[ContactPlan | None, list[str]]]:
    plans = list(ContactPlan.objects.all())
    explicit = [plan.tier for plan in plans if plan.tier]
    default = next((plan for plan in plans if not plan.tier), None)
    return [(plan, explicit) for plan in plans if plan.tier] + [(default, explicit)]


def contacts_due_refresh(*, customer_ids=None) -> int:
    """Rebuild the due rows: of every customer (nightly), or of `customer_ids` (a list or a
    queryset of ids: after a contact, an assignment, a tier change). One DELETE and one INSERT …
    SELECT per plan, in one transaction (readers see the old rows until it commits). Returns the
    number of rows written."""
    table = ContactDue._meta.db_table
    columns = "customer_id, manager_id, due_on, reason, channel, last_contact_at"
    written = 0
    with transaction.atomic():
        stale = ContactDue.objects.all()
        if customer_ids is not None:
            stale = stale.filter(customer_id__in=customer_ids)
        stale.delete()  # one DELETE: nothing refers to these rows
        with connection.cursor() as cursor:
            for plan, explicit in _passes():
                sql, params = due_select_sql(plan, explicit, customer_ids)
                cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)
                written += cursor.rowcount
    return written
