"""Scoring every customer of a run in one INSERT … SELECT into the run's own score table.

The customer, volume and complaint data are read through querysets of their apps' models,
compiled by Django (`query.sql_with_params()`), so this module names no other app's table; the
statement around them only joins those derived tables by customer id, turns each criterion's
value into points with its bands (CASE on the highest minimum reached) and the score into a tier.
`explain.explain_score` does the same sums in Python for one customer, from the same rules.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Max, Q, Sum
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, TruncDate
from django.utils import timezone

from kefu.customers.choices import CustomerStatus
from kefu.customers.models import Customer, CustomerVolume
from kefu.tickets.choices import TicketType
from kefu.tickets.models import Ticket

from .choices import CATEGORICAL_SOURCES, Method, Source
from .models import GradeProposal, GradeScore

VOLUME_SOURCES = {
    Source.VOLUME_TOTAL, Source.REVENUE_TOTAL, Source.MONTHLY_VOLUME, Source.MONTHLY_REVENUE,
    Source.RECENCY_MONTHS, Source.ACTIVE_MONTHS,
}  # fmt: skip
VALUE_COLUMNS = [source.value for source in Source]
_WHOLE_NUMBERS = {Source.COMPLAINTS, Source.YEARS, Source.RECENCY_MONTHS, Source.ACTIVE_MONTHS}
# An unread column is a typed NULL: PostgreSQL would take a bare NULL in a derived table as text.
_NULL_OF = {
    source: "CAST(NULL AS VARCHAR(10))" if source in CATEGORICAL_SOURCES
    else "CAST(NULL AS INTEGER)" if source in _WHOLE_NUMBERS
    else "CAST(NULL AS NUMERIC)"
    for source in Source
}  # fmt: skip


def period_bounds(as_of: date, months: int) -> tuple[date, date]:
    """The `months` whole months before the month of `as_of`: [first day, first day of as_of's month)."""
    end = as_of.replace(day=1)
    index = end.year * 12 + end.month - 1 - months
    return date(index // 12, index % 12 + 1, 1), end


def _compiled(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def graded_customers():
    """The customers a run grades: every customer whose account is not closed."""
    return Customer.objects.exclude(status=CustomerStatus.CLOSED)


def _customer_rows(*, years: bool):
    """The graded customers' own columns; the customer-since date's parts only when a criterion reads the years."""
    rows = graded_customers().annotate(
        g_id=F("id"), g_tier=F("tier"), g_credit=F("credit_rating"), g_potential=F("potential")
    )
    fields = ["g_id", "g_tier", "g_credit", "g_potential"]
    if years:
        rows = rows.annotate(g_since=Coalesce(F("customer_since"), TruncDate("created_at"))).annotate(
            g_year=ExtractYear("g_since"), g_month=ExtractMonth("g_since"), g_day=ExtractDay("g_since")
        )
        fields += ["g_year", "g_month", "g_day"]
    return rows.values(*fields).order_by()


# Which aggregates of the period's volumes each source needs (only those are computed).
_VOLUME_AGGREGATES = {
    Source.VOLUME_TOTAL: "v_volume", Source.MONTHLY_VOLUME: "v_volume",
    Source.REVENUE_TOTAL: "v_revenue", Source.MONTHLY_REVENUE: "v_revenue",
    Source.RECENCY_MONTHS: "v_last", Source.ACTIVE_MONTHS: "v_active",
}  # fmt: skip


def _volume_rows(start: date, end: date, aggregates: set[str]):
    busy = Q(volume__gt=0) | Q(revenue__gt=0)
    available = {
        "v_volume": Sum("volume"),
        "v_revenue": Sum("revenue"),
        "v_last": Max("period", filter=busy),
        "v_active": Count("id", filter=busy),
    }
    wanted = {name: aggregate for name, aggregate in available.items() if name in aggregates}
    return (
        CustomerVolume.objects.filter(period__gte=start, period__lt=end)
        .values("customer_id")
        .annotate(v_customer=F("customer_id"), **wanted)
        .values("v_customer", *wanted)
        .order_by()
    )


def _complaint_rows(as_of: date):
    # Complaints of the last 12 months (365 days before the reference date), except those
    # found invalid (Ticket.is_valid False): an invalid complaint says nothing about the customer.
    since = timezone.make_aware(datetime.combine(as_of - timedelta(days=365), time.min))
    return (
        Ticket.objects.filter(ticket_type=TicketType.COMPLAINT, customer__isnull=False, created_at__gte=since)
        .exclude(is_valid=False)
        .values("customer_id")
        .annotate(k_customer=F("customer_id"), k_count=Count("id"))
        .values("k_customer", "k_count")
        .order_by()
    )


def _value_expressions(sources: set[str], as_of: date, period_months: int) -> tuple[dict[str, str], list]:
    """SQL (over the aliases c, v, k) of each value column the rules read, and its params."""
    # Recency counts from the period's last month (0: business in it), the month before as_of's.
    month_index = as_of.year * 12 + as_of.month - 2
    expressions = {
        Source.VOLUME_TOTAL: ("COALESCE(v.v_volume, 0)", []),
        Source.REVENUE_TOTAL: ("COALESCE(v.v_revenue, 0)", []),
        Source.MONTHLY_VOLUME: ("COALESCE(v.v_volume, 0) * 1.0 / %s", [period_months]),
        Source.MONTHLY_REVENUE: ("COALESCE(v.v_revenue, 0) * 1.0 / %s", [period_months]),
        Source.CREDIT_RATING: ("c.g_credit", []),
        Source.POTENTIAL: ("c.g_potential", []),
        Source.COMPLAINTS: ("COALESCE(k.k_count, 0)", []),
        # Whole years: the difference of the years, less one before the anniversary.
        Source.YEARS: (
            "(%s - c.g_year - CASE WHEN c.g_month > %s OR (c.g_month = %s AND c.g_day > %s) THEN 1 ELSE 0 END)",
            [as_of.year, as_of.month, as_of.month, as_of.day],
        ),
        Source.RECENCY_MONTHS: ("(%s - v.v_last_index)", [month_index]),
        Source.ACTIVE_MONTHS: ("COALESCE(v.v_active, 0)", []),
    }
    sql, params = {}, []
    for source in Source:
        if source in sources:
            expression, expression_params = expressions[source]
            sql[source.value] = expression
            params += expression_params
        else:
            sql[source.value] = _NULL_OF[source]
    return sql, params


def _points_sql(criterion: dict) -> tuple[str, list]:
    """CASE giving the criterion's weighted points (weight × points / 100, worked out here)."""
    weight = Decimal(criterion["weight"])
    column = criterion["source"]
    whens, params = [], []
    for band in criterion["bands"]:
        if criterion["source"] in CATEGORICAL_SOURCES:
            whens.append(f"WHEN {column} = %s THEN %s")
            params += [band["value"], weight * Decimal(band["points"]) / 100]
        else:
            whens.append(f"WHEN {column} >= %s THEN %s")
            params += [Decimal(band["min"]), weight * Decimal(band["points"]) / 100]
    return f"(CASE {' '.join(whens)} ELSE 0 END)", params


def _tier_sql(rules: dict, column: str) -> tuple[str, list]:
    bands = rules["tier_bands"]
    op, key = ("<=", "max_share") if rules["method"] == Method.VALUE_SHARE else (">=", "min_score")
    whens, params = [], []
    for band in bands[:-1]:
        whens.append(f"WHEN {column} {op} %s THEN %s")
        params += [Decimal(band[key]), band["tier"]]
    return f"(CASE {' '.join(whens)} ELSE %s END)", [*params, bands[-1]["tier"]]


def score_insert_sql(run_id: int, rules: dict, as_of: date) -> tuple[str, list]:
    """The one INSERT … SELECT of a run: every graded customer's values, score and tier."""
    sources = {criterion["source"] for criterion in rules["criteria"]}
    start, end = period_bounds(as_of, rules["period_months"])
    customers_sql, customers_params = _compiled(_customer_rows(years=Source.YEARS in sources))
    from_sql, from_params = f"({customers_sql}) c", list(customers_params)
    if sources & VOLUME_SOURCES:
        aggregates = {_VOLUME_AGGREGATES[source] for source in sources & VOLUME_SOURCES}
        volumes_sql, volumes_params = _compiled(_volume_rows(start, end, aggregates))
        if "v_last" in aggregates:
            # The last busy month as a month number, for recency (portable: no date arithmetic).
            columns = ", ".join(["vv.v_customer", *(f"vv.{name}" for name in sorted(aggregates - {"v_last"}))])
            volumes_sql = f"SELECT {columns}, {_month_index_sql('vv.v_last')} AS v_last_index FROM ({volumes_sql}) vv"
        from_sql += f" LEFT JOIN ({volumes_sql}) v ON v.v_customer = c.g_id"
        from_params += volumes_params
    if Source.COMPLAINTS in sources:
        complaints_sql, complaints_params = _compiled(_complaint_rows(as_of))
        from_sql += f" LEFT JOIN ({complaints_sql}) k ON k.k_customer = c.g_id"
        from_params += complaints_params
    values, values_params = _value_expressions(sources, as_of, rules["period_months"])
    value_list = ", ".join(f"{expression} AS {name}" for name, expression in values.items())
    inner = f"SELECT c.g_id AS customer_id, c.g_tier AS current_tier, {value_list} FROM {from_sql}"
    inner_params = values_params + from_params
    columns = ", ".join(VALUE_COLUMNS)
    if rules["method"] == Method.VALUE_SHARE:
        column = rules["criteria"][0]["source"]
        # Inclusive cumulative share, largest first (ties by customer id, so the order is fixed).
        middle = (
            f"SELECT s.customer_id, s.current_tier, {', '.join('s.' + c for c in VALUE_COLUMNS)},"
            f" s.{column} AS score,"
            f" 100.0 * SUM(s.{column}) OVER (ORDER BY s.{column} DESC, s.customer_id ROWS UNBOUNDED PRECEDING)"
            f" / NULLIF(SUM(s.{column}) OVER (), 0) AS share FROM ({inner}) s"
        )
        middle_params = inner_params
        tier_sql, tier_params = _tier_sql(rules, "m.share")
    else:
        points = [_points_sql(criterion) for criterion in rules["criteria"]]
        score_sql = " + ".join(sql for sql, _params in points)
        middle = (
            f"SELECT s.customer_id, s.current_tier, {', '.join('s.' + c for c in VALUE_COLUMNS)},"
            f" ({score_sql}) AS score, CAST(NULL AS NUMERIC) AS share FROM ({inner}) s"
        )
        middle_params = [param for _sql, params in points for param in params] + inner_params
        tier_sql, tier_params = _tier_sql(rules, "m.score")
    table = GradeScore._meta.db_table
    sql = (
        f"INSERT INTO {table} (run_id, customer_id, current_tier, {columns}, score, share, tier)"
        f" SELECT %s, m.customer_id, m.current_tier, {', '.join('m.' + c for c in VALUE_COLUMNS)},"
        f" m.score, m.share, {tier_sql} FROM ({middle}) m"
    )
    return sql, _for_database([run_id, *tier_params, *middle_params])


def _for_database(params: list) -> list:
    # SQLite is given decimals as text, and compares any number as less than any text.
    if connection.vendor == "sqlite":
        return [float(p) if isinstance(p, Decimal) else p for p in params]
    return params


def _month_index_sql(column: str) -> str:
    """year × 12 + month − 1 of a date column, in this database's dialect."""
    if connection.vendor == "postgresql":
        return f"(EXTRACT(YEAR FROM {column}) * 12 + EXTRACT(MONTH FROM {column}) - 1)::int"
    return f"(CAST(strftime('%%Y', {column}) AS INTEGER) * 12 + CAST(strftime('%%m', {column}) AS INTEGER) - 1)"


def insert_scores(run_id: int, rules: dict, as_of: date) -> int:
    """Write the run's scores; returns how many customers were graded."""
    sql, params = score_insert_sql(run_id, rules, as_of)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def analyse_scores() -> None:
    """Refresh PostgreSQL's statistics of the score and proposal tables after a run's insert.

    A million new rows in one statement leave the planner with the counts of before (none, once
    the tables were vacuumed empty), which it would use to plan the next statements of the run
    (the changes' count, superseding contradicted proposals). ANALYZE reads a sample (30,000 rows).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (GradeScore, GradeProposal):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
