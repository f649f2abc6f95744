"""The customer 360 timeline: every app registers a provider of entries.

Later apps (requests, callbacks, visits, care) add their own provider in `AppConfig.ready`,
so the customer app does not need to know about them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from kefu.audit.choices import AuditAction
from kefu.audit.models import AuditEvent


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    body: str = ""
    actor: str = ""
    icon: str = "dot"
    url: str = ""  # where the entry's subject is shown (a request's page), if it has one


TimelineProvider = Callable[[int, int], list[TimelineEntry]]
_providers: list[TimelineProvider] = []


def register_timeline_provider(provider: TimelineProvider) -> TimelineProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def customer_timeline(customer_id: int, *, limit: int = 50) -> list[TimelineEntry]:
    """The newest `limit` entries from all providers, newest first (one query per provider)."""
    entries: list[TimelineEntry] = []
    for provider in _providers:
        entries.extend(provider(customer_id, limit))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


_AUDIT_ICONS = {
    AuditAction.CREATED: "plus-circle",
    AuditAction.UPDATED: "pencil",
    AuditAction.DELETED: "trash",
    AuditAction.IMPORTED: "upload",
}


@register_timeline_provider
def _audit_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    # Reveals are access logs for auditors, notes have their own provider with the text, and
    # other apps' records (requests…) are told by their own providers.
    events = (
        AuditEvent.objects.filter(customer_id=customer_id, target_type__startswith="customers.")
        .exclude(action__in=[AuditAction.REVEALED, AuditAction.NOTE_ADDED, AuditAction.EXPORTED])
        .select_related("actor")[:limit]
    )
    return [
        TimelineEntry(
            at=e.occurred_at,
            kind=e.action,
            title=f"{e.get_action_display()}: {e.target_repr}",
            body=e.summary or _describe_changes(e.target_type, e.changes),
            actor=str(e.actor) if e.actor else _("System"),
            icon=_AUDIT_ICONS.get(e.action, "dot"),
        )
        for e in events
    ]


@register_timeline_provider
def _note_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    from .models import CustomerNote

    notes = CustomerNote.objects.filter(customer_id=customer_id).select_related("author")[:limit]
    return [
        TimelineEntry(
            at=n.created_at, kind="note", title=_("Note"), body=n.text, actor=str(n.author), icon="chat-left-text"
        )
        for n in notes
    ]


def _describe_changes(target_type: str, changes: dict) -> str:
    """The changed fields by the names the user sees on the form (手机号码, not `mobile`), in the
    form's order; a name the model no longer has is shown as it was recorded."""
    if not changes:
        return ""
    try:
        fields = apps.get_model(target_type)._meta.get_fields()
    except (LookupError, ValueError):
        fields = ()
    labels, named = [], set()
    for field in (f for f in fields if f.concrete and not f.many_to_many):
        for name in {field.name, field.attname} & changes.keys():
            named.add(name)
            if str(field.verbose_name) not in labels:
                labels.append(str(field.verbose_name))
    labels += sorted(changes.keys() - named)
    return pgettext("separator between the items of a list", ", ").join(labels)
