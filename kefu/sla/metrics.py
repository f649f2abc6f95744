"""Gauges for /metrics (kefu.core.metrics): how far the time-limit sweep is behind.

The lag is the age of the oldest running clock that is past due and not yet marked breached: the
sweep runs every minute, so a lag of a few minutes means it stopped (or cannot keep up)."""

from django.db.models import Min
from django.utils import timezone

from .models import SlaClock


def sweep_lag():
    now = timezone.now()
    oldest = SlaClock.objects.filter(
        stopped_at__isnull=True, paused_at__isnull=True, breached_at__isnull=True, due_at__lte=now
    ).aggregate(oldest=Min("due_at"))["oldest"]
    return [((), (now - oldest).total_seconds() if oldest else 0.0)]


def register() -> None:
    from kefu.core.metrics import register_gauge

    register_gauge(
        "kefu_sla_sweep_lag_seconds",
        "Age of the oldest past-due clock the time-limit sweep has not marked breached yet",
        [],
        sweep_lag,
    )
