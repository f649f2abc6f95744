"""Payment notices (缴费通知) and soft reminders (柔性催费, seed 000 篇3) through the outbox.

A notice tells the customer a bill is due; a soft reminder, polite and without threat, follows
once it is past due. Each is one outbox message per arrear and day (the outbox's idempotency key
`collection:<kind>:<arrear id>:<day>`), written with a `CollectionStep` that says what happened
(queued, or not sent: opted out, no mobile). A step is written even when the outbox could not
send, so that calls and visits may follow. The wording is the active outbox template of the
purpose ("payment_notice", "fee_reminder") on the channel; without one, the default below."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.core.errors import ConflictError
from kefu.outbox.choices import Channel
from kefu.outbox.selectors import active_template
from kefu.outbox.services import Recipient, messages_enqueue

from .choices import ArrearStatus, StepKind
from .models import Arrear, CollectionStep
from .services import _may_work_on

PURPOSES = {StepKind.NOTICE: "payment_notice", StepKind.REMINDER: "fee_reminder"}
# Soft in tone: the amount, the bill, how to pay, and "ignore this if you have paid".
DEFAULT_BODIES = {
    StepKind.NOTICE: (
        "尊敬的{{ customer_name }}：您{{ period }}账期的费用{{ amount }}元，请于{{ due_date }}前缴纳。感谢您的支持！"
    ),
    StepKind.REMINDER: (
        "尊敬的{{ customer_name }}：温馨提示，您{{ period }}账期的费用尚有{{ balance }}元未缴"
        "（应缴日期{{ due_date }}），"
        "方便时请及时缴纳，以免影响使用。如已缴纳，请忽略本消息。"
    ),
}


def _channel() -> str:
    return getattr(settings, "KEFU_COLLECTION_CHANNEL", Channel.SMS)


def _variables(arrear: Arrear) -> dict:
    return {
        "period": f"{arrear.period:%Y-%m}",
        "amount": arrear.amount,
        "balance": arrear.amount - arrear.paid,
        "due_date": arrear.due_date,
    }


def _send(*, actor, arrear: Arrear, kind: str, today: date) -> CollectionStep | None:
    """Queue the message of `kind` for the arrear and record the step; None if today's was queued already."""
    channel = _channel()
    purpose = PURPOSES[kind]
    template = active_template(purpose, channel)
    result = messages_enqueue(
        actor=actor,
        purpose=purpose,
        channel=channel,
        recipients=[Recipient(customer_id=arrear.customer_id, variables=_variables(arrear))],
        template=template,
        body=None if template else DEFAULT_BODIES[kind],
        source="collection.arrear",
        source_id=arrear.pk,
        key=f"collection:{kind}:{arrear.pk}:{today}",
    )
    if result.duplicates:
        return None
    if result.queued:
        outcome = _("Queued in the outbox (%(channel)s).") % {"channel": Channel(channel).label}
    elif result.opted_out:
        outcome = _("Not sent: the customer has opted out of these messages.")
    else:
        outcome = _("Not sent: no address on file for this channel.")
    now = timezone.now()
    step = CollectionStep.objects.create(
        arrear=arrear, customer_id=arrear.customer_id, kind=kind, at=now, actor=actor, outcome=outcome,
        message_key=f"collection:{kind}:{arrear.pk}:{today}",
    )  # fmt: skip
    if kind == StepKind.REMINDER:
        Arrear.objects.filter(pk=arrear.pk).update(reminded_at=now)
    summary = _("Collection step recorded: %(kind)s") % {"kind": step.get_kind_display()}
    audit_record(
        actor=actor, action=AuditAction.CREATED, target=step, customer_id=arrear.customer_id,
        changes={"kind": [None, kind]}, summary=summary,
    )  # fmt: skip
    return step


@transaction.atomic
def arrear_remind(*, actor, arrear: Arrear, today: date | None = None) -> CollectionStep:
    """Send the customer the payment notice (bill not yet due) or the soft reminder (past due).
    Once per arrear and day: a second click the same day is refused."""
    today = today or timezone.localdate()
    current = _may_work_on(actor, arrear)
    if current.status != ArrearStatus.OPEN:
        raise ConflictError(_("This arrear is already paid."))
    kind = StepKind.NOTICE if current.due_date >= today else StepKind.REMINDER
    step = _send(actor=actor, arrear=current, kind=kind, today=today)
    if step is None:
        raise ConflictError(_("This message was already sent today."))
    return step


def _due_for(kind: str, today: date, limit: int) -> list[int]:
    """Open arrears that should get a message of `kind` now and have none yet: a payment notice
    for a bill due within KEFU_COLLECTION_NOTICE_DAYS (default 5) days, a soft reminder for one
    past due by KEFU_COLLECTION_REMIND_AFTER_DAYS (default 3)."""
    sent = CollectionStep.objects.filter(arrear=OuterRef("pk"), kind=kind)
    arrears = Arrear.objects.filter(status=ArrearStatus.OPEN).exclude(Exists(sent))
    if kind == StepKind.NOTICE:
        ahead = int(getattr(settings, "KEFU_COLLECTION_NOTICE_DAYS", 5))
        arrears = arrears.filter(due_date__range=(today, today + timedelta(days=ahead)))
    else:
        after = int(getattr(settings, "KEFU_COLLECTION_REMIND_AFTER_DAYS", 3))
        arrears = arrears.filter(due_date__lte=today - timedelta(days=after))
    return list(arrears.order_by("due_date", "pk").values_list("pk", flat=True)[:limit])


def collection_remind_due(*, today: date | None = None, limit: int = 2000) -> int:
    """The periodic messages: the payment notice of each bill coming due and the soft reminder
    of each bill past due (see _due_for), each arrear in its own transaction. Safe to run twice:
    the step written (and the outbox's key for the day) keeps a second run from sending again.
    Returns how many steps were written."""
    today = today or timezone.localdate()
    written = 0
    for kind in (StepKind.NOTICE, StepKind.REMINDER):
        for arrear_id in _due_for(kind, today, limit):
            with transaction.atomic():
                arrear = Arrear.objects.select_for_update().filter(pk=arrear_id, status=ArrearStatus.OPEN).first()
                if arrear is None or CollectionStep.objects.filter(arrear=arrear, kind=kind).exists():
                    continue
                if _send(actor=None, arrear=arrear, kind=kind, today=today) is not None:
                    written += 1
    return written
