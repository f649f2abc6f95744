"""Writes of fee collection: bills and payments from the billing system (file or API, both
idempotent), promises to pay and their check, calls and visits, targets.

Each write checks the caller's right and scope, runs in one transaction and audits what it
changed. Notices and soft reminders through the outbox are in `reminders.py`."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_entry, audit_record, audit_records
from kefu.contacts.choices import ContactChannel, ContactSource
from kefu.contacts.services import contact_log_from_source
from kefu.core.dates import parse_date
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.core.text import check_text, refused_character
from kefu.customers.models import Customer
from kefu.inbox.services import notify_each
from kefu.org.models import User
from kefu.org.permissions import require_capability
from kefu.org.selectors import account_managers_visible_to, supervisors_above

from . import selectors
from .choices import ArrearStatus, PromiseStatus, StepKind
from .models import Arrear, CollectionStep, CollectionTarget, Payment, Promise

MAX_AMOUNT = Decimal("999999999999.99")  # what the columns hold (14 digits, 2 after the point)
MAX_ROWS = 20_000  # one call or file: a month's bills of a large branch; more is split


# --- cleaning ---------------------------------------------------------------------------------------


def parse_amount(raw) -> Decimal:
    """A sum of money in yuan from a cell or JSON: 1234.5, "1,234.50", "¥1234.5". ValueError otherwise."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError(raw)
    text = str(raw).strip().replace(",", "").replace("¥", "").replace("￥", "").replace("元", "")
    try:
        amount = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(raw) from error
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(raw)
    return amount.quantize(Decimal("0.01"))


def parse_period(raw) -> date:
    """A bill period (a month) from "2026-03", "202603", "2026/3", "2026年3月" or any date in it."""
    if isinstance(raw, (date, datetime)):
        return (raw.date() if isinstance(raw, datetime) else raw).replace(day=1)
    text = str(raw if raw is not None else "").strip().replace("年", "-").replace("月", "").replace("/", "-")
    text = text.replace(".", "-")
    if len(text) == 6 and text.isdecimal():
        text = f"{text[:4]}-{text[4:]}"
    parts = text.split("-")
    if len(parts) == 2 and all(part.isdecimal() for part in parts):
        year, month = int(parts[0]), int(parts[1])
        if 1900 <= year <= 2999 and 1 <= month <= 12:
            return date(year, month, 1)
        raise ValueError(raw)
    day = parse_date(raw)
    if day is None or not 1900 <= day.year <= 2999:
        raise ValueError(raw)
    return day.replace(day=1)


def _day(raw) -> date:
    day = parse_date(raw)
    if day is None or not 1900 <= day.year <= 2999:
        raise ValueError(raw)
    return day


def _row_error(errors: list, number, message: str) -> None:
    errors.append((number, _("Row %(row)s: %(message)s") % {"row": number, "message": message}))


def _refuse_rows(errors: list) -> None:
    """Every bad row named, in the file's order, and nothing written."""
    if errors:
        ordered = sorted(errors, key=lambda item: item[0] if isinstance(item[0], int) else 0)
        raise ValidationError({"rows": [message for _number, message in ordered]})


def _customers_by_code(codes: set[str]) -> dict[str, Customer]:
    found: dict[str, Customer] = {}
    codes = sorted(codes)
    for offset in range(0, len(codes), 5000):
        for customer in Customer.objects.filter(code__in=codes[offset : offset + 5000]).only("pk", "code", "name"):
            found[customer.code] = customer
    return found


def _too_many(rows) -> None:
    if not rows:
        raise ValidationError({"rows": [_("There are no rows to import.")]})
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            {"rows": [_("At most %(limit)s rows at once; split the file or the call.") % {"limit": f"{MAX_ROWS:,}"}]}
        )


