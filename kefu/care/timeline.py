"""Greetings and notices a customer received, on the customer 360 timeline (read from the
outbox's rows that care wrote, so a message shows with the state it reached)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.customers.timeline import TimelineEntry, register_timeline_provider
from kefu.outbox.models import Message

from .sending import BATCH_SOURCE, NOTICE_SOURCE


@register_timeline_provider
def care_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    messages = (
        Message.objects.filter(customer_id=customer_id, source__in=[BATCH_SOURCE, NOTICE_SOURCE])
        .only("created_at", "source", "source_id", "body", "channel", "state")
        .order_by("-created_at")[:limit]
    )
    entries = []
    for message in messages:
        notice = message.source == NOTICE_SOURCE
        url_name = "care:notice" if notice else "care:batch"
        entries.append(
            TimelineEntry(
                at=message.created_at,
                kind="care",
                title=(_("Notice (%(channel)s): %(state)s") if notice else _("Greeting (%(channel)s): %(state)s"))
                % {"channel": message.get_channel_display(), "state": message.get_state_display()},
                body=message.body,
                icon="megaphone" if notice else "gift",
                url=reverse(url_name, args=[message.source_id]) if message.source_id else "",
            )
        )
    return entries
