"""Reads of the outbox: the admins' list, delivery counts per source, the backlog."""

from datetime import datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from .choices import READY_STATES, MessageState
from .models import Message, MessageTemplate, OptOut


def messages_visible_to(user):
    """Messages are configuration-level data for admins and auditors (capability outbox.view):
    no row scope beyond the capability, which the views check."""
    return Message.objects.all()


def filter_messages(queryset, data: dict):
    """The outbox list narrowed by MessageFilter's cleaned values, newest first."""
    for name in ("state", "channel", "purpose", "source", "address"):
        if data.get(name):
            queryset = queryset.filter(**{name: data[name]})
    if data.get("source_id"):
        queryset = queryset.filter(source_id=data["source_id"])
    if data.get("customer"):
        queryset = queryset.filter(customer_id=data["customer"])
    zone = timezone.get_current_timezone()
    if data.get("queued_from"):
        queryset = queryset.filter(created_at__gte=datetime.combine(data["queued_from"], time(0), tzinfo=zone))
    if data.get("queued_to"):
        end = datetime.combine(data["queued_to"] + timedelta(days=1), time(0), tzinfo=zone)
        queryset = queryset.filter(created_at__lt=end)
    return queryset.order_by("-created_at", "-id")


def customer_messages(customer_id: int, limit: int):
    return Message.objects.filter(customer_id=customer_id).order_by("-created_at", "-id")[:limit]


def customer_optouts(customer_id: int):
    return OptOut.objects.filter(customer_id=customer_id).select_related("created_by").order_by("channel")


def delivery_counts(source: str, source_ids=None) -> dict:
    """{source_id: {state: count}} for the messages a sender wrote under `source` (a notice's
    delivery report: sent, failed, given up, opted out, still queued…)."""
    rows = Message.objects.filter(source=source)
    if source_ids is not None:
        rows = rows.filter(source_id__in=list(source_ids))
    counts: dict = {}
    for source_id, state, n in rows.values_list("source_id", "state").annotate(n=Count("pk")).order_by():
        counts.setdefault(source_id, {})[state] = n
    return counts


def backlog_count() -> int:
    """Messages waiting to be sent (queued or waiting for a retry), for the metrics."""
    return Message.objects.filter(state__in=READY_STATES).count()


def sending_count() -> int:
    return Message.objects.filter(state=MessageState.SENDING).count()


def opted_out_customers(customer_ids, channel: str) -> set[int]:
    """Of these customers, those who opted out of `channel` or of every channel (checked when a
    message is queued and again before it is sent)."""
    if not customer_ids:
        return set()
    return set(
        OptOut.objects.filter(customer_id__in=customer_ids, channel__in=[channel, ""]).values_list(
            "customer_id", flat=True
        )
    )


def active_template(purpose: str, channel: str) -> MessageTemplate | None:
    return MessageTemplate.objects.filter(purpose=purpose, channel=channel, is_active=True).first()