# --- bills (arrears) ------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def arrears_import(*, actor, rows: list[tuple[object, dict]]) -> ImportResult:
    """Bills from the billing system: each row (its number, {customer_code, period, amount,
    due_date}). All or nothing: every bad row is named and nothing is written. Idempotent on
    (customer number, bill period): a bill sent again with the same amount and due date is
    left alone; a corrected one updates the arrear (audited), which is open again if the new
    amount exceeds what was paid."""
    require_capability(actor, "collection.import")
    _too_many(rows)
    errors: list[tuple] = []
    clean: dict[tuple[str, date], tuple[object, Decimal, date]] = {}
    for number, row in rows:
        code = str(row.get("customer_code") or "").strip()
        try:
            period = parse_period(row.get("period"))
        except (ValueError, OverflowError):
            _row_error(errors, number, _("the bill period is not a month such as 2026-03."))
            continue
        try:
            amount = parse_amount(row.get("amount"))
        except ValueError:
            _row_error(errors, number, _("the amount is not a sum of money in yuan (at most two decimals)."))
            continue
        try:
            due = _day(row.get("due_date"))
        except (ValueError, OverflowError):
            _row_error(errors, number, _("the due date is not a date such as 2026-04-15."))
            continue
        if not code or refused_character(code) or len(code) > 40:
            _row_error(errors, number, _("the customer number is missing or unreadable."))
            continue
        if (code, period) in clean:
            _row_error(
                errors,
                number,
                _("customer %(code)s's bill for %(period)s is also in row %(row)s.")
                % {"code": code, "period": f"{period:%Y-%m}", "row": clean[(code, period)][0]},
            )
            continue
        clean[(code, period)] = (number, amount, due)
    customers = _customers_by_code({code for code, _period in clean})
    for (code, _period), (number, _amount, _due) in clean.items():
        if code not in customers:
            _row_error(errors, number, _("no customer has the number %(code)s.") % {"code": code})
    _refuse_rows(errors)
    result = ImportResult()
    with transaction.atomic():
        keys = {(customers[code].pk, period): (code, period) for code, period in clean}
        existing = {
            (arrear.customer_id, arrear.period): arrear
            for arrear in Arrear.objects.select_for_update().filter(
                customer_id__in={customer_id for customer_id, _p in keys}, period__in={p for _c, p in keys}
            )
        }
        new, changed, entries = [], [], []
        for (customer_id, period), key in keys.items():
            _number, amount, due = clean[key]
            arrear = existing.get((customer_id, period))
            if arrear is None:
                new.append(Arrear(customer_id=customer_id, period=period, amount=amount, due_date=due))
                continue
            if (arrear.amount, arrear.due_date) == (amount, due):
                result.unchanged += 1
                continue
            before = {"amount": str(arrear.amount), "due_date": arrear.due_date.isoformat()}
            arrear.amount, arrear.due_date = amount, due
            _settle_state(arrear)
            arrear.version += 1
            arrear.updated_at = timezone.now()  # bulk_update does not stamp auto_now
            changed.append(arrear)
            entries.append(
                audit_entry(
                    actor=actor,
                    action=AuditAction.UPDATED,
                    target=arrear,
                    customer_id=customer_id,
                    changes={
                        key: [before[key], value]
                        for key, value in (("amount", str(amount)), ("due_date", due.isoformat()))
                        if before[key] != value
                    },
                    summary=_("Bill corrected by the billing system"),
                )
            )
        try:
            with transaction.atomic():
                created = Arrear.objects.bulk_create(new, batch_size=2000)
        except IntegrityError as error:  # the same bills imported at this moment by another call
            raise ConflictError(_("These bills are being imported by another call; send them again.")) from error
        Arrear.objects.bulk_update(
            changed, ["amount", "due_date", "status", "settled_on", "version", "updated_at"], batch_size=2000
        )
        entries += [
            audit_entry(
                actor=actor,
                action=AuditAction.IMPORTED,
                target_type="collection.arrear",
                target_id=arrear.pk,
                target_repr=str(arrear),
                customer_id=arrear.customer_id,
                changes={"amount": [None, str(arrear.amount)], "due_date": [None, arrear.due_date.isoformat()]},
                summary=_("Bill imported from the billing system"),
            )
            for arrear in created
        ]
        audit_records(entries)
    result.created, result.updated = len(created), len(changed)
    return result


def _settle_state(arrear: Arrear, last_paid_on: dict[int, date] | None = None) -> None:
    """Paid once the payments reach the amount (settled on the last payment's day: read from
    `last_paid_on` {arrear id: day} when given, else from its payments), owed otherwise."""
    if arrear.paid >= arrear.amount:
        if arrear.status != ArrearStatus.PAID:
            arrear.status = ArrearStatus.PAID
            if last_paid_on is not None:
                last_day = last_paid_on.get(arrear.pk)
            else:
                last = (
                    Payment.objects.filter(arrear_id=arrear.pk).order_by("-paid_on").values_list("paid_on", flat=True)
                )
                last_day = last.first() if arrear.pk else None
            arrear.settled_on = last_day or timezone.localdate()
            arrear.promise_broken = False
    else:
        arrear.status, arrear.settled_on = ArrearStatus.OPEN, None


