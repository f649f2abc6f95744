"""Writes of care and notices: rules and custom dates, batches drawn up once per rule and date,
approved by someone other than who drew them up and only then queued in the outbox; supply
lines and their customers; notices with their stages, each sent once; restoration."""

import csv
import io
import logging
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.core.errors import ConflictError, PermissionDeniedError, ServiceError
from kefu.core.text import check_text
from kefu.customers.models import Customer
from kefu.org.permissions import require_capability

from . import selectors, sending
from .choices import AHEAD_KINDS, BatchStatus, NoticeKind, NoticeStatus, StageAudience
from .models import CareBatch, CareRecipient, CareRule, CustomOccasion, LineCustomer, Notice, NoticeStage, SupplyLine
from .validation import EARLIEST, LATEST, clean_custom_occasion, clean_line, clean_notice, clean_rule

logger = logging.getLogger(__name__)

# Greetings go out at this local time on their day (or at once when approved later that day).
GREETING_TIME = time(9, 0)
# An approved batch still not queued after this long lost its background task: the hourly job
# queues it (the outbox's key keeps each greeting single if the first task was only slow).
APPROVED_LEASE = timedelta(minutes=30)
NOTICE_PURPOSE = "outage_notice"
RESTORATION_PURPOSE = "restoration_notice"


# Rules and custom dates ---------------------------------------------------------------------------


def _check_template(clean: dict, errors: dict) -> None:
    from kefu.outbox.models import MessageTemplate

    if "purpose" in errors or "channel" in errors:
        return
    if not MessageTemplate.objects.filter(purpose=clean["purpose"], channel=clean["channel"], is_active=True).exists():
        errors["purpose"] = _("There is no active outbox template of this purpose for the channel.")


@transaction.atomic
def care_rule_create(*, actor, data: dict) -> CareRule:
    require_capability(actor, "care.configure")
    clean, tags, errors = clean_rule(data)
    _check_template(clean, errors)
    if errors:
        raise ValidationError(errors)
    rule = CareRule.objects.create(**clean)
    rule.tags.set(tags)
    audit_record(actor=actor, action=AuditAction.CREATED, target=rule, summary=_("Care rule created"))
    return rule


@transaction.atomic
def care_rule_update(*, actor, rule: CareRule, data: dict, expected_version: int | None = None) -> CareRule:
    require_capability(actor, "care.configure")
    current = CareRule.objects.select_for_update().get(pk=rule.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    clean, tags, errors = clean_rule(data)
    _check_template(clean, errors)
    if errors:
        raise ValidationError(errors)
    changes = {}
    for key, value in clean.items():
        before = getattr(current, key)
        if before != value:
            changes[key] = [str(before) if before is not None else None, str(value) if value is not None else None]
            setattr(current, key, value)
    before_tags = sorted(current.tags.values_list("name", flat=True))
    after_tags = sorted(tag.name for tag in tags)
    if before_tags != after_tags:
        changes["tags"] = [before_tags, after_tags]
    current.version += 1
    current.save()
    current.tags.set(tags)
    audit_record(
        actor=actor, action=AuditAction.UPDATED, target=current, changes=changes, summary=_("Care rule changed")
    )
    return current


@transaction.atomic
def custom_occasion_create(*, actor, data: dict) -> CustomOccasion:
    require_capability(actor, "care.configure")
    clean, errors = clean_custom_occasion(data)
    if errors:
        raise ValidationError(errors)
    custom = CustomOccasion.objects.create(**clean)
    audit_record(actor=actor, action=AuditAction.CREATED, target=custom, summary=_("Custom care date added"))
    return custom


def _set_active(actor, model, pk: int, active: bool, summary: str):
    current = model.objects.select_for_update().get(pk=pk)
    if current.active != active:
        current.active = active
        current.save(update_fields=["active"])
        audit_record(
            actor=actor, action=AuditAction.UPDATED, target=current, changes={"active": [not active, active]},
            summary=summary,
        )  # fmt: skip
    return current


@transaction.atomic
def custom_occasion_set_active(*, actor, custom: CustomOccasion, active: bool) -> CustomOccasion:
    """Take a custom date out of use (the calendar and new rules leave it out) or back in. Not
    while an active rule greets on it: that rule is deactivated or moved to another date first."""
    require_capability(actor, "care.configure")
    if not active:
        users = list(CareRule.objects.filter(custom_occasion=custom, active=True).values_list("name", flat=True)[:5])
        if users:
            message = _("Active care rules greet on this date: %(rules)s. Deactivate them first.")
            raise ValidationError({"active": message % {"rules": ", ".join(users)}})
    summary = _("Custom care date put back in use") if active else _("Custom care date taken out of use")
    return _set_active(actor, CustomOccasion, custom.pk, active, summary)


# Batches ------------------------------------------------------------------------------------------


def _insert_recipients(batch: CareBatch) -> None:
    """One INSERT … SELECT of the batch's greetings from the customers app's compiled queryset
    (customer id, key person id), then one UPDATE marking those who opted out of the rule's
    channel (the outbox's opt-outs)."""
    select_sql, params = selectors.rule_recipients(batch.rule, batch.occasion_date).query.sql_with_params()
    table = CareRecipient._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (batch_id, customer_id, key_person_id, opted_out)"
            f" SELECT %s, r.*, %s FROM ({select_sql}) r",
            [batch.pk, False, *params],
        )
    CareRecipient.objects.filter(batch=batch, customer_id__in=sending.opted_out_customers(batch.rule.channel)).update(
        opted_out=True
    )
    counts = CareRecipient.objects.filter(batch=batch).aggregate(
        total=Count("pk"), opted=Count("pk", filter=Q(opted_out=True))
    )
    batch.recipients, batch.opted_out = counts["total"], counts["opted"]
    batch.save(update_fields=["recipients", "opted_out"])


