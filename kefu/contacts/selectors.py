"""Reads of the contact log, the contacts due and the key-account reviews: who sees which rows,
a customer's last contacts, a manager's list of contacts due, a team's overdue counts."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kefu.customers.selectors import customers_visible_to
from kefu.org.choices import WHOLE_ORGANISATION_ROLES, Role
from kefu.org.permissions import has_capability
from kefu.org.selectors import unit_ids_under

from .choices import ReviewStatus
from .models import ContactDue, ContactLog, ContactPlan, KeyAccountReview


def contact_logs_visible_to(user) -> QuerySet[ContactLog]:
    """The contacts of the customers the user sees (customers_visible_to); none without
    contacts.view."""
    if not has_capability(user, "contacts.view"):
        return ContactLog.objects.none()
    if user.role in WHOLE_ORGANISATION_ROLES:
        return ContactLog.objects.all()
    return ContactLog.objects.filter(customer__in=customers_visible_to(user).values("pk"))


def get_contact_log_for_user(user, pk: int) -> ContactLog:
    return get_object_or_404(contact_logs_visible_to(user).select_related("customer", "user"), pk=pk)


def _rows_of_managers(queryset: QuerySet, user, field: str = "manager") -> QuerySet:
    """Rows keyed by an account manager: a manager their own, a supervisor those of the managers
    in their subtree, auditors and admins all, anyone else none."""
    if not has_capability(user, "contacts.view"):
        return queryset.none()
    if user.role in (Role.AUDITOR, Role.ADMIN):
        return queryset
    if user.role == Role.ACCOUNT_MANAGER:
        return queryset.filter(**{field: user})
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        return queryset.filter(**{f"{field}__org_unit_id__in": unit_ids_under(user.org_unit.path)})
    return queryset.none()


def contacts_due_visible_to(user) -> QuerySet[ContactDue]:
    return _rows_of_managers(ContactDue.objects.all(), user)


def reviews_visible_to(user) -> QuerySet[KeyAccountReview]:
    return _rows_of_managers(KeyAccountReview.objects.all(), user)


def get_review_for_user(user, pk: int) -> KeyAccountReview:
    return get_object_or_404(reviews_visible_to(user).select_related("customer", "manager"), pk=pk)


# ---- The last contact of each customer (for other apps: churn, collection, books) ----


def last_contact_at(*, outer: str = "pk", channels: list[str] | None = None) -> Subquery:
    """The time of the newest contact with the customer whose id is `outer` in the outer query,
    as an expression: `Customer.objects.annotate(last_contact=last_contact_at())`, or from a
    queryset of another model `last_contact_at(outer="customer_id")`. One probe of the
    (customer, -contacted_at) index per row; NULL when never contacted."""
    logs = ContactLog.objects.filter(customer_id=OuterRef(outer))
    if channels:
        logs = logs.filter(channel__in=channels)
    return Subquery(logs.order_by("-contacted_at", "-pk").values("contacted_at")[:1])


def customer_contacts(user, customer_id: int, *, limit: int = 10) -> list[ContactLog]:
    return list(
        contact_logs_visible_to(user)
        .filter(customer_id=customer_id)
        .select_related("user")
        .order_by("-contacted_at", "-pk")[:limit]
    )


def contact_due_of(customer_id: int) -> ContactDue | None:
    return ContactDue.objects.filter(customer_id=customer_id).first()


# ---- Lists ----


def contacts_due(user, *, today: date | None = None, manager_id: int | None = None) -> QuerySet[ContactDue]:
    """Contacts due today or overdue, the most overdue first: a manager's list (their own rows,
    one walk of the (manager, due_on) index), or a supervisor's over their team."""
    return filter_due(contacts_due_visible_to(user), {"manager": manager_id}, today=today)


def filter_due(rows: QuerySet[ContactDue], filters: dict, *, today: date | None = None) -> QuerySet[ContactDue]:
    """Narrow a scoped queryset of due rows by ContactDueFilter's cleaned values: due by
    `until` (default today), only overdue ones, one manager, one reason; most overdue first."""
    today = today or timezone.localdate()
    if filters.get("overdue"):
        rows = rows.filter(due_on__lt=today)
    else:
        rows = rows.filter(due_on__lte=filters.get("until") or today)
    if filters.get("manager"):
        rows = rows.filter(manager_id=filters["manager"])
    if filters.get("reason"):
        rows = rows.filter(reason=filters["reason"])
    return rows.select_related("customer", "manager").order_by("due_on", "customer_id")


def filter_logs(logs: QuerySet[ContactLog], filters: dict) -> QuerySet[ContactLog]:
    """Narrow a scoped queryset of contacts by ContactLogFilter's cleaned values, newest first."""
    zone = timezone.get_current_timezone()
    if filters.get("customer"):
        logs = logs.filter(customer_id=filters["customer"])
    if filters.get("user"):
        logs = logs.filter(user_id=filters["user"])
    for key in ("channel", "source"):
        if filters.get(key):
            logs = logs.filter(**{key: filters[key]})
    if filters.get("since"):
        logs = logs.filter(contacted_at__gte=datetime.combine(filters["since"], time(0), tzinfo=zone))
    if filters.get("until"):
        end = datetime.combine(filters["until"], time(0), tzinfo=zone) + timedelta(days=1)
        logs = logs.filter(contacted_at__lt=end)
    return logs.select_related("customer", "user").order_by("-contacted_at", "-pk")


def overdue_counts(user, *, today: date | None = None) -> list[dict]:
    """Per manager the user oversees: contacts due today and overdue (before today)."""
    today = today or timezone.localdate()
    return list(
        contacts_due_visible_to(user)
        .filter(due_on__lte=today)
        .values("manager_id", "manager__username", "manager__first_name", "manager__last_name")
        .annotate(due=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("-overdue", "-due", "manager_id")
    )


def reviews_open(user) -> QuerySet[KeyAccountReview]:
    return (
        reviews_visible_to(user)
        .filter(status=ReviewStatus.OPEN)
        .select_related("customer", "manager")
        .order_by("due_on", "customer_id")
    )


def plans() -> list[ContactPlan]:
    return list(ContactPlan.objects.all())
