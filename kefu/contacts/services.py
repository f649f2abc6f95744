"""Writes to contacts: a contact logged (by hand or fed by visits, callbacks, collection), the
assignment date kept from the archive, the contact plans, the quarterly key-account reviews.

Every change is audited in the same transaction and refreshes the customer's due row, so a
manager's list is right the moment a contact is logged."""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record, audit_written
from kefu.core.background import run_after_commit
from kefu.core.dates import parse_date
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.core.text import check_text
from kefu.customers.choices import CustomerStatus
from kefu.customers.models import Customer
from kefu.customers.selectors import customers_visible_to
from kefu.customers.services import IDS_PER_STATEMENT
from kefu.org.permissions import require_capability

from .choices import ContactChannel, ContactSource, ReviewStatus
from .due import contacts_due_refresh
from .models import Assignment, ContactLog, ContactPlan, KeyAccountReview

# A contact may be logged a little ahead of the server's clock (a phone's clock), not later.
CLOCK_SKEW = timedelta(minutes=5)


def _clean_contact(data: dict) -> dict:
    """Check a contact's fields; ValidationError naming every bad one, in the user's language."""
    errors = {}
    channel = str(data.get("channel") or "")
    if channel not in ContactChannel.values:
        errors["channel"] = _("Choose how the customer was contacted: phone, visit or message.")
    summary = str(data.get("summary") or "").strip()
    if not summary:
        errors["summary"] = _("Write down what was said.")
    check_text(summary, "summary", errors, multiline=True)
    next_step = str(data.get("next_step") or "").strip()
    if len(next_step) > 200:
        errors["next_step"] = _("At most 200 characters.")
    check_text(next_step, "next_step", errors)
    contacted_at = data.get("contacted_at") or timezone.now()
    if not isinstance(contacted_at, datetime):
        errors["contacted_at"] = _("Enter the date and time of the contact.")
    elif timezone.is_naive(contacted_at):
        contacted_at = timezone.make_aware(contacted_at)
    if isinstance(contacted_at, datetime) and contacted_at > timezone.now() + CLOCK_SKEW:
        errors["contacted_at"] = _("A contact cannot be logged ahead of time.")
    try:
        next_step_on = parse_date(data.get("next_step_on"))
    except (ValueError, OverflowError):
        errors["next_step_on"] = _("Enter a date such as 2026-12-01.")
        next_step_on = None
    if (
        next_step_on is not None
        and isinstance(contacted_at, datetime)
        and next_step_on < timezone.localtime(contacted_at).date()
    ):
        errors["next_step_on"] = _("The next step cannot come before the contact.")
    if next_step_on is not None and not next_step and "next_step" not in errors:
        errors["next_step"] = _("Say what the next step is.")
    if errors:
        raise ValidationError(errors)
    return {
        "channel": channel,
        "summary": summary,
        "next_step": next_step,
        "next_step_on": next_step_on,
        "contacted_at": contacted_at,
    }


def _write(*, actor, customer_id: int, clean: dict, source: str, source_id: int | None, user) -> ContactLog:
    """Insert one contact (once per source row), audit it, refresh the customer's due row."""
    if source_id is not None:
        known = ContactLog.objects.filter(source=source, source_id=source_id).first()
        if known is not None:
            return known
    try:
        with transaction.atomic():
            log = ContactLog.objects.create(
                customer_id=customer_id, user=user, source=source, source_id=source_id, **clean
            )
    except IntegrityError:
        # The same source row logged at the same moment by another worker: theirs stands.
        return ContactLog.objects.get(source=source, source_id=source_id)
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=log,
        customer_id=customer_id,
        changes={"channel": [None, log.channel], "summary": [None, log.summary]},
        summary=_("Contact logged"),
    )
    contacts_due_refresh(customer_ids=[customer_id])
    return log


@transaction.atomic
def contact_log_record(*, actor, customer: Customer, data: dict) -> ContactLog:
    """A contact logged by hand (页面「记录联系」/ API): `data` holds channel, summary,
    contacted_at (default now), next_step, next_step_on. The customer must be in the actor's
    scope (ValidationError on 'customer' otherwise)."""
    require_capability(actor, "contacts.log")
    if customer is None or not customers_visible_to(actor).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": _("Choose one of your customers.")})
    clean = _clean_contact(data)
    return _write(
        actor=actor, customer_id=customer.pk, clean=clean, source=ContactSource.MANUAL, source_id=None, user=actor
    )