def care_batch_generate(*, actor, rule: CareRule, day: date, skip_empty: bool = False) -> tuple[CareBatch | None, bool]:
    """Draw up the batch of `rule` for `day`: (batch, created). A second call, or a second worker,
    finds the first batch. `actor` None is the daily job; otherwise it needs care.configure.
    `skip_empty`: no batch when nobody is to be greeted (the job, for birthdays)."""
    if actor is not None:
        require_capability(actor, "care.configure")
    if not EARLIEST <= day.year <= LATEST:
        raise ValidationError(
            {"day": _("Enter a date between %(first)s and %(last)s.") % {"first": EARLIEST, "last": LATEST}}
        )
    existing = CareBatch.objects.filter(rule=rule, occasion_date=day).first()
    if existing:
        return existing, False
    if not rule.active:
        raise ServiceError(_("This care rule is not active."), field="rule")
    if skip_empty and not selectors.rule_recipients(rule, day).exists():
        return None, False
    try:
        with transaction.atomic():
            batch = CareBatch.objects.create(
                rule=rule, occasion_date=day, occasion_label=selectors.occasion_label(rule), created_by=actor
            )
            _insert_recipients(batch)
            audit_record(
                actor=actor,
                action=AuditAction.CREATED,
                target=batch,
                changes={"recipients": [None, batch.recipients], "opted_out": [None, batch.opted_out]},
                summary=_("Care batch drawn up for review"),
            )
    except IntegrityError:
        return CareBatch.objects.get(rule=rule, occasion_date=day), False
    return batch, True


def care_generate_due(*, today: date | None = None) -> int:
    """The hourly job: every active rule's batches for the dates within its `days_ahead`, and
    approved batches whose queueing was lost."""
    today = today or timezone.localdate()
    # Batches approved whose queueing task was lost (a worker died): queued now, once.
    stale = timezone.now() - APPROVED_LEASE
    for batch_id in CareBatch.objects.filter(status=BatchStatus.APPROVED, decided_at__lt=stale).values_list(
        "pk", flat=True
    ):
        care_batch_enqueue(batch_id=batch_id)
    created = 0
    for rule in CareRule.objects.filter(active=True).select_related("custom_occasion"):
        for day in selectors.rule_dates(rule, today, today + timedelta(days=rule.days_ahead)):
            _batch, new = care_batch_generate(actor=None, rule=rule, day=day, skip_empty=True)
            created += new
    return created


