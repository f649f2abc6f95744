"""Complaint analysis (顾客投诉分类统计表), computed within the reader's data scope."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.customers.selectors import customers_visible_to
from kefu.org.permissions import require_capability
from kefu.tickets.choices import Channel, TicketType
from kefu.tickets.selectors import tickets_visible_to

REPEAT_THRESHOLD = 2


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # inclusive

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.since, time.min, tzinfo=tz)
        end = datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=tz)
        return start, end


def default_period(today: date | None = None) -> Period:
    """The last twelve full months plus the current one."""
    today = today or timezone.localdate()
    return Period(since=date(today.year - 1, today.month, 1), until=today)


def _rate(part: int, whole: int, scale: int = 100) -> float:
    return round(part * scale / whole, 2) if whole else 0.0


def _breakdown(complaints, field: str, empty_label: str) -> list[dict]:
    rows = (
        complaints.values(field)
        .annotate(total=Count("id"), valid=Count("id", filter=Q(is_valid=True)), closed=Count("closed_at"))
        .order_by("-total")
    )
    return [
        {
            "label": row[field] or empty_label,
            "total": row["total"],
            "valid": row["valid"],
            "closed": row["closed"],
        }
        for row in rows
    ]


def complaint_statistics(user, period: Period) -> dict:
    """Counts by category, cause, department, customer tier and month; rates; repeat complainants.

    - valid rate = complaints assessed valid ÷ complaints assessed (valid or invalid);
    - complaints per 10,000 customers = complaints in the period ÷ customers in scope × 10⁴;
    - repeat complainants: customers with at least REPEAT_THRESHOLD complaints in the period.
    """
    require_capability(user, "reports.view")
    start, end = period.bounds
    complaints = tickets_visible_to(user).filter(
        ticket_type=TicketType.COMPLAINT, created_at__gte=start, created_at__lt=end, merged_into__isnull=True
    )
    totals = complaints.aggregate(
        total=Count("id"),
        assessed=Count("id", filter=Q(is_valid__isnull=False)),
        valid=Count("id", filter=Q(is_valid=True)),
        closed=Count("closed_at"),
    )
    customers = customers_visible_to(user).count()
    repeaters = list(
        complaints.filter(customer__isnull=False)
        .values("customer_id", "customer__name")
        .annotate(total=Count("id"))
        .filter(total__gte=REPEAT_THRESHOLD)
        .order_by("-total", "customer__name")[:50]
    )
    # A complaint in the reader's scope may be of a customer outside it (dispatched to their unit):
    # named, but linked only where the reader may open the customer.
    openable = set(
        customers_visible_to(user).filter(pk__in=[row["customer_id"] for row in repeaters]).values_list("pk", flat=True)
    )
    for row in repeaters:
        row["openable"] = row["customer_id"] in openable
    monthly = [
        {"month": row["month"], "total": row["total"]}
        for row in complaints.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(total=Count("id"))
        .order_by("month")
    ]
    unknown = _("Not recorded")
    return {
        "period": period,
        "total": totals["total"],
        "assessed": totals["assessed"],
        "valid": totals["valid"],
        "closed": totals["closed"],
        "valid_rate": _rate(totals["valid"], totals["assessed"]),
        "customers": customers,
        "per_10k_customers": _rate(totals["total"], customers, scale=10_000),
        "by_category": _breakdown(complaints, "category__name", unknown),
        "by_cause": _breakdown(complaints, "cause_class__name", unknown),
        "by_department": _breakdown(complaints, "department__name", _("Not dispatched")),
        "by_tier": _breakdown(complaints, "customer__tier", unknown),
        "by_channel": [
            {**row, "label": Channel(row["label"]).label if row["label"] in Channel.values else row["label"]}
            for row in _breakdown(complaints, "channel", unknown)
        ],
        "monthly": monthly,
        "repeat_customers": repeaters,
        "repeat_complaints": sum(row["total"] for row in repeaters),
    }