@transaction.atomic
def contact_log_from_source(
    *, actor, customer_id: int, source: str, source_id: int, data: dict, user=None
) -> ContactLog:
    """A contact that another feature made and already checked (a visit recorded, a callback
    answered, a collection call): logged once per (source, source_id), whoever calls twice.
    Called by those apps' hooks inside their own transaction."""
    if source not in ContactSource.values or source == ContactSource.MANUAL:
        raise ValueError(f"unknown contact source {source!r}")
    clean = _clean_contact(data)
    return _write(
        actor=actor, customer_id=customer_id, clean=clean, source=source, source_id=source_id, user=user or actor
    )


# ---- Assignments (fed by customers.hooks.on_managers_changed) ----


def assignments_record(moves) -> None:
    """Customers that got a new account manager: the first-contact week starts now. A customer
    left without a manager loses its row (nothing is due). In slices of IDS_PER_STATEMENT, as
    the archive writes them (an assignment plan may move a million customers)."""
    now = timezone.now()
    moves = list(moves)
    for start in range(0, len(moves), IDS_PER_STATEMENT):
        part = moves[start : start + IDS_PER_STATEMENT]
        ids = [pk for pk, _before, _after in part]
        Assignment.objects.filter(customer_id__in=ids).delete()
        Assignment.objects.bulk_create(
            [Assignment(customer_id=pk, manager_id=after, assigned_at=now) for pk, _before, after in part if after]
        )
        contacts_due_refresh(customer_ids=ids)


def on_tiers_changed(customer_ids) -> None:
    """A tier change may change the customer's plan."""
    contacts_due_refresh(customer_ids=customer_ids)


# ---- Plans ----


@transaction.atomic
def contact_plan_save(*, actor, data: dict, plan: ContactPlan | None = None) -> ContactPlan:
    """Create or change a tier's contact plan (admins). `data`: tier, every_days, channel,
    quarterly_review. Then the due rows are worked out again for everyone."""
    require_capability(actor, "contacts.configure")
    errors = {}
    tier = str(data.get("tier", plan.tier if plan else "") or "").strip()
    if tier:
        from kefu.customers.tiers import all_tiers

        if tier not in {t.code for t in all_tiers()}:
            errors["tier"] = _("Choose one of the customer tiers, or leave it empty for every other customer.")
    others = ContactPlan.objects.filter(tier=tier)
    if plan is not None:
        others = others.exclude(pk=plan.pk)
    if "tier" not in errors and others.exists():
        errors["tier"] = _("This tier already has a contact plan.")
    try:
        every_days = int(str(data.get("every_days", plan.every_days if plan else "")).strip())
        if not 1 <= every_days <= 366:
            raise ValueError
    except ValueError:
        errors["every_days"] = _("Enter a number of days from 1 to 366.")
        every_days = None
    channel = str(data.get("channel", plan.channel if plan else "") or "")
    if channel not in ContactChannel.values:
        errors["channel"] = _("Choose how the customer was contacted: phone, visit or message.")
    review = data.get("quarterly_review", plan.quarterly_review if plan else False)
    review = review in (True, "true", "on", "1", 1, "True")
    if errors:
        raise ValidationError(errors)
    if plan is not None:
        plan = ContactPlan.objects.select_for_update().get(pk=plan.pk)
    before = (
        {
            "tier": plan.tier,
            "every_days": plan.every_days,
            "channel": plan.channel,
            "quarterly_review": plan.quarterly_review,
        }
        if plan
        else {}
    )
    plan = plan or ContactPlan()
    plan.tier, plan.every_days, plan.channel, plan.quarterly_review = tier, every_days, channel, review
    plan.save()
    after = {"tier": tier, "every_days": every_days, "channel": channel, "quarterly_review": review}
    changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED if before else AuditAction.CREATED,
        target=plan,
        changes=changes,
        summary=_("Contact plan saved"),
    )
    _refresh_all_later()
    return plan


def _refresh_all_later() -> None:
    """Every customer's due row again, after the commit (a plan covers a whole tier)."""
    from .tasks import contacts_due_refresh_task

    run_after_commit(contacts_due_refresh_task)


