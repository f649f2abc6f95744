"""The customer 360 page's card of care: the supply lines the customer is on and the outage
notices that reached them (each greeting and notice message is on the timeline)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.customers.panels import CustomerPanel, PanelRow, register_customer_panel
from kefu.customers.selectors import customer_in_scope
from kefu.org.permissions import has_capability

from . import selectors


@register_customer_panel
def care_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    if not has_capability(user, "care.view") or customer_in_scope(user, customer_id, fields=("id",)) is None:
        return None
    rows = [
        PanelRow(
            title=_("Supply line %(line)s") % {"line": line},
            url=reverse("care:lines"),
            badge="" if line.active else _("inactive"),
        )
        for line in selectors.customer_lines(customer_id)[:limit]
    ]
    notices = selectors.customer_notices(customer_id)
    for notice in notices[:limit]:
        rows.append(
            PanelRow(
                title=notice.title,
                url=reverse("care:notice", args=[notice.pk]),
                meta=f"{notice.get_kind_display()} · {timezone.localtime(notice.starts_at):%Y-%m-%d %H:%M}",
                badge=notice.get_status_display(),
            )
        )
    return CustomerPanel(
        key="care",
        title=_("Supply lines and notices"),
        total=len(rows),
        rows=rows,
        more_url=reverse("care:notices"),
        more_label=_("Outage and maintenance notices"),
        empty_text=_("On no supply line; no notice reached this customer."),
    )