# --- payments -----------------------------------------------------------------------------------------


def payments_import(*, actor, rows: list[tuple[object, dict]]) -> ImportResult:
    """Payments from the billing system: each row (its number, {customer_code, period, amount,
    paid_on, reference}). All or nothing. Idempotent on the reference (流水号): a payment sent
    again is left alone ("unchanged"); the same reference with another amount or bill is refused."""
    require_capability(actor, "collection.import")
    _too_many(rows)
    errors: list[tuple] = []
    clean: dict[str, tuple] = {}
    for number, row in rows:
        reference = str(row.get("reference") or "").strip()
        code = str(row.get("customer_code") or "").strip()
        try:
            period = parse_period(row.get("period"))
            amount = parse_amount(row.get("amount"))
            paid_on = _day(row.get("paid_on"))
        except (ValueError, OverflowError):
            _row_error(errors, number, _("the bill period, the amount or the payment date cannot be read."))
            continue
        if not reference or len(reference) > 64 or not code or refused_character(code + reference):
            _row_error(errors, number, _("customer number and payment reference (≤ 64 characters) are needed."))
            continue
        if not amount:
            _row_error(errors, number, _("the amount paid must be more than zero."))
            continue
        if reference in clean:
            _row_error(
                errors,
                number,
                _("the payment reference %(reference)s is also in row %(row)s.")
                % {"reference": reference, "row": clean[reference][0]},
            )
            continue
        clean[reference] = (number, code, period, amount, paid_on)
    customers = _customers_by_code({item[1] for item in clean.values()})
    arrears = {
        (arrear.customer_id, arrear.period): arrear
        for arrear in Arrear.objects.filter(
            customer_id__in=[customer.pk for customer in customers.values()],
            period__in={item[2] for item in clean.values()},
        )
    }
    known = {payment.reference: payment for payment in Payment.objects.filter(reference__in=list(clean))}
    wanted = []
    for reference, (number, code, period, amount, paid_on) in clean.items():
        customer = customers.get(code)
        arrear = arrears.get((customer.pk, period)) if customer else None
        if arrear is None:
            _row_error(
                errors,
                number,
                _("customer %(code)s has no bill for %(period)s.") % {"code": code, "period": f"{period:%Y-%m}"},
            )
            continue
        payment = known.get(reference)
        if payment is not None:
            if (payment.arrear_id, payment.amount, payment.paid_on) != (arrear.pk, amount, paid_on):
                _row_error(
                    errors,
                    number,
                    _("the payment reference %(reference)s was recorded before with another bill, amount or date.")
                    % {"reference": reference},
                )
            continue
        wanted.append(
            Payment(
                arrear=arrear,
                customer_id=arrear.customer_id,
                amount=amount,
                paid_on=paid_on,
                reference=reference,
                recorded_by=actor,
            )
        )
    _refuse_rows(errors)
    result = ImportResult(unchanged=len(clean) - len(wanted))
    if wanted:
        result.created = len(_apply_payments(actor=actor, payments=wanted))
    return result


@transaction.atomic
def payment_record(*, actor, arrear: Arrear, amount, paid_on, reference: str) -> Payment:
    """One payment typed in (a counter receipt) or sent by the API; the reference makes a
    retry harmless (the first payment is returned)."""
    require_capability(actor, "collection.import")
    errors = {}
    try:
        amount = parse_amount(amount)
        if not amount:
            raise ValueError(amount)
    except ValueError:
        errors["amount"] = _("Enter the amount paid in yuan, more than zero, at most two decimals.")
    try:
        paid_on = _day(paid_on)
        if paid_on > timezone.localdate():
            errors["paid_on"] = _("A payment cannot be dated in the future.")
    except (ValueError, OverflowError):
        errors["paid_on"] = _("Enter the date of the payment.")
    reference = (reference or "").strip()
    if not reference or len(reference) > 64:
        errors["reference"] = _("Enter the payment reference (up to 64 characters).")
    check_text(reference, "reference", errors)
    if errors:
        raise ValidationError(errors)
    known = Payment.objects.filter(reference=reference).first()
    if known is not None:
        if (known.arrear_id, known.amount, known.paid_on) != (arrear.pk, amount, paid_on):
            raise ValidationError(
                {"reference": _("This payment reference was recorded before with another bill, amount or date.")}
            )
        return known
    return _apply_payments(
        actor=actor,
        payments=[
            Payment(
                arrear=arrear,
                customer_id=arrear.customer_id,
                amount=amount,
                paid_on=paid_on,
                reference=reference,
                recorded_by=actor,
            )
        ],
    )[0]


