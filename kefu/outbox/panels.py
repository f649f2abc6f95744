"""The customer 360 page's card of messages: what the customer was sent and what they opted out of."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.customers.panels import CustomerPanel, PanelRow, register_customer_panel
from kefu.customers.selectors import customer_in_scope
from kefu.org.permissions import has_capability

from . import selectors


@register_customer_panel
def messages_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    """Opt-outs first (they decide what the customer gets), then the newest messages."""
    if not has_capability(user, "outbox.optout") and not has_capability(user, "outbox.view"):
        return None
    if customer_in_scope(user, customer_id, fields=("id",)) is None:
        return None
    optouts = list(selectors.customer_optouts(customer_id))
    rows = [
        PanelRow(
            title=_("Opted out: %(channel)s")
            % {"channel": o.get_channel_display() if o.channel else _("every channel")},
            url=reverse("outbox:optouts", args=[customer_id]),
            meta=f"{o.reason} · {timezone.localtime(o.created_at):%Y-%m-%d}".strip(" ·"),
            badge=_("opted out"),
        )
        for o in optouts
    ]
    can_view = has_capability(user, "outbox.view")
    for message in selectors.customer_messages(customer_id, limit):
        rows.append(
            PanelRow(
                title=f"{message.get_channel_display()} · {message.purpose}",
                url=reverse("outbox:detail", args=[message.pk]) if can_view else "",
                meta=f"{timezone.localtime(message.created_at):%Y-%m-%d %H:%M}",
                badge=message.get_state_display(),
            )
        )
    return CustomerPanel(
        key="messages",
        title=_("Messages"),
        total=len(rows),
        rows=rows,
        more_url=reverse("outbox:optouts", args=[customer_id]) if has_capability(user, "outbox.optout") else "",
        more_label=_("Opt-outs"),
        empty_text=_("No messages to this customer, no opt-outs."),
    )