@transaction.atomic
def contact_plan_delete(*, actor, plan: ContactPlan) -> None:
    require_capability(actor, "contacts.configure")
    audit_record(
        actor=actor,
        action=AuditAction.DELETED,
        target=plan,
        changes={"tier": [plan.tier, None], "every_days": [plan.every_days, None]},
        summary=_("Contact plan deleted"),
    )
    plan.delete()
    _refresh_all_later()


# ---- Quarterly key-account file reviews ----


def quarter_of(day: date) -> tuple[date, date]:
    start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return start, start + relativedelta(months=3) - timedelta(days=1)


def reviews_plan(*, today: date | None = None) -> int:
    """This quarter's file review of every managed customer whose tier's plan asks for one:
    one INSERT … SELECT per such tier; the unique (customer, quarter) makes a rerun or a second
    worker add nothing. Returns how many were added."""
    today = today or timezone.localdate()
    start, end = quarter_of(today)
    tiers = list(ContactPlan.objects.filter(quarterly_review=True).exclude(tier="").values_list("tier", flat=True))
    if not tiers:
        return 0
    customers = (
        Customer.objects.exclude(status=CustomerStatus.CLOSED)
        .filter(account_manager__isnull=False, tier__in=tiers)
        .annotate(r_id=F("id"), r_manager=F("account_manager_id"))
        .values("r_id", "r_manager")
    )
    customers_sql, params = customers.query.sql_with_params()
    table = KeyAccountReview._meta.db_table
    sql = (
        f"INSERT INTO {table} (customer_id, manager_id, quarter_start, due_on, status, notes)"
        f" SELECT c.r_id, c.r_manager, %s, %s, %s, '' FROM ({customers_sql}) c"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.customer_id = c.r_id AND r.quarter_start = %s)"
        " ON CONFLICT DO NOTHING RETURNING id AS target_id, customer_id"
    )
    with transaction.atomic():
        return audit_written(
            sql,
            [start, end, ReviewStatus.OPEN, *params, start],
            actor=None,
            action=AuditAction.CREATED,
            target_type="contacts.keyaccountreview",
            target_repr=_("Key-account file review"),
            summary=_("Quarterly file review planned"),
        )


@transaction.atomic
def review_complete(*, actor, review: KeyAccountReview, notes: str) -> KeyAccountReview:
    """The manager (or a supervisor above) closes the quarter's review with what was checked."""
    from .selectors import reviews_visible_to

    require_capability(actor, "contacts.log")
    if not reviews_visible_to(actor).filter(pk=review.pk).exists():
        raise PermissionDeniedError()
    errors = {}
    notes = (notes or "").strip()
    if not notes:
        errors["notes"] = _("Write down what was reviewed in the file.")
    check_text(notes, "notes", errors, multiline=True)
    if errors:
        raise ValidationError(errors)
    claimed = KeyAccountReview.objects.filter(pk=review.pk, status=ReviewStatus.OPEN).update(
        status=ReviewStatus.DONE, notes=notes, reviewed_by=actor, reviewed_at=timezone.now()
    )
    if not claimed:
        raise ConflictError(_("This review is already done."))
    review.refresh_from_db()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=review,
        customer_id=review.customer_id,
        changes={"status": [ReviewStatus.OPEN, ReviewStatus.DONE]},
        summary=_("Key-account file reviewed"),
    )
    return review


def hand_over_reviews(*, actor, leaving, receiver_for):
    """A leaving manager's open reviews go to whoever takes over each customer."""
    from django.urls import reverse

    from kefu.accountmanagers.handover import HandedOver

    items = []
    for review in (
        KeyAccountReview.objects.select_for_update()
        .filter(manager=leaving, status=ReviewStatus.OPEN)
        .select_related("customer")
    ):
        receiver = receiver_for(review.customer_id)
        if receiver is None:
            continue
        KeyAccountReview.objects.filter(pk=review.pk).update(manager=receiver)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=review,
            customer_id=review.customer_id,
            changes={"manager": [leaving.pk, receiver.pk]},
            summary=_("Key-account file review handed over"),
        )
        items.append(
            HandedOver(
                receiver_id=receiver.pk,
                kind="contact_reviews",
                label=_("Key-account file reviews"),
                ref_id=review.pk,
                text=f"{review.customer.name} {review.due_on}",
                url=reverse("contacts:reviews"),
            )
        )
    return items