@transaction.atomic
def _apply_payments(*, actor, payments: list[Payment]) -> list[Payment]:
    """Write the payments, add them to their arrears' `paid` (an UPDATE adding to the column,
    so two imports at once lose nothing), settle the arrears they pay off and mark the open
    promises they keep. Audited."""
    try:
        with transaction.atomic():
            created = Payment.objects.bulk_create(payments, batch_size=2000)
    except IntegrityError as error:  # a reference recorded at this moment by another call
        raise ConflictError(_("These payments are being recorded by another call; send them again.")) from error
    per_arrear: dict[int, Decimal] = {}
    for payment in created:
        per_arrear[payment.arrear_id] = per_arrear.get(payment.arrear_id, Decimal(0)) + payment.amount
    # Arrears receiving the same sum share one UPDATE adding to the column (still safe for two imports at once).
    by_amount: dict[Decimal, list[int]] = {}
    for arrear_id, amount in per_arrear.items():
        by_amount.setdefault(amount, []).append(arrear_id)
    for amount, ids in by_amount.items():
        for offset in range(0, len(ids), 2000):
            Arrear.objects.filter(pk__in=ids[offset : offset + 2000]).update(
                paid=F("paid") + amount, version=F("version") + 1
            )
    entries = [
        audit_entry(
            actor=actor,
            action=AuditAction.CREATED,
            target=payment,
            customer_id=payment.customer_id,
            changes={"amount": [None, str(payment.amount)], "paid_on": [None, payment.paid_on.isoformat()]},
            summary=_("Payment recorded"),
        )
        for payment in created
    ]
    today, now = timezone.localdate(), timezone.now()
    arrears = list(Arrear.objects.select_for_update().filter(pk__in=list(per_arrear)))
    # What the loop below needs of every arrear, read at once: its open promises, and for those
    # paid off now the day of their last payment.
    open_promises: dict[int, list[Promise]] = {}
    for promise in Promise.objects.filter(arrear_id__in=list(per_arrear), status=PromiseStatus.OPEN):
        open_promises.setdefault(promise.arrear_id, []).append(promise)
    paying_off = [
        arrear.pk for arrear in arrears if arrear.paid >= arrear.amount and arrear.status != ArrearStatus.PAID
    ]
    last_paid_on = dict(
        Payment.objects.filter(arrear_id__in=paying_off)
        .order_by()
        .values("arrear_id")
        .annotate(last=Max("paid_on"))
        .values_list("arrear_id", "last")
    )
    kept, settled = [], []
    for arrear in arrears:
        was = arrear.status
        _settle_state(arrear, last_paid_on)
        for promise in open_promises.get(arrear.pk, []):
            if arrear.status == ArrearStatus.PAID or arrear.paid - promise.paid_before >= promise.amount:
                promise.status, promise.decided_on = PromiseStatus.KEPT, today
                kept.append(promise)
        if arrear.status != was:
            arrear.updated_at = now  # bulk_update does not stamp auto_now
            settled.append(arrear)
            entries.append(
                audit_entry(
                    actor=actor,
                    action=AuditAction.UPDATED,
                    target=arrear,
                    customer_id=arrear.customer_id,
                    changes={"status": [was, arrear.status]},
                    summary=_("Arrear settled by payment"),
                )
            )
    Promise.objects.bulk_update(kept, ["status", "decided_on"], batch_size=2000)
    Arrear.objects.bulk_update(settled, ["status", "settled_on", "promise_broken", "updated_at"], batch_size=2000)
    audit_records(entries)
    return created


# --- working an arrear ----------------------------------------------------------------------------------


