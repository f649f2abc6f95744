"""Prospects (潜在客户) through the pipeline and their conversion into customers, price and
commercial requests answered within 3 working days, campaigns with their lists and results,
targets and the named group customers' list. Each write: checked, one transaction, audited."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_entry, audit_record, audit_records, diff, snapshot
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.customers.choices import CustomerKind, SourceChannel
from kefu.customers.models import Customer
from kefu.customers.selectors import customers_visible_to
from kefu.customers.services import customer_create
from kefu.org.choices import Role
from kefu.org.models import OrgUnit
from kefu.org.permissions import has_capability, require_capability
from kefu.org.selectors import account_managers_visible_to
from kefu.sla import calendar as business_calendar
from kefu.sla.selectors import calendar_for_unit_id
from kefu.sla.services import default_calendar

from ..choices import OPEN_STAGES, CampaignKind, CampaignResult, ProspectSource, ProspectStage, TargetMetric
from ..models import CampaignEntry, NamedGroupCustomer, PriceRequest, Prospect, SalesCampaign, SalesTarget
from ..selectors import (
    campaigns_visible_to,
    named_customers_visible_to,
    price_requests_visible_to,
    prospects_visible_to,
    targets_visible_to,
    units_in_reach,
)
from .common import clean_amount, clean_date, clean_text

# A price or commercial request is answered in writing within this many working days (seed 004 篇9).
PRICE_REQUEST_WORKING_DAYS = 3

PROSPECT_FIELDS = ["name", "contact_name", "phone", "industry", "region", "source", "expected_revenue", "notes"]

# Where a converted prospect came from, in the archive's words.
SOURCE_CHANNELS = {
    ProspectSource.REFERRAL: SourceChannel.REFERRAL,
    ProspectSource.OUTBOUND: SourceChannel.MARKETING,
    ProspectSource.CAMPAIGN: SourceChannel.MARKETING,
    ProspectSource.EXHIBITION: SourceChannel.MARKETING,
    ProspectSource.INBOUND: SourceChannel.HOTLINE,
    ProspectSource.VISIT: SourceChannel.VISIT,
    ProspectSource.OTHER: SourceChannel.OTHER,
}


def _choice(data: dict, field: str, choices, errors: dict, *, required=True) -> str:
    value = str(data.get(field) or "").strip()
    if value in choices.values:
        return value
    if value or required:
        errors[field] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(str(label) for label in choices.labels)
        }
    return ""


def _clean_prospect(data: dict) -> dict:
    errors: dict = {}
    clean = {
        "name": clean_text(data, "name", errors, max_length=120),
        "contact_name": clean_text(data, "contact_name", errors, max_length=50),
        "phone": clean_text(data, "phone", errors, max_length=30),
        "industry": clean_text(data, "industry", errors, max_length=50),
        "region": clean_text(data, "region", errors, max_length=50),
        "source": _choice(data, "source", ProspectSource, errors),
        "expected_revenue": clean_amount(data, "expected_revenue", errors),
        "notes": clean_text(data, "notes", errors, multiline=True),
    }
    if not clean["name"] and "name" not in errors:
        errors["name"] = _("Enter the prospect's name.")
    if errors:
        raise ValidationError(errors)
    return clean


def _owner(actor, owner) -> object:
    """The owner of new work: the actor, or an account manager the actor may give work to."""
    if owner is None or owner.pk == actor.pk:
        return actor
    if not account_managers_visible_to(actor).filter(pk=owner.pk, is_active=True).exists():
        raise ValidationError({"owner": _("You cannot give this work to that person.")})
    return owner


@transaction.atomic
def prospect_create(*, actor, data: dict, owner=None) -> Prospect:
    require_capability(actor, "sales.work")
    clean = _clean_prospect(data)
    prospect = Prospect.objects.create(
        **clean, owner=_owner(actor, owner), created_by=actor, stage_changed_at=timezone.now()
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=prospect,
        changes={k: [None, v] for k, v in snapshot(prospect, [*PROSPECT_FIELDS, "stage", "owner"]).items() if v},
        summary=_("Prospect added"),
    )
    return prospect


def _locked_prospect(actor, prospect: Prospect, expected_version: int | None) -> Prospect:
    require_capability(actor, "sales.work")
    current = prospects_visible_to(actor).select_for_update(of=("self",)).filter(pk=prospect.pk).first()
    if current is None:
        raise PermissionDeniedError()
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    return current


@transaction.atomic
def prospect_update(*, actor, prospect: Prospect, data: dict, expected_version: int | None = None) -> Prospect:
    current = _locked_prospect(actor, prospect, expected_version)
    before = snapshot(current, PROSPECT_FIELDS)
    for key, value in _clean_prospect({**before, **data}).items():
        setattr(current, key, value)
    changes = diff(before, snapshot(current, PROSPECT_FIELDS))
    if changes:
        current.version += 1
        current.save()
        audit_record(actor=actor, action=AuditAction.UPDATED, target=current, changes=changes)
    return current


@transaction.atomic
def prospect_move(
    *, actor, prospect: Prospect, stage: str, lost_reason: str = "", expected_version: int | None = None
) -> Prospect:
    """Move an open prospect to another open stage, or to lost with a reason. Won only by
    conversion (prospect_convert), so a won prospect always has its customer."""
    current = _locked_prospect(actor, prospect, expected_version)
    errors: dict = {}
    if current.stage not in OPEN_STAGES:
        raise ConflictError(_("This prospect is already won or lost."))
    if stage == ProspectStage.WON:
        errors["stage"] = _("A prospect is won by converting it into a customer.")
    elif stage not in ProspectStage.values:
        errors["stage"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, ProspectStage.labels))}
    elif stage == current.stage:
        errors["stage"] = _("The prospect is already at this stage.")
    reason = clean_text({"lost_reason": lost_reason}, "lost_reason", errors, max_length=200)
    if stage == ProspectStage.LOST and not reason and "lost_reason" not in errors:
        errors["lost_reason"] = _("Say why the prospect was lost.")
    if errors:
        raise ValidationError(errors)
    before = current.stage
    current.stage, current.stage_changed_at = stage, timezone.now()
    current.lost_reason = reason if stage == ProspectStage.LOST else ""
    current.version += 1
    current.save()
    changes = {"stage": [before, stage]}
    if reason:
        changes["lost_reason"] = [None, reason]
    audit_record(
        actor=actor, action=AuditAction.UPDATED, target=current, changes=changes, summary=_("Prospect stage changed")
    )
    return current


@transaction.atomic
def prospect_convert(*, actor, prospect: Prospect, data: dict, expected_version: int | None = None) -> Customer:
    """Turn an open prospect into a customer through the archive's own service (its checks,
    duplicates and audit apply; a refused field is named as the archive names it), held by the
    prospect's owner when that owner is an account manager. The prospect is then won."""
    current = _locked_prospect(actor, prospect, expected_version)
    require_capability(actor, "customers.create")
    if current.stage not in OPEN_STAGES:
        raise ConflictError(_("This prospect is already won or lost."))
    fields = {
        "name": current.name,
        "kind": "organisation",
        "industry": current.industry,
        "region": current.region,
        "source_channel": SOURCE_CHANNELS.get(current.source, SourceChannel.OTHER),
        **{key: value for key, value in data.items() if value not in (None, "")},
    }
    if current.phone and "mobile" not in fields and "phone" not in fields:
        fields["phone"] = current.phone
    relations = {"account_manager": current.owner} if current.owner.role == Role.ACCOUNT_MANAGER else {}
    customer = customer_create(actor=actor, data=fields, relations=relations)
    before = current.stage
    now = timezone.now()
    current.stage, current.stage_changed_at, current.won_at, current.customer = ProspectStage.WON, now, now, customer
    current.version += 1
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=customer.pk,
        changes={"stage": [before, ProspectStage.WON], "customer": [None, customer.pk]},
        summary=_("Prospect converted into customer %(name)s") % {"name": customer.name},
    )
    return customer


