"""Proactive service campaigns (主动服务, seed 003 篇1): services, scope and the head-office report."""

import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.core.errors import ConflictError
from kefu.core.exports import safe_row
from kefu.core.text import check_text
from kefu.customers.models import Customer
from kefu.org.permissions import require_capability
from kefu.tickets.choices import Channel, TicketType
from kefu.tickets.models import Ticket
from kefu.tickets.services import ticket_create

from .choices import SATISFIED_RESULTS, CallbackStatus, Satisfaction
from .models import Campaign, CampaignCall


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns whose head office the user may see (callbacks.view)."""
    from kefu.org.permissions import has_capability

    if not has_capability(user, "callbacks.view"):
        return Campaign.objects.none()
    return Campaign.objects.filter(head_office__in=Customer.objects.visible_to(user))


def get_campaign_for_user(user, pk: int) -> Campaign:
    return get_object_or_404(campaigns_visible_to(user).select_related("head_office"), pk=pk)


@transaction.atomic
def campaign_create(*, actor, name: str, head_office_id) -> Campaign:
    """A campaign calling every member site of `head_office` the actor may see, one call each."""
    require_capability(actor, "callbacks.make")
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Name the campaign.")
    else:
        try:  # the column's length (PostgreSQL refuses a longer name with a 500)
            Campaign._meta.get_field("name").run_validators(name)
        except ValidationError as refused:
            errors["name"] = refused.messages
    check_text(name, "name", errors)
    head = Customer.objects.visible_to(actor).filter(pk=head_office_id).first() if head_office_id else None
    if head is None:
        errors["head_office"] = _("This customer was not found.")
    elif not Customer.objects.visible_to(actor).filter(parent=head).exists():
        errors["head_office"] = _("This customer has no member sites to call.")
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(name=name, head_office=head, created_by=actor)
    sites = Customer.objects.visible_to(actor).filter(parent=head).values_list("pk", flat=True)
    CampaignCall.objects.bulk_create([CampaignCall(campaign=campaign, customer_id=pk) for pk in sites], batch_size=2000)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=campaign,
        customer_id=head.pk,
        summary=_("Service campaign for %(count)s sites") % {"count": len(sites)},
    )
    return campaign


def _holds_claim(call: CampaignCall, actor, at) -> bool:
    return call.claimed_by_id == actor.pk and call.claimed_until is not None and call.claimed_until > at


@transaction.atomic
def campaign_call_claim(*, actor, call: CampaignCall) -> CampaignCall:
    """Take a site to call for CLAIM_MINUTES, as the callback desk does: one conditional UPDATE,
    so of two agents working one campaign exactly one gets the site; the other is told."""
    from .services import claim_for_call

    require_capability(actor, "callbacks.make")
    return claim_for_call(
        actor,
        CampaignCall.objects.filter(pk=call.pk),
        refused=_("Another agent is already calling this site, or it was already called."),
        summary=_("Campaign site claimed"),
    )


@transaction.atomic
def campaign_call_release(*, actor, call: CampaignCall) -> CampaignCall:
    from .services import release_from_call

    return release_from_call(
        actor,
        CampaignCall.objects.filter(pk=call.pk),
        refused=_("You are not calling this site."),
        summary=_("Campaign site released"),
    )


@transaction.atomic
def campaign_call_record(
    *,
    actor,
    call: CampaignCall,
    reached: bool,
    result: str = "",
    faults=(),
    note: str = "",
    expected_version: int | None = None,
) -> CampaignCall:
    require_capability(actor, "callbacks.make")
    current = CampaignCall.objects.select_for_update().get(pk=call.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    if current.status != CallbackStatus.PENDING:
        raise ConflictError(_("This site was already called."))
    if not _holds_claim(current, actor, timezone.now()):
        raise ConflictError(_("Claim the site before calling: another agent may be calling it."))
    errors = {}
    faults = [str(text).strip() for text in faults if str(text).strip()]
    note = (note or "").strip()
    check_text(note, "note", errors, multiline=True)
    for text in faults:
        check_text(text, "faults", errors)
    if reached and result not in Satisfaction.values:
        errors["result"] = _("Choose the customer's answer: satisfied, basically satisfied, average or unsatisfied.")
    if errors:
        raise ValidationError(errors)
    current.status = CallbackStatus.DONE if reached else CallbackStatus.UNREACHABLE
    current.result = result if reached else ""
    current.faults = [{"text": text, "ticket": None} for text in faults]
    current.note, current.called_by, current.called_at = note, actor, timezone.now()
    current.claimed_by, current.claimed_until = None, None
    current.version += 1
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=current.customer_id,
        changes={"status": [CallbackStatus.PENDING, current.status]},
        summary=_("Campaign call: %(count)s faults found") % {"count": len(faults)},
    )
    return current


@transaction.atomic
def campaign_fault_to_request(*, actor, call: CampaignCall, index: int) -> Ticket:
    """A fault found on a campaign call becomes a repair request of that site, once."""
    require_capability(actor, "tickets.create")
    current = CampaignCall.objects.select_for_update().select_related("campaign").get(pk=call.pk)
    if not 0 <= index < len(current.faults):
        raise ValidationError({"index": _("No such fault on this call.")})
    fault = current.faults[index]
    if fault.get("ticket"):
        return Ticket.objects.get(pk=fault["ticket"])
    ticket, _created = ticket_create(
        actor=actor,
        data={
            "ticket_type": TicketType.REPAIR,
            "channel": Channel.PHONE,
            "title": fault["text"][:200],
            "description": _("Found in the service campaign “%(name)s”: %(text)s")
            % {"name": current.campaign.name, "text": fault["text"]},
        },
        customer=Customer.objects.get(pk=current.customer_id),
    )
    current.faults[index] = {**fault, "ticket": ticket.pk}
    current.version += 1
    current.save(update_fields=["faults", "version"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=current.customer_id,
        changes={"faults": [None, ticket.pk]},
        summary=_("Fault registered as request %(number)s") % {"number": ticket.number},
    )
    return ticket


def campaign_report(campaign: Campaign) -> dict:
    """For the head office: sites, called, reached, satisfied share (SPEC §14), faults found,
    registered as requests and still open, and each site's line."""
    calls = list(campaign.calls.select_related("customer", "claimed_by").order_by("customer__name"))
    counts = campaign.calls.aggregate(
        sites=Count("pk"),
        reached=Count("pk", filter=Q(status=CallbackStatus.DONE)),
        unreachable=Count("pk", filter=Q(status=CallbackStatus.UNREACHABLE)),
        satisfied=Count("pk", filter=Q(result__in=list(SATISFIED_RESULTS))),
    )
    ticket_ids = [f["ticket"] for call in calls for f in call.faults if f.get("ticket")]
    open_ids = set(Ticket.objects.filter(pk__in=ticket_ids, closed_at__isnull=True).values_list("pk", flat=True))
    faults = sum(len(call.faults) for call in calls)
    return {
        **counts,
        "faults": faults,
        "sites_with_faults": sum(1 for call in calls if call.faults),
        "registered": len(ticket_ids),
        "still_open": len(open_ids),
        "rate": round(100 * counts["satisfied"] / counts["reached"], 1) if counts["reached"] else None,
        "calls": calls,
        "open_ids": open_ids,
    }