def _may_work_on(actor, arrear: Arrear) -> Arrear:
    """Lock the arrear after checking the actor may work on it (in scope, collection.work)."""
    require_capability(actor, "collection.work")
    if not selectors.arrears_visible_to(actor).filter(pk=arrear.pk).exists():
        raise PermissionDeniedError()
    # Only the arrear's row is locked (a FOR UPDATE over the join would lock the customer too).
    return Arrear.objects.select_for_update(of=("self",)).select_related("customer").get(pk=arrear.pk)


@transaction.atomic
def collection_step_record(*, actor, arrear: Arrear, kind: str, outcome: str) -> CollectionStep:
    """A call or a visit about the arrear, with what was said. Soft first (柔性催费, seed 000
    篇3): a call or a visit is refused until the soft reminder has gone out."""
    current = _may_work_on(actor, arrear)
    if current.status != ArrearStatus.OPEN:
        raise ConflictError(_("This arrear is already paid."))
    errors = {}
    if kind not in (StepKind.CALL, StepKind.VISIT):
        errors["kind"] = _("Choose a call or a visit.")
    elif not selectors.reminder_sent(current):
        errors["kind"] = _("Send the soft reminder first; calls and visits come after it.")
    outcome = (outcome or "").strip()
    if not outcome:
        errors["outcome"] = _("Write down what the customer said.")
    check_text(outcome, "outcome", errors, multiline=True)
    if errors:
        raise ValidationError(errors)
    step = CollectionStep.objects.create(
        arrear=current, customer_id=current.customer_id, kind=kind, at=timezone.now(), actor=actor, outcome=outcome
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=step,
        customer_id=current.customer_id,
        changes={"kind": [None, kind]},
        summary=_("Collection step recorded: %(kind)s") % {"kind": step.get_kind_display()},
    )
    _log_contact(step)
    return step


@transaction.atomic
def promise_record(*, actor, arrear: Arrear, promised_on, amount=None, note: str = "") -> Promise:
    """The customer's promise to pay (by default the whole balance) by a date from today on.
    A new promise replaces an open one and lifts the broken-promise flag."""
    current = _may_work_on(actor, arrear)
    if current.status != ArrearStatus.OPEN:
        raise ConflictError(_("This arrear is already paid."))
    errors = {}
    today = timezone.localdate()
    try:
        promised_on = _day(promised_on)
        if promised_on < today:
            errors["promised_on"] = _("The promised date cannot be in the past.")
    except (ValueError, OverflowError):
        errors["promised_on"] = _("Enter the date the customer promised to pay by.")
    balance = current.amount - current.paid
    try:
        amount = balance if amount in (None, "") else parse_amount(amount)
        if not amount or amount > balance:
            errors["amount"] = _("Promise more than zero and at most the balance (%(balance)s).") % {"balance": balance}
    except ValueError:
        errors["amount"] = _("Enter the promised amount in yuan, at most two decimals.")
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = _("At most 200 characters.")
    check_text(note, "note", errors)
    if errors:
        raise ValidationError(errors)
    Promise.objects.filter(arrear=current, status=PromiseStatus.OPEN).update(
        status=PromiseStatus.REPLACED, decided_on=today
    )
    promise = Promise.objects.create(
        arrear=current,
        customer_id=current.customer_id,
        promised_on=promised_on,
        amount=amount,
        paid_before=current.paid,
        note=note,
        made_by=actor,
    )
    changes = {"promised_on": [None, promised_on.isoformat()], "amount": [None, str(amount)]}
    if current.promise_broken:
        current.promise_broken = False
        current.version += 1
        current.save(update_fields=["promise_broken", "version", "updated_at"])
        changes["promise_broken"] = [True, False]
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=promise,
        customer_id=current.customer_id,
        changes=changes,
        summary=_("Promise to pay recorded"),
    )
    return promise


