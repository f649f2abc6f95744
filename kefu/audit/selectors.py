"""Reads of the audit trail, for auditors and for customer timelines."""

from django.db.models import QuerySet

from kefu.core.errors import PermissionDeniedError
from kefu.org.permissions import has_capability

from .models import AuditEvent


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    if not has_capability(user, "audit.view"):
        raise PermissionDeniedError()
    return AuditEvent.objects.select_related("actor")


def filter_audit_events(
    events: QuerySet[AuditEvent],
    *,
    actor_id=None,
    action=None,
    target_type=None,
    customer_id=None,
    since=None,
    until=None,
) -> QuerySet[AuditEvent]:
    """Narrow the trail by checked filter values (the list's FilterSet, kefu/audit/filters.py)."""
    if actor_id:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    if target_type:
        events = events.filter(target_type=target_type)
    if customer_id:
        events = events.filter(customer_id=customer_id)
    if since:
        events = events.filter(occurred_at__date__gte=since)
    if until:
        events = events.filter(occurred_at__date__lte=until)
    return events