# ---- price and commercial requests


def price_request_due(owner, received_at: datetime) -> tuple[datetime, bool]:
    """The close of business of the 3rd working day after the day received (that day not
    counted), on the calendar of the owner's unit (else the standard one), and whether that
    deadline is provisional (a year whose official schedule is not entered yet)."""
    calendar = calendar_for_unit_id(owner.org_unit_id) or default_calendar()
    day = business_calendar.local_date(calendar, received_at)
    last = business_calendar.add_working_days(calendar, day, PRICE_REQUEST_WORKING_DAYS)
    return business_calendar.close_of_business(calendar, last), business_calendar.is_provisional(calendar, last)


def _subject_of(actor, customer: Customer | None, prospect: Prospect | None) -> dict:
    if (customer is None) == (prospect is None):
        raise ValidationError({"customer": _("Name either a customer or a prospect.")})
    if customer is not None and not customers_visible_to(actor).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": _("The customer must be one you may see.")})
    if prospect is not None and not prospects_visible_to(actor).filter(pk=prospect.pk).exists():
        raise ValidationError({"prospect": _("The prospect must be one you may see.")})
    return {"customer": customer, "prospect": prospect}


@transaction.atomic
def price_request_create(
    *, actor, data: dict, customer: Customer | None = None, prospect: Prospect | None = None, now=None
) -> PriceRequest:
    """Register a price or commercial request; it is the customer's manager's (the prospect's
    owner's, else the registering user's) to answer within 3 working days."""
    require_capability(actor, "sales.work")
    subject = _subject_of(actor, customer, prospect)
    errors: dict = {}
    title = clean_text(data, "subject", errors, max_length=200)
    details = clean_text(data, "details", errors, multiline=True)
    if not title and "subject" not in errors:
        errors["subject"] = _("Say what the customer asks for.")
    received_at = data.get("received_at") or now or timezone.now()
    if not isinstance(received_at, datetime) or timezone.is_naive(received_at):
        errors["received_at"] = _("Enter the date and time the request came in.")
    elif received_at > timezone.now():
        errors["received_at"] = _("This date is in the future.")
    if errors:
        raise ValidationError(errors)
    if customer is not None and customer.account_manager_id:
        owner = customer.account_manager
    elif prospect is not None:
        owner = prospect.owner
    else:
        owner = actor
    due_at, provisional = price_request_due(owner, received_at)
    request = PriceRequest.objects.create(
        **subject,
        subject=title,
        details=details,
        received_at=received_at,
        due_at=due_at,
        due_provisional=provisional,
        owner=owner,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=request,
        customer_id=request.customer_id,
        changes={"subject": [None, title], "due_at": [None, due_at.isoformat()], "owner": [None, owner.pk]},
        summary=_("Price request registered"),
    )
    return request