def promises_check(*, today: date | None = None) -> int:
    """Promises whose date has passed: kept if the promised money came in (or the arrear is
    paid), broken otherwise; a broken one flags its arrear and tells the customer's manager
    once. Safe to run twice (only open promises are looked at, each decided once)."""
    today = today or timezone.localdate()
    broken_for: dict[int, list[str]] = {}
    with transaction.atomic():
        due = Promise.objects.select_for_update(of=("self",)).filter(status=PromiseStatus.OPEN, promised_on__lt=today)
        entries = []
        for promise in due.select_related("arrear", "arrear__customer")[:10000]:
            arrear = promise.arrear
            kept = arrear.status == ArrearStatus.PAID or arrear.paid - promise.paid_before >= promise.amount
            promise.status = PromiseStatus.KEPT if kept else PromiseStatus.BROKEN
            promise.decided_on = today
            promise.save(update_fields=["status", "decided_on"])
            if not kept:
                Arrear.objects.filter(pk=arrear.pk).update(promise_broken=True, version=F("version") + 1)
                entries.append(
                    audit_entry(
                        actor=None,
                        action=AuditAction.UPDATED,
                        target=arrear,
                        customer_id=arrear.customer_id,
                        changes={"promise_broken": [False, True]},
                        summary=_("Promise to pay of %(day)s broken") % {"day": promise.promised_on},
                    )
                )
                manager_id = arrear.customer.account_manager_id
                if manager_id:
                    broken_for.setdefault(manager_id, []).append(arrear.customer.name)
        audit_records(entries)
        if broken_for:
            url = reverse("collection:list") + "?state=broken"
            messages = []
            units = dict(User.objects.filter(pk__in=broken_for).values_list("pk", "org_unit_id"))
            for manager_id, names in broken_for.items():
                text = _("%(count)s promises to pay were broken: %(names)s") % {
                    "count": len(names),
                    "names": "、".join(names[:5]),
                }
                messages.append((manager_id, text, None, url))
                for supervisor in (supervisors_above(units.get(manager_id)) or [[]])[0]:
                    messages.append((supervisor.pk, text, None, url))
            notify_each(messages=messages, kind="collection_promise_broken", dedupe_key=f"collection-broken:{today}")
    return sum(len(names) for names in broken_for.values())


# --- targets --------------------------------------------------------------------------------------------


@transaction.atomic
def collection_target_set(*, actor, period_start, period_end, target_percent, manager_id=None, org_unit_id=None):
    """Set (or change) the rate a manager or a unit is asked to reach over a period. A
    supervisor sets targets inside their subtree, an admin anywhere."""
    require_capability(actor, "collection.targets")
    errors = {}
    try:
        start, end = _day(period_start), _day(period_end)
        if end < start:
            errors["period_end"] = _("The period must end on or after its first day.")
    except (ValueError, OverflowError):
        errors["period_start"] = _("Enter the period's first and last day.")
        start = end = None
    try:
        percent = Decimal(str(target_percent).strip().rstrip("%"))
        if not percent.is_finite() or not 0 < percent <= 100 or percent != percent.quantize(Decimal("0.01")):
            raise ValueError(target_percent)
    except (InvalidOperation, ValueError):
        errors["target_percent"] = _("Enter a rate between 0 and 100 per cent, at most two decimals.")
        percent = None
    manager = unit = None
    if bool(manager_id) == bool(org_unit_id):
        errors["manager"] = _("Choose either an account manager or a unit.")
    elif manager_id:
        manager = account_managers_visible_to(actor).filter(pk=manager_id).first()
        if manager is None:
            errors["manager"] = _("Choose an account manager you supervise.")
    else:
        unit = selectors.target_units(actor).filter(pk=org_unit_id).first()
        if unit is None:
            errors["org_unit"] = _("Choose a unit you supervise.")
    if errors:
        raise ValidationError(errors)
    target, created = CollectionTarget.objects.select_for_update().get_or_create(
        period_start=start,
        period_end=end,
        manager=manager,
        org_unit=unit,
        defaults={"target_percent": percent, "set_by": actor},
    )
    before = None if created else str(target.target_percent)
    if not created:
        target.target_percent, target.set_by = percent, actor
        target.save(update_fields=["target_percent", "set_by"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATED if created else AuditAction.UPDATED,
        target=target,
        changes={"target_percent": [before, str(percent)]},
        summary=_("Collection target set"),
    )
    return target


def _log_contact(step: CollectionStep) -> None:
    """A call or visit about an arrear is a contact with the customer: it goes to the contact log
    (once per step), in the step's transaction."""
    contact_log_from_source(
        actor=step.actor,
        customer_id=step.customer_id,
        source=ContactSource.COLLECTION,
        source_id=step.pk,
        data={
            "channel": ContactChannel.PHONE if step.kind == StepKind.CALL else ContactChannel.VISIT,
            "summary": _("Fee collection (%(period)s bill): %(outcome)s")
            % {"period": f"{step.arrear.period:%Y-%m}", "outcome": step.outcome},
            "contacted_at": step.at,
        },
    )