def campaign_report_xlsx(campaign: Campaign) -> bytes:
    report = campaign_report(campaign)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Campaign report")[:31]
    sheet.append(safe_row(sheet, [_("Service campaign report"), campaign.name, campaign.head_office.name]))
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in [
        (_("Sites"), report["sites"]),
        (_("Reached"), report["reached"]),
        (_("Unreachable"), report["unreachable"]),
        (_("Sites with faults"), report["sites_with_faults"]),
        (_("Faults found"), report["faults"]),
        (_("Still open"), report["still_open"]),
        (_("Satisfaction (%)"), report["rate"]),
    ]:
        sheet.append([label, value])
    sheet.append([])
    sheet.append([_("Site"), _("Status"), _("Result"), _("Faults found"), _("Note")])
    for call in report["calls"]:
        faults = "；".join(f["text"] for f in call.faults)
        sheet.append(
            safe_row(
                sheet,
                [
                    call.customer.name,
                    call.get_status_display(),
                    call.get_result_display() if call.result else "",
                    faults,
                    call.note,
                ],
            )
        )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def campaign_report_pdf(campaign: Campaign) -> bytes:
    """The same report as a PDF for the head office, in Chinese with reportlab's built-in CID font
    STSong-Light (a font the PDF reader supplies, so nothing is embedded)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22)
    report = campaign_report(campaign)

    def cell(value) -> Paragraph:
        return Paragraph(escape(str(value if value is not None else "")), body)

    rate = f"{report['rate']}%" if report["rate"] is not None else "—"
    summary = [
        [cell(_("Sites")), cell(report["sites"]), cell(_("Reached")), cell(report["reached"])],
        [cell(_("Unreachable")), cell(report["unreachable"]), cell(_("Satisfaction (%)")), cell(rate)],
        [
            cell(_("Sites with faults")),
            cell(report["sites_with_faults"]),
            cell(_("Faults found")),
            cell(report["faults"]),
        ],
        [cell(_("Still open")), cell(report["still_open"]), cell(""), cell("")],
    ]
    lines = [[cell(_("Site")), cell(_("Status")), cell(_("Result")), cell(_("Faults found"))]]
    for call in report["calls"]:
        lines.append(
            [
                cell(call.customer.name),
                cell(call.get_status_display()),
                cell(call.get_result_display() if call.result else ""),
                cell("；".join(f["text"] for f in call.faults)),
            ]
        )
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title=campaign.name)
    document.build(
        [
            Paragraph(escape(f"{_('Service campaign report')}：{campaign.name}"), title),
            Paragraph(escape(f"{campaign.head_office.name} · {timezone.localdate():%Y-%m-%d}"), body),
            Spacer(1, 8),
            Table(summary, style=grid),
            Spacer(1, 12),
            Table(lines, colWidths=[150, 60, 70, 220], style=grid, repeatRows=1),
        ]
    )
    return out.getvalue()