@transaction.atomic
def price_request_answer(
    *, actor, request: PriceRequest, answer: str, expected_version: int | None = None
) -> PriceRequest:
    """The written answer. Answered once: a second answer is refused (the first stands)."""
    require_capability(actor, "sales.work")
    current = price_requests_visible_to(actor).select_for_update(of=("self",)).filter(pk=request.pk).first()
    if current is None:
        raise PermissionDeniedError()
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    if current.answered_at is not None:
        raise ConflictError(_("This request is already answered."))
    errors: dict = {}
    text = clean_text({"answer": answer}, "answer", errors, multiline=True)
    if not text and "answer" not in errors:
        errors["answer"] = _("Write the answer given to the customer.")
    if errors:
        raise ValidationError(errors)
    current.answer, current.answered_at, current.answered_by = text, timezone.now(), actor
    current.version += 1
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=current.customer_id,
        changes={"answered_at": [None, current.answered_at.isoformat()]},
        summary=_("Price request answered late") if current.answered_late else _("Price request answered"),
    )
    return current


# ---- campaigns


@transaction.atomic
def campaign_create(
    *, actor, data: dict, customers=None, prospects=None, org_unit: OrgUnit | None = None
) -> SalesCampaign:
    """A campaign over a list of customers and prospects in the actor's scope; each entry is
    worked by the customer's manager (the prospect's owner); a customer without one by the actor."""
    require_capability(actor, "sales.targets")
    errors: dict = {}
    name = clean_text(data, "name", errors, max_length=100)
    if not name and "name" not in errors:
        errors["name"] = _("Enter the campaign's name.")
    kind = _choice(data, "kind", CampaignKind, errors)
    starts_on = clean_date(data, "starts_on", errors)
    ends_on = clean_date(data, "ends_on", errors)
    if starts_on is None and "starts_on" not in errors:
        errors["starts_on"] = _("Enter a date such as 2026-05-31.")
    if ends_on is None and "ends_on" not in errors:
        errors["ends_on"] = _("Enter a date such as 2026-05-31.")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end is before the start.")
    description = clean_text(data, "description", errors, multiline=True)
    customer_ids = {int(pk) for pk in customers or []}
    prospect_ids = {int(pk) for pk in prospects or []}
    if not customer_ids and not prospect_ids:
        errors["customers"] = _("Put at least one customer or prospect on the list.")
    found = dict(customers_visible_to(actor).filter(pk__in=customer_ids).values_list("pk", "account_manager_id"))
    if set(found) != customer_ids:
        errors["customers"] = _("These customers are not ones you may see: %(ids)s.") % {
            "ids": ", ".join(str(pk) for pk in sorted(customer_ids - set(found)))
        }
    owners = dict(
        prospects_visible_to(actor).filter(pk__in=prospect_ids, stage__in=OPEN_STAGES).values_list("pk", "owner_id")
    )
    if set(owners) != prospect_ids:
        errors["prospects"] = _("These prospects are not open ones you may see: %(ids)s.") % {
            "ids": ", ".join(str(pk) for pk in sorted(prospect_ids - set(owners)))
        }
    unit = org_unit or actor.org_unit
    if unit is None:
        errors["org_unit"] = _("Choose the unit that runs the campaign.")
    elif not units_in_reach(actor).filter(pk=unit.pk).exists():
        errors["org_unit"] = _("Choose a unit in your part of the organisation.")
    if errors:
        raise ValidationError(errors)
    campaign = SalesCampaign.objects.create(
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        org_unit=unit,
        created_by=actor,
    )
    entries = [
        CampaignEntry(campaign=campaign, customer_id=pk, assignee_id=manager_id or actor.pk)
        for pk, manager_id in found.items()
    ] + [CampaignEntry(campaign=campaign, prospect_id=pk, assignee_id=owner_id) for pk, owner_id in owners.items()]
    CampaignEntry.objects.bulk_create(entries, batch_size=2000)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=campaign,
        changes={"name": [None, name], "kind": [None, kind], "entries": [None, len(entries)]},
        summary=_("Sales campaign created with %(count)s on its list") % {"count": len(entries)},
    )
    return campaign


