"""Sales on the customer 360 page: its competitor records (part of the business file, shown only
to those who may read it) and its open price requests."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.customers.panels import CustomerPanel, PanelRow, register_customer_panel
from kefu.org.permissions import has_capability

from . import selectors


@register_customer_panel
def competitor_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    if not has_capability(user, "competitors.view"):
        return None
    if not selectors.business_file_customers(user).filter(pk=customer_id).exists():
        return None
    records = list(selectors.customer_competitor_records(user, customer_id)[: limit + 1])
    url = reverse("sales:customer_competitors", args=[customer_id])
    rows = [
        PanelRow(
            title=f"{record.competitor}: {record.offer or record.products or record.visit_notes}"[:120],
            url=url,
            meta=" · ".join(
                part
                for part in (
                    f"{record.price} {record.price_unit}".strip() if record.price is not None else "",
                    _("their visit on %(day)s") % {"day": f"{record.visited_on:%Y-%m-%d}"} if record.visited_on else "",
                    f"{record.noted_on:%Y-%m-%d}",
                )
                if part
            ),
        )
        for record in records[:limit]
    ]
    return CustomerPanel(
        key="competitors",
        title=_("Competitors"),
        total=len(records),
        rows=rows,
        more_url=url,
        more_label=_("All competitor records and record one"),
        empty_text=_("No competitor information recorded."),
    )


@register_customer_panel
def price_request_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    if not has_capability(user, "sales.view"):
        return None
    requests = list(
        selectors.price_requests_visible_to(user).filter(customer_id=customer_id).order_by("-received_at")[: limit + 1]
    )
    if not requests and not has_capability(user, "sales.work"):
        return None
    rows = [
        PanelRow(
            title=item.subject,
            url=reverse("sales:price_request", args=[item.pk]),
            meta=_("answer by %(due)s") % {"due": f"{item.due_at:%Y-%m-%d %H:%M}"},
            badge=_("answered") if item.answered_at else _("open"),
        )
        for item in requests[:limit]
    ]
    return CustomerPanel(
        key="price-requests",
        title=_("Price requests"),
        total=len(requests),
        rows=rows,
        more_url=f"{reverse('sales:price_request_new')}?customer={customer_id}",
        more_label=_("Register a price request"),
        empty_text=_("No price requests."),
    )
