"""Competitor records (issue 21 item 5): recorded by the customer's manager or supervisor, part
of the customer's business file, so every check goes through the same scope as the reads."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record, diff, snapshot
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.customers.models import Customer
from kefu.org.permissions import require_capability

from ..models import CompetitorRecord
from ..selectors import business_file_customers, competitor_records_visible_to
from .common import clean_amount, clean_date, clean_text

FIELDS = ["competitor", "offer", "price", "price_unit", "products", "visited_on", "visit_notes", "noted_on"]


def _clean(data: dict) -> dict:
    """Every field checked at once; a ValidationError names each bad one."""
    errors: dict = {}
    clean = {
        "competitor": clean_text(data, "competitor", errors, max_length=100),
        "offer": clean_text(data, "offer", errors, multiline=True),
        "price": clean_amount(data, "price", errors),
        "price_unit": clean_text(data, "price_unit", errors, max_length=30),
        "products": clean_text(data, "products", errors, max_length=300),
        "visited_on": clean_date(data, "visited_on", errors, not_after_today=True),
        "visit_notes": clean_text(data, "visit_notes", errors, multiline=True),
        "noted_on": clean_date(data, "noted_on", errors, not_after_today=True) or timezone.localdate(),
    }
    if not clean["competitor"] and "competitor" not in errors:
        errors["competitor"] = _("Name the competitor.")
    if clean["visit_notes"] and not clean["visited_on"] and "visited_on" not in errors:
        errors["visited_on"] = _("Enter the date of the competitor's visit the notes are about.")
    if not any(clean[key] for key in ("offer", "price", "products", "visited_on")) and not errors:
        errors["offer"] = _("Record the offer, the price, the products or routes, or a visit.")
    if errors:
        raise ValidationError(errors)
    return clean


def _may_record(actor, customer_id: int) -> None:
    require_capability(actor, "competitors.record")
    if not business_file_customers(actor).filter(pk=customer_id).exists():
        raise PermissionDeniedError()


@transaction.atomic
def competitor_record_create(*, actor, customer: Customer, data: dict) -> CompetitorRecord:
    """Record what a competitor offers `customer` (or their visit to it)."""
    _may_record(actor, customer.pk)
    record = CompetitorRecord(customer=customer, recorded_by=actor, **_clean(data))
    record.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=record,
        customer_id=customer.pk,
        changes={key: [None, value] for key, value in snapshot(record, FIELDS).items() if value not in (None, "")},
        summary=_("Competitor record added: %(competitor)s") % {"competitor": record.competitor},
    )
    return record


def _locked(actor, record: CompetitorRecord, expected_version: int | None) -> CompetitorRecord:
    require_capability(actor, "competitors.record")
    current = competitor_records_visible_to(actor).select_for_update(of=("self",)).filter(pk=record.pk).first()
    if current is None:
        raise PermissionDeniedError()
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    return current


@transaction.atomic
def competitor_record_update(
    *, actor, record: CompetitorRecord, data: dict, expected_version: int | None = None
) -> CompetitorRecord:
    current = _locked(actor, record, expected_version)
    clean = _clean({**snapshot(current, FIELDS), **data})
    before = snapshot(current, FIELDS)
    for key, value in clean.items():
        setattr(current, key, value)
    changes = diff(before, snapshot(current, FIELDS))
    if not changes:
        return current
    current.version += 1
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=current.customer_id,
        changes=changes,
        summary=_("Competitor record changed"),
    )
    return current


@transaction.atomic
def competitor_record_delete(*, actor, record: CompetitorRecord, expected_version: int | None = None) -> None:
    current = _locked(actor, record, expected_version)
    audit_record(
        actor=actor,
        action=AuditAction.DELETED,
        target=current,
        customer_id=current.customer_id,
        changes={key: [value, None] for key, value in snapshot(current, FIELDS).items() if value not in (None, "")},
        summary=_("Competitor record removed: %(competitor)s") % {"competitor": current.competitor},
    )
    current.delete()