def _decidable(actor, batch: CareBatch) -> CareBatch:
    require_capability(actor, "care.approve")
    current = CareBatch.objects.select_for_update().select_related("rule").get(pk=batch.pk)
    if current.status != BatchStatus.PENDING:
        raise ConflictError(_("This batch has already been decided."))
    if current.created_by_id == actor.pk:
        raise PermissionDeniedError(_("A batch is approved by someone other than the person who drew it up."))
    return current


@transaction.atomic
def care_batch_approve(*, actor, batch: CareBatch) -> CareBatch:
    """Approve a pending batch; its greetings are then queued in the outbox in the background
    (a holiday batch may greet every customer: minutes of writing, not a page's wait), to go
    out on the occasion's morning or at once if that is past. Opted-out customers get the
    outbox's never-sent row."""
    from kefu.core.background import run_after_commit
    from kefu.outbox.selectors import active_template

    current = _decidable(actor, batch)
    if active_template(current.rule.purpose, current.rule.channel) is None:
        raise ValidationError({"rule": _("There is no active outbox template of this purpose for the channel.")})
    current.status, current.decided_by, current.decided_at = BatchStatus.APPROVED, actor, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        changes={"status": [BatchStatus.PENDING, BatchStatus.APPROVED]},
        summary=_("Care batch approved"),
    )
    from .tasks import care_batch_enqueue_task

    run_after_commit(care_batch_enqueue_task, batch_id=current.pk)
    return current


def care_batch_enqueue(*, batch_id: int) -> bool:
    """Queue an approved batch's greetings (the background job after approval, and the hourly
    job for a batch whose task was lost). Safe twice or on two workers: the outbox keeps one
    message per batch and recipient under the batch's key, and only one run marks it queued."""
    batch = CareBatch.objects.select_related("rule").filter(pk=batch_id, status=BatchStatus.APPROVED).first()
    if batch is None:
        return False
    moment = timezone.make_aware(datetime.combine(batch.occasion_date, GREETING_TIME))
    rows = CareRecipient.objects.filter(batch=batch).order_by("pk").values_list("customer_id", "key_person_id")
    with transaction.atomic():
        result = sending.enqueue_greetings(
            actor=batch.decided_by,
            batch=batch,
            recipients=rows.iterator(chunk_size=2000),
            scheduled_at=max(moment, timezone.now()),
            variables={"occasion": batch.occasion_label, "date": date_format(batch.occasion_date, "Y-m-d")},
        )
        marked = CareBatch.objects.filter(pk=batch.pk, status=BatchStatus.APPROVED).update(status=BatchStatus.ENQUEUED)
        if marked:
            audit_record(
                actor=None,
                action=AuditAction.UPDATED,
                target=batch,
                changes={"status": [BatchStatus.APPROVED, BatchStatus.ENQUEUED], "queued": [None, result.queued]},
                summary=_("Care batch queued in the outbox"),
            )
    return bool(marked)


@transaction.atomic
def care_batch_reject(*, actor, batch: CareBatch, reason: str) -> CareBatch:
    current = _decidable(actor, batch)
    reason = (reason or "").strip()
    errors: dict = {}
    if not reason:
        errors["reason"] = _("Say why the batch is rejected.")
    elif len(reason) > 200:
        errors["reason"] = _("At most %(count)s characters.") % {"count": 200}
    else:
        check_text(reason, "reason", errors)
    if errors:
        raise ValidationError(errors)
    current.status, current.decided_by, current.decided_at = BatchStatus.REJECTED, actor, timezone.now()
    current.reject_reason = reason
    current.save(update_fields=["status", "decided_by", "decided_at", "reject_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        changes={"status": [BatchStatus.PENDING, BatchStatus.REJECTED]},
        summary=_("Care batch rejected: %(reason)s") % {"reason": reason},
    )
    return current


# Supply lines -------------------------------------------------------------------------------------


@transaction.atomic
def supply_line_create(*, actor, data: dict) -> SupplyLine:
    require_capability(actor, "care.configure")
    clean, errors = clean_line(data)
    if not errors and SupplyLine.objects.filter(code=clean["code"]).exists():
        errors["code"] = _("A line with this code exists already.")
    if errors:
        raise ValidationError(errors)
    line = SupplyLine.objects.create(**clean)
    audit_record(actor=actor, action=AuditAction.CREATED, target=line, summary=_("Supply line added"))
    return line


@transaction.atomic
def supply_line_set_active(*, actor, line: SupplyLine, active: bool) -> SupplyLine:
    """Take a line out of use (new notices cannot choose it) or back in. Notices made on it
    already still reach its customers: they were announced for them."""
    require_capability(actor, "care.configure")
    summary = _("Supply line put back in use") if active else _("Supply line taken out of use")
    return _set_active(actor, SupplyLine, line.pk, active, summary)


def _customers_by_code(codes: list[str]) -> dict[str, int]:
    return dict(Customer.objects.filter(code__in=codes).values_list("code", "pk"))


@transaction.atomic
def line_customers_add(*, actor, line: SupplyLine, customer_codes: list[str]) -> int:
    """Put customers (by customer number) on a line; unknown numbers refuse the whole call."""
    require_capability(actor, "care.configure")
    codes = [str(code).strip() for code in customer_codes if str(code).strip()]
    found = _customers_by_code(codes)
    missing = [code for code in codes if code not in found]
    if missing:
        message = _("Unknown customer numbers: %(codes)s") % {"codes": ", ".join(missing[:10])}
        raise ValidationError({"customers": message})
    rows = [LineCustomer(line=line, customer_id=pk) for pk in set(found.values())]
    before = LineCustomer.objects.filter(line=line).count()
    LineCustomer.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    added = LineCustomer.objects.filter(line=line).count() - before
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=line,
        changes={"customers": [before, before + added]},
        summary=_("Customers put on the supply line"),
    )
    return added


