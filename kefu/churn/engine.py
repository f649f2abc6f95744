"""Scoring every customer's churn risk in one INSERT … SELECT into the run's score table.

The customer, volume, complaint, callback, contact and competitor data are read through
querysets of their apps' models, compiled by Django (`query.sql_with_params()`), so this module
names no other app's table; the statement around them joins those derived tables by customer id,
turns each factor's reading into points (step 3 of `score_insert_sql`, each rule written once, in
SQL) and adds them up. Every factor's reading and points are stored, so the explanation is what the run computed.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from kefu.callbacks.choices import Satisfaction
from kefu.callbacks.models import Callback
from kefu.contacts.models import ContactLog
from kefu.customers.choices import CustomerStatus
from kefu.customers.models import Customer, CustomerVolume
from kefu.sales.selectors import competitor_activity
from kefu.tickets.choices import TicketType
from kefu.tickets.models import Ticket

from .models import ChurnScore


def month_bounds(as_of: date, months: int) -> tuple[date, date, date]:
    """(earlier start, recent start, end): the `months` whole months before as_of's month, and
    the `months` before those. Volumes are monthly rows dated the first of their month."""

    def shift(day: date, back: int) -> date:
        index = day.year * 12 + day.month - 1 - back
        return date(index // 12, index % 12 + 1, 1)

    end = as_of.replace(day=1)
    return shift(end, 2 * months), shift(end, months), end


def _compiled(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def scored_customers():
    """Every customer whose account is not closed."""
    return Customer.objects.exclude(status=CustomerStatus.CLOSED)


def _customer_rows():
    # The creation time stands in for a last contact when none was ever logged: a customer
    # registered yesterday has not gone "long without contact".
    return scored_customers().annotate(c_id=F("id"), c_since=F("created_at")).values("c_id", "c_since").order_by()


def _volume_rows(rules: dict, as_of: date):
    earlier, recent, end = month_bounds(as_of, rules["recent_months"])
    is_recent, is_earlier = Q(period__gte=recent), Q(period__lt=recent)
    return (
        CustomerVolume.objects.filter(period__gte=earlier, period__lt=end)
        .values("customer_id")
        .annotate(
            v_customer=F("customer_id"),
            v_vol_recent=Sum("volume", filter=is_recent),
            v_vol_earlier=Sum("volume", filter=is_earlier),
            v_rev_recent=Sum("revenue", filter=is_recent),
            v_rev_earlier=Sum("revenue", filter=is_earlier),
        )
        .values("v_customer", "v_vol_recent", "v_vol_earlier", "v_rev_recent", "v_rev_earlier")
        .order_by()
    )


def _complaint_rows(rules: dict, as_of: date):
    """Complaints registered in the window, and those still unresolved whenever registered.
    A complaint found invalid (is_valid False) says nothing about the customer."""
    since = _start_of(as_of - timedelta(days=rules["complaint_days"]))
    recent, unresolved = Q(created_at__gte=since), Q(closed_at__isnull=True)
    return (
        Ticket.objects.filter(ticket_type=TicketType.COMPLAINT, customer__isnull=False)
        .filter(recent | unresolved)
        .exclude(is_valid=False)
        .values("customer_id")
        .annotate(
            k_customer=F("customer_id"),
            k_count=Count("id", filter=recent),
            k_open=Count("id", filter=unresolved),
        )
        .values("k_customer", "k_count", "k_open")
        .order_by()
    )


def _callback_rows(rules: dict, as_of: date):
    since = _start_of(as_of - timedelta(days=rules["callback_days"]))
    return (
        Callback.objects.filter(result=Satisfaction.UNSATISFIED, completed_at__gte=since, customer__isnull=False)
        .values("customer_id")
        .annotate(b_customer=F("customer_id"), b_count=Count("id"))
        .values("b_customer", "b_count")
        .order_by()
    )


def _contact_rows():
    """The newest logged contact per customer (kefu.contacts), as one GROUP BY over the log.
    Not `contacts.selectors.last_contact_at`: that subquery probes the log and sorts its rows
    once per customer, a million times in a run; one aggregate reads the log once."""
    return (
        ContactLog.objects.values("customer_id")
        .annotate(n_customer=F("customer_id"), n_last=Max("contacted_at"))
        .values("n_customer", "n_last")
        .order_by()
    )


def _competitor_rows(rules: dict, as_of: date) -> tuple[str, list]:
    """Competitor records learned, or competitor visits made, in the window (kefu.sales)."""
    sql, params = _compiled(competitor_activity(as_of - timedelta(days=rules["competitor_days"])))
    return f"SELECT a.customer_id AS s_customer, a.records AS s_count FROM ({sql}) a", params


def _ratio(part: str, full: str) -> str:
    """min(part / full, 1) with full > 0 (a whole-number setting)."""
    return f"(CASE WHEN {part} >= {full} THEN 1.0 ELSE {part} * 1.0 / {full} END)"


def score_insert_sql(run_id: int, rules: dict, as_of: date) -> tuple[str, list]:
    """The one INSERT … SELECT of a run: every customer's readings, points per factor and score."""
    customers_sql, params = _compiled(_customer_rows())
    from_sql = f"({customers_sql}) c"
    joins = [
        ("v", "v_customer", _volume_rows(rules, as_of)),
        ("k", "k_customer", _complaint_rows(rules, as_of)),
        ("b", "b_customer", _callback_rows(rules, as_of)),
        ("n", "n_customer", _contact_rows()),
        ("s", "s_customer", _competitor_rows(rules, as_of)),
    ]
    for alias, key, rows in joins:
        sql, more = rows if isinstance(rows, tuple) else _compiled(rows)
        from_sql += f" LEFT JOIN ({sql}) {alias} ON {alias}.{key} = c.c_id"
        params += more
    # 1. What each factor read.
    readings = (
        "SELECT c.c_id AS customer_id, c.c_since AS since,"
        " COALESCE(v.v_vol_recent, 0) AS volume_recent, COALESCE(v.v_vol_earlier, 0) AS volume_earlier,"
        " COALESCE(v.v_rev_recent, 0) AS revenue_recent, COALESCE(v.v_rev_earlier, 0) AS revenue_earlier,"
        " COALESCE(k.k_count, 0) AS complaints, COALESCE(k.k_open, 0) AS open_complaints,"
        " COALESCE(b.b_count, 0) AS unsatisfied,"
        " n.n_last AS last_contact, COALESCE(s.s_count, 0) AS competitor_records"
        f" FROM {from_sql}"
    )
    # 2. The larger of the two drops, as a share of the earlier months (0 when nothing earlier).
    volume_drop, revenue_drop = (
        f"(CASE WHEN r.{kind}_earlier > 0"
        f" THEN (r.{kind}_earlier - r.{kind}_recent) * 1.0 / r.{kind}_earlier ELSE 0 END)"
        for kind in ("volume", "revenue")
    )
    dropped = (
        f"SELECT r.*, CASE WHEN {volume_drop} > {revenue_drop} THEN {volume_drop} ELSE {revenue_drop} END AS drop_share"
        f" FROM ({readings}) r"
    )
    # 3. Points per factor (weight × strength, strength between 0 and 1), rounded to cents.
    cutoff = _start_of(as_of - timedelta(days=rules["no_contact_days"]))
    w = {factor: Decimal(str(rules["weights"][factor])) for factor in rules["weights"]}
    points = {
        "points_volume": (
            "ROUND(CASE WHEN d.drop_share * 100 >= %s"
            " THEN %s * (CASE WHEN d.drop_share > 1 THEN 1 ELSE d.drop_share END) ELSE 0 END, 2)",
            [rules["min_drop_percent"], w["volume"]],
        ),
        "points_complaints": (
            f"ROUND(%s * {_ratio('(d.complaints + d.open_complaints)', '%s')}, 2)",
            [w["complaints"], rules["complaints_full"], rules["complaints_full"]],
        ),
        "points_callbacks": (
            f"ROUND(%s * {_ratio('d.unsatisfied', '%s')}, 2)",
            [w["callbacks"], rules["callbacks_full"], rules["callbacks_full"]],
        ),
        "points_contact": (
            "(CASE WHEN COALESCE(d.last_contact, d.since) < %s THEN %s ELSE 0 END)",
            [cutoff, w["contact"]],
        ),
        "points_competitor": (
            f"ROUND(%s * {_ratio('d.competitor_records', '%s')}, 2)",
            [w["competitor"], rules["competitors_full"], rules["competitors_full"]],
        ),
    }
    point_sql = ", ".join(f"{sql} AS {name}" for name, (sql, _p) in points.items())
    point_params = [p for _name, (_sql, ps) in points.items() for p in ps]
    scored = (
        "SELECT d.customer_id, d.volume_recent, d.volume_earlier, d.revenue_recent, d.revenue_earlier,"
        " ROUND(d.drop_share * 100, 2) AS drop_percent, d.complaints, d.open_complaints, d.unsatisfied,"
        f" d.last_contact, d.competitor_records, {point_sql} FROM ({dropped}) d"
    )
    columns = [
        "customer_id", "volume_recent", "volume_earlier", "revenue_recent", "revenue_earlier", "drop_percent",
        "complaints", "open_complaints", "unsatisfied", "last_contact", "competitor_records",
        *points,
    ]  # fmt: skip
    total = " + ".join(f"p.{name}" for name in points)
    table = ChurnScore._meta.db_table
    sql = (
        f"INSERT INTO {table} (run_id, {', '.join(columns)}, score)"
        f" SELECT %s, {', '.join('p.' + c for c in columns)}, {total} FROM ({scored}) p"
    )
    return sql, _for_database([run_id, *point_params, *params])


def _for_database(params: list) -> list:
    # SQLite is given decimals as text, and compares any number as less than any text.
    if connection.vendor == "sqlite":
        return [float(p) if isinstance(p, Decimal) else p for p in params]
    return params


def insert_scores(run_id: int, rules: dict, as_of: date) -> int:
    """Write the run's scores; returns how many customers were scored."""
    sql, params = score_insert_sql(run_id, rules, as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def analyse_scores() -> None:
    """Refresh PostgreSQL's statistics of the score table after a run's million-row insert, so
    that the next statements of the run (the tasks' INSERT … SELECT) are planned on its size."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ChurnScore._meta.db_table}")
