"""Reads of visits: who sees which, a manager's plan (no valid phone first), the month calendar."""

import calendar as pycalendar
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kefu.org.choices import Role
from kefu.org.permissions import has_capability
from kefu.org.selectors import unit_ids_under

from .choices import OPEN_STATUSES
from .models import Visit


def visits_visible_to(user) -> QuerySet[Visit]:
    """Account managers: their own visits; supervisors: those of managers in their subtree;
    auditors and admins: all; anyone else (or without visits.view): none."""
    if not has_capability(user, "visits.view"):
        return Visit.objects.none()
    if user.role in (Role.AUDITOR, Role.ADMIN):
        return Visit.objects.all()
    if user.role == Role.ACCOUNT_MANAGER:
        return Visit.objects.filter(manager=user)
    if user.role == Role.SUPERVISOR and user.org_unit_id:
        return Visit.objects.filter(manager__org_unit_id__in=unit_ids_under(user.org_unit.path))
    return Visit.objects.none()


def get_visit_for_user(user, pk: int) -> Visit:
    return get_object_or_404(visits_visible_to(user).select_related("customer", "manager"), pk=pk)


# The visit plan's views (page tabs and the API's `status`).
PLAN_STATUSES = ("open", "overdue", "done")


def visit_plan(user, *, status: str = "open", today: date | None = None) -> QuerySet[Visit]:
    """The visits to make: customers without a valid phone first (seed 000 篇8), then by date;
    `status` open (default), overdue or done."""
    today = today or timezone.localdate()
    visits = visits_visible_to(user).select_related("customer", "manager")
    if status == "done":
        return visits.filter(status="done").order_by("-visited_at", "-pk")
    visits = visits.filter(status__in=OPEN_STATUSES)
    if status == "overdue":
        visits = visits.filter(due_date__lt=today)
    return visits.order_by("-phone_missing", "due_date", "pk")


def month_calendar(user, year: int, month: int) -> list[list[dict]]:
    """Weeks of the month (Monday first), each day with the visits booked that day or, not yet
    booked, due that day: the manager's visit calendar."""
    zone = timezone.get_current_timezone()
    first = date(year, month, 1)
    last = date(year, month, pycalendar.monthrange(year, month)[1])
    low = datetime.combine(first, time(0), tzinfo=zone)
    high = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    visits = (
        visits_visible_to(user)
        .filter(
            Q(appointment_at__gte=low, appointment_at__lt=high)
            | Q(appointment_at__isnull=True, due_date__range=(first, last))
        )
        .select_related("customer")
    )
    by_day: dict[date, list[Visit]] = {}
    for visit in visits:
        day = timezone.localtime(visit.appointment_at).date() if visit.appointment_at else visit.due_date
        by_day.setdefault(day, []).append(visit)
    weeks = []
    for week in pycalendar.Calendar().monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "date": day,
                    "in_month": day.month == month,
                    "visits": sorted(
                        by_day.get(day, []), key=lambda v: v.appointment_at or datetime.max.replace(tzinfo=zone)
                    ),
                }
                for day in week
            ]
        )
    return weeks
