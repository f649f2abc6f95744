"""Contacts on the customer 360 page: a panel with the next contact due and the last contacts,
and the contacts logged on the timeline (visits and callbacks are told by their own apps)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.customers.panels import CustomerPanel, PanelRow, register_customer_panel
from kefu.customers.timeline import TimelineEntry, register_timeline_provider
from kefu.org.permissions import has_capability

from .choices import ContactSource
from .models import ContactLog
from .selectors import contact_due_of, customer_contacts

# Visits and callbacks are on the timeline through their own apps' providers.
_OWN_SOURCES = [ContactSource.MANUAL, ContactSource.CALL, ContactSource.COLLECTION, ContactSource.OTHER]


@register_customer_panel
def contacts_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    if not has_capability(user, "contacts.view"):
        return None
    recent = customer_contacts(user, customer_id, limit=min(limit, 5))
    due = contact_due_of(customer_id)
    rows = []
    log_url = ""
    if has_capability(user, "contacts.log"):
        log_url = reverse("contacts:log") + "?" + urlencode({"customer": customer_id})
    if due is not None:
        overdue = due.due_on < timezone.localdate()
        rows.append(
            PanelRow(
                title=_("Next contact by %(date)s") % {"date": due.due_on.isoformat()},
                url=log_url,
                meta=due.get_reason_display() + (f" · {due.get_channel_display()}" if due.channel else ""),
                badge=_("overdue") if overdue else "",
            )
        )
    elif log_url:
        rows.append(PanelRow(title=_("Log a contact"), url=log_url))
    rows += [
        PanelRow(
            title=log.summary[:80],
            meta=f"{timezone.localtime(log.contacted_at):%Y-%m-%d %H:%M} · {log.get_channel_display()}"
            + (f" · {log.user}" if log.user else ""),
            badge=log.get_source_display() if log.source != ContactSource.MANUAL else "",
        )
        for log in recent
    ]
    return CustomerPanel(
        key="contacts",
        title=_("Contacts"),
        total=len(recent),
        rows=rows,
        more_url=reverse("contacts:history") + "?" + urlencode({"customer": customer_id}),
        more_label=_("All contacts"),
        empty_text=_("Never contacted."),
    )


@register_timeline_provider
def contact_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    logs = (
        ContactLog.objects.filter(customer_id=customer_id, source__in=_OWN_SOURCES)
        .select_related("user")
        .order_by("-contacted_at", "-pk")[:limit]
    )
    return [
        TimelineEntry(
            at=log.contacted_at,
            kind="contact",
            title=_("Contact by %(channel)s") % {"channel": log.get_channel_display()},
            body=log.summary + (f"\n{_('next step')}: {log.next_step}" if log.next_step else ""),
            actor=str(log.user) if log.user else _("System"),
            icon="telephone",
        )
        for log in logs
    ]
