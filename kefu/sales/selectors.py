"""Reads of the sales app. Data scope: what the reader may see of the customers' archive and,
for the business file (competitor records), group confidentiality on top of it."""

from datetime import date

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404

from kefu.customers.models import Customer
from kefu.customers.selectors import customers_visible_to
from kefu.org.permissions import has_capability

from .models import CompetitorRecord


def business_file_customers(user) -> QuerySet[Customer]:
    """Customers whose business file (competitor notes among it) the user may read: those they
    see in the archive, narrowed by the group-confidentiality check when one is installed."""
    return customers_visible_to(user)


def competitor_records_visible_to(user) -> QuerySet[CompetitorRecord]:
    """Records of customers whose business file the user may read (none without competitors.view)."""
    if not has_capability(user, "competitors.view"):
        return CompetitorRecord.objects.none()
    return CompetitorRecord.objects.filter(customer__in=business_file_customers(user).values("pk"))


def get_competitor_record_for_user(user, pk: int) -> CompetitorRecord:
    return get_object_or_404(competitor_records_visible_to(user).select_related("customer", "recorded_by"), pk=pk)


def customer_competitor_records(user, customer_id: int) -> QuerySet[CompetitorRecord]:
    return competitor_records_visible_to(user).filter(customer_id=customer_id).select_related("recorded_by")


def competitor_activity(since: date) -> QuerySet:
    """Per customer, the competitor records learned or competitor visits made on or after `since`:
    `customer_id`, `records` (how many) and `last_seen` (the latest noted date). No reader scope:
    for set-based jobs such as the churn warning, which may compile it with
    `.query.sql_with_params()` into its own INSERT … SELECT."""
    return (
        CompetitorRecord.objects.filter(Q(noted_on__gte=since) | Q(visited_on__gte=since))
        .order_by()
        .values("customer_id")
        .annotate(records=Count("id"), last_seen=Max("noted_on"))
    )
