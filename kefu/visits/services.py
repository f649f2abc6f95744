"""Writes to visits: plans generated from tier frequency (set-based, idempotent), appointments,
the visit record with issues turned into requests and data corrections through the customer
archive's audited service, overdue notices, handover."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record, audit_written
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.core.text import check_text
from kefu.customers.choices import CustomerStatus
from kefu.customers.models import Customer
from kefu.customers.services import customer_update
from kefu.inbox.services import notify_each
from kefu.org.permissions import require_capability
from kefu.org.selectors import supervisors_above
from kefu.tickets.choices import Channel, TicketType
from kefu.tickets.services import ticket_create

from . import hooks
from .choices import OPEN_STATUSES, VisitStatus
from .models import Visit, VisitFrequency

# What a visit may correct in the archive, as the customer wishes (seed 000 篇8 根据客户意愿).
CORRECTABLE = ("mobile", "phone", "email", "address")


def period_of(day: date, months: int) -> tuple[date, date]:
    """The period of `months` (aligned to 1 January) holding `day`: its first and last day."""
    index = (day.month - 1) // months
    start = date(day.year, index * months + 1, 1)
    return start, start + relativedelta(months=months) - timedelta(days=1)


def _planned_customers(frequency: VisitFrequency, explicit: list[str]):
    customers = Customer.objects.exclude(status=CustomerStatus.CLOSED).filter(account_manager__isnull=False)
    customers = customers.filter(tier=frequency.tier) if frequency.tier else customers.exclude(tier__in=explicit)
    return customers.annotate(
        v_id=F("id"),
        v_manager=F("account_manager_id"),
        v_nophone=ExpressionWrapper(Q(has_valid_phone=False), output_field=BooleanField()),
    ).values("v_id", "v_manager", "v_nophone")


def visit_plan_sql(frequency: VisitFrequency, explicit: list[str], today: date) -> tuple[str, list]:
    """One INSERT … SELECT of the period's visits for the customers `frequency` covers. The
    customers are read through a compiled queryset of the customers app (no other app's table is
    named here); NOT EXISTS and the unique key make a rerun or a second worker add nothing."""
    start, end = period_of(today, frequency.every_months)
    customers_sql, customers_params = _planned_customers(frequency, explicit).query.sql_with_params()
    table = Visit._meta.db_table
    sql = (
        f"INSERT INTO {table} (version, customer_id, manager_id, period_start, due_date, phone_missing, status,"
        " purpose, people_met, outcome, needs_found, issues, corrections, overdue_notified)"
        f" SELECT 1, c.v_id, c.v_manager, %s, %s, c.v_nophone, %s, '', '', '', '', '[]', '{{}}', %s"
        f" FROM ({customers_sql}) c"
        f" WHERE NOT EXISTS (SELECT 1 FROM {table} v WHERE v.customer_id = c.v_id AND v.period_start = %s)"
        " ON CONFLICT DO NOTHING RETURNING id AS target_id, customer_id"
    )
    return sql, [start, end, VisitStatus.PLANNED, False, *customers_params, start]


def visits_plan(*, today: date | None = None, audit: bool = True) -> int:
    """Plan the current period's visit for every customer with a manager, by its tier's frequency.
    Returns how many were added. Safe to run twice or on two workers at once."""
    today = today or timezone.localdate()
    frequencies = list(VisitFrequency.objects.all())
    explicit = [frequency.tier for frequency in frequencies if frequency.tier]
    added = 0
    for frequency in frequencies:
        sql, params = visit_plan_sql(frequency, explicit, today)
        with transaction.atomic():
            if audit:
                added += audit_written(
                    sql,
                    params,
                    actor=None,
                    action=AuditAction.CREATED,
                    target_type="visits.visit",
                    target_repr=_("Visit planned"),
                    summary=_("Visit planned by tier frequency"),
                )
            else:
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    added += len(cursor.fetchall())
    return added


def _may_work_on(actor, visit: Visit) -> None:
    from .selectors import visits_visible_to

    require_capability(actor, "visits.make")
    if not visits_visible_to(actor).filter(pk=visit.pk).exists():
        raise PermissionDeniedError()


def _locked(actor, visit: Visit, expected_version: int | None) -> Visit:
    _may_work_on(actor, visit)
    current = Visit.objects.select_for_update().select_related("customer").get(pk=visit.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    return current


@transaction.atomic
def visit_book(*, actor, visit: Visit, appointment_at, purpose: str = "", expected_version: int | None = None) -> Visit:
    """An appointment agreed with the customer (seed 000 篇8: by phone or SMS, at a time that fits them)."""
    current = _locked(actor, visit, expected_version)
    errors = {}
    if current.status not in OPEN_STATUSES:
        raise ConflictError(_("This visit is already recorded or cancelled."))
    if appointment_at is None:
        errors["appointment_at"] = _("Enter the time agreed with the customer.")
    purpose = (purpose or "").strip()
    check_text(purpose, "purpose", errors)
    if errors:
        raise ValidationError(errors)
    before = [current.status, current.appointment_at.isoformat() if current.appointment_at else None]
    current.appointment_at, current.status = appointment_at, VisitStatus.BOOKED
    current.purpose = purpose or current.purpose
    current.version += 1
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=current.customer_id,
        changes={"status": [before[0], current.status], "appointment_at": [before[1], appointment_at.isoformat()]},
        summary=_("Visit appointment made"),
    )
    return current


@transaction.atomic
def visit_record(*, actor, visit: Visit, data: dict, expected_version: int | None = None) -> Visit:
    """The visit record (客户走访记录表). `data`: purpose, people_met, outcome (required),
    needs_found, issues (a list of texts), corrections ({field: value} of CORRECTABLE, applied to
    the archive through customers.services.customer_update, audited there)."""
    current = _locked(actor, visit, expected_version)
    if current.status not in OPEN_STATUSES:
        raise ConflictError(_("This visit is already recorded or cancelled."))
    errors = {}
    clean = {key: (data.get(key) or "").strip() for key in ("purpose", "people_met", "outcome", "needs_found")}
    for key, value in clean.items():
        check_text(value, key, errors, multiline=key in ("outcome", "needs_found"))
    if not clean["outcome"]:
        errors["outcome"] = _("Write down the outcome of the visit.")
    issues = [str(text).strip() for text in (data.get("issues") or []) if str(text).strip()]
    for text in issues:
        check_text(text, "issues", errors)
    corrections = {key: value for key, value in (data.get("corrections") or {}).items() if value not in (None, "")}
    unknown = set(corrections) - set(CORRECTABLE)
    if unknown:
        errors["corrections"] = _("Only the phone numbers, the email and the address can be corrected on a visit.")
    if errors:
        raise ValidationError(errors)
    if corrections:
        customer = current.customer
        customer_update(actor=actor, customer=customer, expected_version=customer.version, data=corrections)
    for key, value in clean.items():
        setattr(current, key, value)
    current.issues = [{"text": text, "ticket": None} for text in issues]
    current.corrections = corrections
    current.status, current.visited_at = VisitStatus.DONE, timezone.now()
    current.version += 1
    current.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=current.customer_id,
        changes={"status": [VisitStatus.BOOKED, VisitStatus.DONE]},
        summary=_("Visit recorded"),
    )
    hooks.visit_recorded(current, actor)
    return current


@transaction.atomic
def visit_issue_to_request(*, actor, visit: Visit, index: int):
    """One issue raised on the visit becomes a service request in one click (once: a second click
    returns the same request)."""
    current = _locked(actor, visit, None)
    if not 0 <= index < len(current.issues):
        raise ValidationError({"index": _("No such issue on this visit.")})
    issue = current.issues[index]
    from kefu.tickets.models import Ticket

    if issue.get("ticket"):
        return Ticket.objects.get(pk=issue["ticket"])
    ticket, _created = ticket_create(
        actor=actor,
        data={
            "ticket_type": TicketType.SERVICE,
            "channel": Channel.VISIT,
            "title": issue["text"][:200],
            "description": _("Raised on the visit of %(day)s: %(text)s")
            % {
                "day": f"{timezone.localtime(current.visited_at):%Y-%m-%d}" if current.visited_at else "",
                "text": issue["text"],
            },
        },
        customer=current.customer,
    )
    current.issues[index] = {**issue, "ticket": ticket.pk}
    current.version += 1
    current.save(update_fields=["issues", "version"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        customer_id=current.customer_id,
        changes={"issues": [None, ticket.pk]},
        summary=_("Issue raised on a visit registered as request %(number)s") % {"number": ticket.number},
    )
    return ticket


def visits_flag_overdue(*, today: date | None = None) -> int:
    """Visits past their date and not recorded: each manager and their supervisors told once a
    day (one notice per person listing how many), the visits marked so a second run adds nothing."""
    today = today or timezone.localdate()
    with transaction.atomic():
        overdue = Visit.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today, overdue_notified=False)
        per_manager: dict[int, int] = {}
        ids = []
        for pk, manager_id in overdue.select_for_update(
            skip_locked=connection.features.has_select_for_update_skip_locked
        ).values_list("pk", "manager_id")[:50000]:
            ids.append(pk)
            per_manager[manager_id] = per_manager.get(manager_id, 0) + 1
        Visit.objects.filter(pk__in=ids).update(overdue_notified=True)
        if not ids:
            return 0
        from kefu.org.models import User

        url = reverse("visits:plan") + "?status=overdue"
        messages = []
        units = dict(User.objects.filter(pk__in=per_manager).values_list("pk", "org_unit_id"))
        for manager_id, count in per_manager.items():
            text = _("%(count)s visits are overdue") % {"count": count}
            messages.append((manager_id, text, None, url))
            for supervisor in (supervisors_above(units.get(manager_id)) or [[]])[0]:
                messages.append((supervisor.pk, text, None, url))
        notify_each(messages=messages, kind="visits_overdue", dedupe_key=f"visits-overdue:{today}")
    return len(ids)


def hand_over_visits(*, actor, leaving, receiver_for):
    """The leaving manager's open visits go to whoever takes over each customer."""
    from kefu.accountmanagers.handover import HandedOver

    items = []
    for visit in (
        Visit.objects.select_for_update().filter(manager=leaving, status__in=OPEN_STATUSES).select_related("customer")
    ):
        receiver = receiver_for(visit.customer_id)
        if receiver is None:
            continue
        visit.manager = receiver
        visit.version += 1
        visit.save(update_fields=["manager", "version"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=visit,
            customer_id=visit.customer_id,
            changes={"manager": [leaving.pk, receiver.pk]},
            summary=_("Visit handed over"),
        )
        items.append(
            HandedOver(
                receiver_id=receiver.pk,
                kind="visits",
                label=_("Planned visits"),
                ref_id=visit.pk,
                text=f"{visit.customer.name} {visit.due_date}",
                url=reverse("visits:detail", args=[visit.pk]),
            )
        )
    return items