MAX_LINE_CSV_BYTES = 5 * 1024 * 1024


def lines_import_csv(*, actor, upload) -> dict:
    """A CSV of `line code, line name, customer number` rows (header optional): creates missing
    lines and puts the customers on them, all or nothing; a bad row is named by its number."""
    require_capability(actor, "care.configure")
    raw = upload.read(MAX_LINE_CSV_BYTES + 1)
    if len(raw) > MAX_LINE_CSV_BYTES:
        raise ValidationError({"file": _("The file is larger than 5 MB.")})
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError({"file": _("The file is not UTF-8 or GB18030 text.")})
    rows = list(csv.reader(io.StringIO(text)))
    if rows and rows[0] and rows[0][0].strip() in ("line_code", "线路编号"):
        rows = rows[1:]
    errors = []
    wanted: list[tuple[str, str, str]] = []
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if len(cells) < 3 or not cells[0] or not cells[2]:
            message = _("Row %(row)s: give the line code, the line name and the customer number.")
            errors.append(message % {"row": number})
            continue
        if len(cells[0]) > 40 or len(cells[1]) > 100:
            errors.append(_("Row %(row)s: the line code or name is too long.") % {"row": number})
            continue
        wanted.append((cells[0], cells[1], cells[2]))
    found = _customers_by_code([code for *_line, code in wanted])
    for _code, _name, customer in wanted:
        if customer not in found:
            errors.append(_("Unknown customer number %(code)s.") % {"code": customer})
    if errors:
        raise ValidationError({"file": errors[:20]})
    if not wanted:
        raise ValidationError({"file": _("The file has no rows.")})
    with transaction.atomic():
        lines = {line.code: line for line in SupplyLine.objects.filter(code__in={code for code, *_rest in wanted})}
        created = 0
        for code, name, _customer in wanted:
            if code not in lines:
                lines[code] = SupplyLine.objects.create(code=code, name=name or code)
                audit_record(
                    actor=actor, action=AuditAction.CREATED, target=lines[code], summary=_("Supply line imported")
                )
                created += 1
        touched = {code for code, _name, _customer in wanted}
        before = dict(
            LineCustomer.objects.filter(line__code__in=touched)
            .values_list("line__code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        LineCustomer.objects.bulk_create(
            [LineCustomer(line=lines[code], customer_id=found[customer]) for code, _name, customer in wanted],
            ignore_conflicts=True,
            batch_size=2000,
        )
        after = dict(
            LineCustomer.objects.filter(line__code__in=touched)
            .values_list("line__code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        added = 0
        for code in sorted(touched):
            if after.get(code, 0) != before.get(code, 0):
                added += after[code] - before.get(code, 0)
                audit_record(
                    actor=actor,
                    action=AuditAction.IMPORTED,
                    target=lines[code],
                    changes={"customers": [before.get(code, 0), after[code]]},
                    summary=_("Customers put on the supply line from %(file)s")
                    % {"file": getattr(upload, "name", "csv")[:100]},
                )
    return {"lines_created": created, "customers_added": added}


# Notices ------------------------------------------------------------------------------------------


def _plan_stages(notice: Notice, now: datetime) -> list[NoticeStage]:
    """Planned and maintenance notices: a stage per offset (7 and 1 days by default); a temporary
    outage: its offsets (1 day by default) and, whatever they are, important users 24 h ahead
    (SPEC §14) unless a 1-day stage tells everyone then already; unplanned: at once."""
    stages = []
    if notice.kind in AHEAD_KINDS:
        for days in notice.offsets_days:
            stages.append(NoticeStage(notice=notice, key=f"{days}d", due_at=notice.starts_at - timedelta(days=days)))
        if notice.kind == NoticeKind.TEMPORARY and 1 not in notice.offsets_days:
            stages.append(
                NoticeStage(
                    notice=notice,
                    key="important",
                    audience=StageAudience.IMPORTANT,
                    due_at=notice.starts_at - timedelta(hours=24),
                )
            )
    else:
        stages.append(NoticeStage(notice=notice, key="now", due_at=now))
    # A stage already past when the notice is made goes out at once (late beats never).
    for stage in stages:
        stage.due_at = max(stage.due_at, now)
    return stages


def _check_notice_templates(clean: dict, errors: dict) -> None:
    """The wording must exist before a notice is accepted (the job would fail on every run)."""
    from kefu.outbox.selectors import active_template

    purposes = [NOTICE_PURPOSE] + ([RESTORATION_PURPOSE] if clean["kind"] == NoticeKind.UNPLANNED else [])
    missing = [purpose for purpose in purposes if active_template(purpose, clean["channel"]) is None]
    if missing:
        errors["channel"] = _("There is no active outbox template %(purposes)s on this channel.") % {
            "purposes": ", ".join(missing)
        }


@transaction.atomic
def notice_create(*, actor, data: dict) -> Notice:
    require_capability(actor, "care.notify")
    clean, tags, lines, errors = clean_notice(data)
    now = timezone.now()
    if not errors and clean["kind"] in AHEAD_KINDS and clean["starts_at"] <= now:
        errors["starts_at"] = _("An announced outage starts in the future; report one under way as unplanned.")
    if "channel" not in errors:
        _check_notice_templates(clean, errors)
    if errors:
        raise ValidationError(errors)
    notice = Notice.objects.create(created_by=actor, **clean)
    notice.tags.set(tags)
    notice.lines.set(lines)
    NoticeStage.objects.bulk_create(_plan_stages(notice, now))
    audit_record(
        actor=actor,
        action=AuditAction.CREATED,
        target=notice,
        changes={"stages": [None, list(notice.stages.values_list("key", flat=True))]},
        summary=_("Notice created"),
    )
    if notice.kind == NoticeKind.UNPLANNED:
        _send_now(notice)
    return notice


def _locked_notice(actor, notice: Notice, expected_version: int | None) -> Notice:
    require_capability(actor, "care.notify")
    current = Notice.objects.select_for_update().get(pk=notice.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError()
    return current


@transaction.atomic
def notice_cancel(*, actor, notice: Notice, expected_version: int | None = None) -> Notice:
    """Cancel a notice: stages not yet sent never go out (those sent stay in the report)."""
    current = _locked_notice(actor, notice, expected_version)
    if current.status != NoticeStatus.ACTIVE:
        raise ConflictError(_("Only an active notice can be cancelled."))
    current.status = NoticeStatus.CANCELLED
    current.version += 1
    current.save(update_fields=["status", "version"])
    dropped = NoticeStage.objects.filter(notice=current, sent_at__isnull=True).delete()[0]
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        changes={"status": [NoticeStatus.ACTIVE, NoticeStatus.CANCELLED], "stages_dropped": [None, dropped]},
        summary=_("Notice cancelled"),
    )
    return current


@transaction.atomic
def notice_restore(
    *, actor, notice: Notice, restored_at: datetime | None = None, expected_version: int | None = None
) -> Notice:
    """Supply is back: a restoration notice to everyone the outage notice went to, at once."""
    current = _locked_notice(actor, notice, expected_version)
    if current.kind != NoticeKind.UNPLANNED:
        raise ServiceError(_("Restoration notices follow unplanned outages."), field="kind")
    if current.status != NoticeStatus.ACTIVE:
        raise ConflictError(_("This outage has already been marked restored or cancelled."))
    now = timezone.now()
    restored_at = restored_at or now
    if restored_at > now + timedelta(minutes=5) or restored_at < current.starts_at:
        raise ValidationError({"restored_at": _("The restoration time lies between the start of the outage and now.")})
    current.status, current.restored_at = NoticeStatus.RESTORED, restored_at
    current.version += 1
    current.save(update_fields=["status", "restored_at", "version"])
    NoticeStage.objects.create(notice=current, key="restoration", due_at=now)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=current,
        changes={
            "status": [NoticeStatus.ACTIVE, NoticeStatus.RESTORED],
            "restored_at": [None, restored_at.isoformat()],
        },
        summary=_("Supply restored: restoration notice queued"),
    )
    _send_now(current)
    return current


def _moment_text(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else ""


def _notice_variables(notice: Notice) -> dict:
    return {
        "title": notice.title,
        "kind": str(NoticeKind(notice.kind).label),
        "reason": notice.reason,
        "area": notice.area,
        "starts_at": _moment_text(notice.starts_at),
        "ends_at": _moment_text(notice.ends_at),
        "restored_at": _moment_text(notice.restored_at),
    }


def _stage_customers(stage: NoticeStage):
    customers = selectors.notice_customers(stage.notice)
    if stage.audience == StageAudience.IMPORTANT:
        customers = customers.filter(selectors.important_filter())
    return customers


def _send_stage(stage: NoticeStage, now: datetime) -> bool:
    """Claim one due stage (a conditional UPDATE of `sent_at`: a second run or worker finds it
    taken) and queue its messages in the same transaction; the outbox's idempotency key per
    stage and customer keeps a message single even if a claim were lost."""
    with transaction.atomic():
        if not NoticeStage.objects.filter(pk=stage.pk, sent_at__isnull=True).update(sent_at=now):
            return False
        notice = Notice.objects.get(pk=stage.notice_id)
        stage.notice = notice
        if notice.kind in AHEAD_KINDS and now >= notice.starts_at:
            # The job was down past the outage's start: an announcement now would come too late.
            audit_record(
                actor=None,
                action=AuditAction.UPDATED,
                target=notice,
                changes={"stage": [stage.key, None]},
                summary=_("Notice stage not sent: the outage had already begun"),
            )
            return True
        purpose = RESTORATION_PURPOSE if stage.key == "restoration" else NOTICE_PURPOSE
        result = sending.enqueue_notice(
            actor=None,
            notice=notice,
            stage_key=stage.key,
            customers=_stage_customers(stage),
            purpose=purpose,
            variables=_notice_variables(notice),
        )
        NoticeStage.objects.filter(pk=stage.pk).update(
            recipients=result.queued + result.opted_out + result.no_address, opted_out=result.opted_out
        )
    return True


def notices_send_due(*, now: datetime | None = None, notice_id: int | None = None) -> int:
    """The periodic job (and, for one notice, the background job after an unplanned outage or a
    restoration): queue every notice stage that is due, each exactly once. Returns how many
    stages it sent."""
    now = now or timezone.now()
    stages = selectors.stages_due(now).order_by("due_at", "pk")
    if notice_id is not None:
        stages = stages.filter(notice_id=notice_id)
    sent = 0
    for stage in stages:
        try:
            sent += _send_stage(stage, now)
        except ValidationError:
            # The template was removed since the notice was made: this stage stays due (its claim
            # rolled back) and the others still go out; the log says which.
            logger.exception("Notice stage %s of notice %s could not be worded", stage.key, stage.notice_id)
    return sent


def _send_now(notice: Notice) -> None:
    """An unplanned outage's notice and a restoration go out at once: in the background after
    the commit (the periodic job would pick them up too, at most a minute later)."""
    from kefu.core.background import run_after_commit

    from .tasks import notices_send_task

    run_after_commit(notices_send_task, notice_id=notice.pk)
