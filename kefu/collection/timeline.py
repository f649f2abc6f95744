"""Fee collection on the customer 360 page: the arrears panel (balance owed, each open bill)
and the timeline (reminders, calls, visits, payments)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.customers.panels import CustomerPanel, PanelRow, register_customer_panel
from kefu.customers.timeline import TimelineEntry, register_timeline_provider
from kefu.org.permissions import has_capability

from . import selectors
from .choices import ArrearStatus
from .models import CollectionStep, Payment


@register_customer_panel
def arrears_panel(user, customer_id: int, limit: int) -> CustomerPanel | None:
    """The customer's open bills, oldest due first, with the balance owed; None for a reader
    without collection.view (the selector answers nothing outside the reader's scope)."""
    if not has_capability(user, "collection.view"):
        return None
    arrears = selectors.arrears_visible_to(user).filter(customer_id=customer_id, status=ArrearStatus.OPEN)
    rows = [
        PanelRow(
            title=_("%(period)s: %(balance)s yuan owed")
            % {"period": f"{arrear.period:%Y-%m}", "balance": f"{arrear.balance:.2f}"},
            url=reverse("collection:detail", args=[arrear.pk]),
            meta=_("due %(day)s") % {"day": f"{arrear.due_date:%Y-%m-%d}"},
            badge=_("promise broken") if arrear.promise_broken else "",
        )
        for arrear in arrears.order_by("due_date", "pk")[:limit]
    ]
    total = arrears.count()
    return CustomerPanel(
        key="arrears",
        title=_("Arrears: %(balance)s yuan owed") % {"balance": f"{selectors.open_balance(user, customer_id):.2f}"},
        total=total,
        rows=rows,
        more_url=reverse("collection:list") + f"?state=all&customer={customer_id}",
        more_label=_("All bills of this customer"),
        empty_text=_("Nothing owed."),
    )


@register_timeline_provider
def collection_entries(customer_id: int, limit: int) -> list[TimelineEntry]:
    steps = CollectionStep.objects.filter(customer_id=customer_id).select_related("actor", "arrear")[:limit]
    payments = Payment.objects.filter(customer_id=customer_id).select_related("arrear")[:limit]
    entries = [
        TimelineEntry(
            at=step.at,
            kind=f"collection_{step.kind}",
            title=_("%(kind)s about the %(period)s bill")
            % {"kind": step.get_kind_display(), "period": f"{step.arrear.period:%Y-%m}"},
            body=step.outcome,
            actor=str(step.actor) if step.actor else _("System"),
            icon="cash-coin",
            url=reverse("collection:detail", args=[step.arrear_id]),
        )
        for step in steps
    ]
    entries += [
        TimelineEntry(
            at=payment.recorded_at,
            kind="collection_payment",
            title=_("Paid %(amount)s yuan for the %(period)s bill")
            % {"amount": payment.amount, "period": f"{payment.arrear.period:%Y-%m}"},
            body=_("Paid on %(day)s, reference %(reference)s")
            % {"day": f"{payment.paid_on:%Y-%m-%d}", "reference": payment.reference},
            actor=_("Billing system"),
            icon="cash-coin",
            url=reverse("collection:detail", args=[payment.arrear_id]),
        )
        for payment in payments
    ]
    return entries
