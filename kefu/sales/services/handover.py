"""A leaving account manager's open sales work (交接): prospects still open, price requests not
answered and campaign entries not worked go to whoever takes over (registered with the account
managers' handover in SalesConfig.ready, called inside the departure's transaction)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kefu.accountmanagers.handover import HandedOver
from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_entry, audit_records

from ..choices import OPEN_STAGES, CampaignResult
from ..models import CampaignEntry, PriceRequest, Prospect


def hand_over_sales(*, actor, leaving, receiver_for) -> list[HandedOver]:
    items: list[HandedOver] = []
    audits = []

    def moved(row, field: str, receiver, customer_id, summary) -> None:
        audits.append(
            audit_entry(
                actor=actor,
                action=AuditAction.UPDATED,
                target=row,
                customer_id=customer_id,
                changes={field: [leaving.pk, receiver.pk]},
                summary=summary,
            )
        )

    # 1. Open prospects belong to no customer yet: to the receiver of other work.
    for prospect in Prospect.objects.select_for_update(of=("self",)).filter(owner=leaving, stage__in=OPEN_STAGES):
        receiver = receiver_for(None)
        if receiver is None:
            continue
        prospect.owner = receiver
        prospect.version += 1
        prospect.save(update_fields=["owner", "version", "updated_at"])
        moved(prospect, "owner", receiver, None, _("Prospect handed over"))
        items.append(
            HandedOver(
                receiver_id=receiver.pk,
                kind="prospects",
                label=_("Open prospects"),
                ref_id=prospect.pk,
                text=prospect.name,
                url=reverse("sales:prospect", args=[prospect.pk]),
            )
        )
    # 2. Unanswered price requests: with the customer to its new manager.
    requests = PriceRequest.objects.select_for_update(of=("self",)).filter(owner=leaving, answered_at__isnull=True)
    for request in requests:
        receiver = receiver_for(request.customer_id)
        if receiver is None:
            continue
        request.owner = receiver
        request.version += 1
        request.save(update_fields=["owner", "version", "updated_at"])
        moved(request, "owner", receiver, request.customer_id, _("Price request handed over"))
        items.append(
            HandedOver(
                receiver_id=receiver.pk,
                kind="price_requests",
                label=_("Price requests to answer"),
                ref_id=request.pk,
                text=request.subject,
                url=reverse("sales:price_request", args=[request.pk]),
            )
        )
    # 3. Campaign entries not worked yet: with the customer to its new manager.
    entries = CampaignEntry.objects.select_for_update(of=("self",)).filter(
        assignee=leaving, result=CampaignResult.PENDING
    )
    for entry in entries.select_related("campaign"):
        receiver = receiver_for(entry.customer_id)
        if receiver is None:
            continue
        entry.assignee = receiver
        entry.save(update_fields=["assignee"])
        moved(entry, "assignee", receiver, entry.customer_id, _("Campaign entry handed over"))
        items.append(
            HandedOver(
                receiver_id=receiver.pk,
                kind="sales_campaigns",
                label=_("Campaign calls to make"),
                ref_id=entry.pk,
                text=entry.campaign.name,
                url=reverse("sales:campaign", args=[entry.campaign_id]),
            )
        )
    audit_records(audits)
    return items