@transaction.atomic
def campaign_entry_record(*, actor, entry: CampaignEntry, result: str, note: str = "") -> CampaignEntry:
    """The result of working one entry. A manager records only their own entries; supervisors
    and admins any of a campaign they see."""
    require_capability(actor, "sales.work")
    current = (
        CampaignEntry.objects.select_for_update(of=("self",)).select_related("campaign").filter(pk=entry.pk).first()
    )
    if current is None or not campaigns_visible_to(actor).filter(pk=current.campaign_id).exists():
        raise PermissionDeniedError()
    if actor.role == Role.ACCOUNT_MANAGER and current.assignee_id != actor.pk:
        raise PermissionDeniedError()
    errors: dict = {}
    if result not in CampaignResult.values or result == CampaignResult.PENDING:
        errors["result"] = _("Choose the result of the call or visit.")
    text = clean_text({"note": note}, "note", errors, max_length=300)
    if errors:
        raise ValidationError(errors)
    before = current.result
    current.result, current.note, current.worked_at = result, text, timezone.now()
    current.save(update_fields=["result", "note", "worked_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=current.customer_id,
        changes={"result": [before, result]},
        summary=_("Campaign result recorded"),
    )
    return current


# ---- targets


@transaction.atomic
def target_set(*, actor, data: dict, org_unit: OrgUnit | None = None, manager=None) -> SalesTarget:
    """Set (or change) the target of a metric and period for a unit or one manager, within the
    actor's part of the organisation."""
    require_capability(actor, "sales.targets")
    errors: dict = {}
    metric = _choice(data, "metric", TargetMetric, errors)
    start = clean_date(data, "period_start", errors)
    end = clean_date(data, "period_end", errors)
    value = clean_amount(data, "value", errors)
    for field, day in (("period_start", start), ("period_end", end)):
        if day is None and field not in errors:
            errors[field] = _("Enter a date such as 2026-05-31.")
    if start and end and end < start:
        errors["period_end"] = _("The end is before the start.")
    if metric == TargetMetric.RETENTION and start and end and start.year != end.year:
        errors["period_end"] = _("A retention target covers one year's named list: keep the period within a year.")
    if value is None and "value" not in errors:
        errors["value"] = _("Enter the target.")
    if metric == TargetMetric.RETENTION and value is not None and value > 100:
        errors["value"] = _("A rate is at most 100 %.")
    if (org_unit is None) == (manager is None):
        errors["org_unit"] = _("Set the target for either a unit or one account manager.")
    elif manager is not None and not account_managers_visible_to(actor).filter(pk=manager.pk).exists():
        errors["manager"] = _("Choose an account manager in your part of the organisation.")
    elif org_unit is not None and not units_in_reach(actor).filter(pk=org_unit.pk).exists():
        errors["org_unit"] = _("Choose a unit in your part of the organisation.")
    if errors:
        raise ValidationError(errors)
    key = {"metric": metric, "period_start": start, "period_end": end, "org_unit": org_unit, "manager": manager}
    target = SalesTarget.objects.select_for_update(of=("self",)).filter(**key).first()
    before = None if target is None else str(target.value)
    if target is None:
        try:
            with transaction.atomic():
                target = SalesTarget.objects.create(**key, value=value, set_by=actor)
        except IntegrityError:  # set at the same moment by someone else: change theirs
            target = SalesTarget.objects.select_for_update(of=("self",)).get(**key)
    target.value, target.set_by = value, actor
    target.save(update_fields=["value", "set_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATED if before is None else AuditAction.UPDATED,
        target=target,
        changes={"value": [before, str(value)]},
        summary=_("Sales target set"),
    )
    return target


@transaction.atomic
def target_delete(*, actor, target: SalesTarget) -> None:
    require_capability(actor, "sales.targets")
    current = targets_visible_to(actor).select_for_update(of=("self",)).filter(pk=target.pk).first()
    if current is None:
        raise PermissionDeniedError()
    audit_record(
        actor=actor,
        action=AuditAction.DELETED,
        target=current,
        changes={"value": [str(current.value), None]},
        summary=_("Sales target removed"),
    )
    current.delete()


# ---- the named group customers' list


@transaction.atomic
def named_customers_add(*, actor, year: int, customers) -> int:
    """Put customers the actor sees on the year's named list (again: nothing new). Returns how
    many were added."""
    require_capability(actor, "sales.targets")
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Enter a year such as 2026.")})
    ids = {int(pk) for pk in customers}
    visible = dict(customers_visible_to(actor).filter(pk__in=ids).values_list("pk", "kind"))
    found = set(visible)
    individuals = sorted(pk for pk, kind in visible.items() if kind != CustomerKind.ORGANISATION)
    if individuals:
        raise ValidationError({"customers": _("Only organisations can be named group customers: %(ids)s.") % {
            "ids": ", ".join(str(pk) for pk in individuals)
        }})  # fmt: skip
    if not ids or found != ids:
        raise ValidationError({"customers": _("These customers are not ones you may see: %(ids)s.") % {
            "ids": ", ".join(str(pk) for pk in sorted(ids - found)) or "—"
        }})  # fmt: skip
    already = set(
        NamedGroupCustomer.objects.filter(year=year, customer_id__in=ids).values_list("customer_id", flat=True)
    )
    rows = NamedGroupCustomer.objects.bulk_create(
        [NamedGroupCustomer(customer_id=pk, year=year, listed_by=actor) for pk in sorted(ids - already)]
    )
    audit_records(
        audit_entry(
            actor=actor,
            action=AuditAction.CREATED,
            target_type="sales.namedgroupcustomer",
            target_id=row.pk,
            target_repr=f"{row.customer_id} {year}",
            customer_id=row.customer_id,
            summary=_("Put on the named group customers' list of %(year)s") % {"year": year},
        )
        for row in rows
    )
    return len(rows)


@transaction.atomic
def named_customer_mark_lost(*, actor, named: NamedGroupCustomer, lost_on, reason: str) -> NamedGroupCustomer:
    """Record that a named group customer was lost (or, with no date, that it was kept after all)."""
    if not has_capability(actor, "sales.work"):
        raise PermissionDeniedError()
    current = named_customers_visible_to(actor).select_for_update(of=("self",)).filter(pk=named.pk).first()
    if current is None:
        raise PermissionDeniedError()
    errors: dict = {}
    day = clean_date({"lost_on": lost_on}, "lost_on", errors, not_after_today=True)
    text = clean_text({"lost_reason": reason}, "lost_reason", errors, max_length=200)
    if day and day.year != current.year and "lost_on" not in errors:
        errors["lost_on"] = _("The date must lie in the list's year %(year)s.") % {"year": current.year}
    if day and not text and "lost_reason" not in errors:
        errors["lost_reason"] = _("Say why the customer was lost.")
    if errors:
        raise ValidationError(errors)
    before = [current.lost_on.isoformat() if current.lost_on else None, current.lost_reason]
    current.lost_on, current.lost_reason = day, text if day else ""
    current.save(update_fields=["lost_on", "lost_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=current.customer_id,
        changes={
            "lost_on": [before[0], day.isoformat() if day else None],
            "lost_reason": [before[1], current.lost_reason],
        },
        summary=_("Named group customer lost") if day else _("Named group customer kept"),
    )
    return current
