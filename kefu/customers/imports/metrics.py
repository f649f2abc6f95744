"""Gauges for /metrics (kefu.core.metrics): the import backlog (jobs reading, checking or
importing, by step) and the age of the oldest one's last progress."""

from django.db.models import Count, Min
from django.utils import timezone

from ..models import ImportJob
from .services import WORKING


def import_backlog():
    rows = ImportJob.objects.filter(status__in=WORKING).values("status").annotate(n=Count("pk")).order_by()
    found = {row["status"]: row["n"] for row in rows}
    return [((status,), found.get(status, 0)) for status in WORKING]


def oldest_progress_age():
    oldest = ImportJob.objects.filter(status__in=WORKING).aggregate(oldest=Min("updated_at"))["oldest"]
    return [((), (timezone.now() - oldest).total_seconds() if oldest else 0.0)]


def register() -> None:
    from kefu.core.metrics import register_gauge

    register_gauge("kefu_import_jobs_working", "Import jobs in a background step, by step", ["step"], import_backlog)
    register_gauge(
        "kefu_import_job_oldest_progress_seconds",
        "Seconds since the least recently advanced working import job moved",
        [],
        oldest_progress_age,
    )
