"""Writes to callback tasks: planning them when requests close or reach a state, claiming,
failed attempts, recording results (which complete the request's callback step), handover.

Every change is audited in the same transaction; claims are conditional updates, so two agents
never call the same customer."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_entry, audit_many, audit_record, audit_records, plain_value
from kefu.core import config_cache
from kefu.core.errors import ConflictError
from kefu.core.text import check_text
from kefu.customers.tiers import all_tiers
from kefu.inbox.services import notify, notify_each
from kefu.org.permissions import require_capability
from kefu.org.selectors import supervisors_above
from kefu.sla.models import BusinessCalendar
from kefu.sla.services import default_calendar
from kefu.tickets.choices import Channel, TicketType, TransitionEffect
from kefu.tickets.services import ticket_comment, ticket_create, ticket_transition
from kefu.tickets.workflows import moves_from, state_by_id

from . import hooks, schedule
from .choices import (
    AttemptOutcome,
    CallbackStatus,
    OnUnsatisfied,
    RuleEvent,
    Satisfaction,
)
from .models import Callback, CallbackAttempt, CallbackRule

CLAIM_MINUTES = 30
UNRANKED = 999


def _now():
    return timezone.now()


def _tier_ranks() -> dict[str, int]:
    return {tier.code: tier.rank for tier in all_tiers()}


def _sampled(ticket_id: int, percent: int) -> bool:
    """A fixed share of requests, the same on every run (a multiplicative hash of the id), so a
    second run of the planning picks the same requests."""
    return (ticket_id * 2654435761) % 100 < percent


def rule_covers(rule: CallbackRule, ticket, tier_rank: int) -> bool:
    """Coverage: every customer of a top tier (rank ≤ full_coverage_rank), a sampled share of the others."""
    if rule.ticket_types and ticket.ticket_type not in rule.ticket_types:
        return False
    return tier_rank <= rule.full_coverage_rank or _sampled(ticket.pk, rule.sample_percent)


def _active_rules() -> list[CallbackRule]:
    """The active rules, kept in each process by the configuration cache (CallbacksConfig.ready
    clears it when a rule is saved): every step of every request asks which rules apply."""
    return config_cache.cached("callbacks:rules", lambda: list(CallbackRule.objects.filter(is_active=True)))


def _calendar_of(rule: CallbackRule):
    """The rule's calendar (else the standard one), read once per configuration version and only
    when a rule applies, not on every step."""

    def load():
        calendars = {calendar.pk: calendar for calendar in BusinessCalendar.objects.all()}
        return calendars, default_calendar()

    calendars, standard = config_cache.cached("callbacks:calendars", load)
    return calendars.get(rule.calendar_id) or standard


def _rules_for(event: str, state_id: int | None = None) -> list[CallbackRule]:
    return [
        rule
        for rule in _active_rules()
        if rule.event == event and (event != RuleEvent.STATE_REACHED or rule.state_id == state_id)
    ]


def callbacks_plan(*, ticket, rules: list[CallbackRule], at) -> list[Callback]:
    """The tasks `rules` make for `ticket` at moment `at` (its closing or a step), with the rule's
    repeats; a task already pending for the same rule, request and number is left as it is."""
    customer = ticket.customer
    rank = _tier_ranks().get(customer.tier, UNRANKED) if customer is not None else UNRANKED
    staff_id = ticket.assignee_id or ticket.owner_id
    staff_unit = ticket.assignee.org_unit_id if ticket.assignee_id else ticket.owner.org_unit_id
    planned = []
    at = at.replace(second=0, microsecond=0)  # due times per minute, as the set-based catch-up (generate.py)
    for rule in rules:
        if not rule_covers(rule, ticket, rank):
            continue
        calendar = _calendar_of(rule)
        first = schedule.due_time(calendar, at, rule.due_amount, rule.due_unit, rule.quiet_hours)
        dues = [first]
        for repeat in range(1, rule.repeat_times + 1 if rule.repeat_every_months else 1):
            dues.append(schedule.repeat_due(calendar, at, rule.repeat_every_months * repeat, rule.quiet_hours))
        for sequence, due in enumerate(dues, start=1):
            planned.append(
                Callback(
                    rule=rule,
                    ticket=ticket,
                    customer_id=ticket.customer_id,
                    staff_id=staff_id,
                    team_id=staff_unit,
                    sequence=sequence,
                    tier_rank=rank,
                    due_at=due,
                    next_try_at=schedule.next_callable(calendar, at, rule.quiet_hours) if sequence == 1 else due,
                )
            )
    if not planned:
        return []
    pending = set(
        Callback.objects.filter(ticket=ticket, status=CallbackStatus.PENDING).values_list("rule_id", "sequence")
    )
    new = [task for task in planned if (task.rule_id, task.sequence) not in pending]
    # The request's row is locked by the step that called us (ticket_transition), so no other
    # planner adds a task for it meanwhile; the partial unique key stops any that did.
    Callback.objects.bulk_create(new)
    audit_records(
        audit_entry(
            actor=None,
            action=AuditAction.CREATED,
            target=task,
            customer_id=task.customer_id,
            summary=_("Callback %(number)s planned for request %(ticket)s, due %(due)s")
            % {
                "number": task.sequence,
                "ticket": ticket.number,
                "due": f"{timezone.localtime(task.due_at):%Y-%m-%d %H:%M}",
            },
        )
        for task in new
    )
    return new


def plan_on_state_changed(ticket, old_state, new_state, at) -> None:
    """tickets.hooks listener: a request closing, or reaching a state a rule names, gets its tasks."""
    rules = _rules_for(RuleEvent.STATE_REACHED, new_state.pk)
    if new_state.is_final:
        rules += _rules_for(RuleEvent.CLOSED)
    if rules:
        callbacks_plan(ticket=ticket, rules=rules, at=at)


def _locked(callback: Callback) -> Callback:
    return Callback.objects.select_for_update().select_related("rule", "ticket").get(pk=callback.pk)


def _holds_claim(task: Callback, actor, at) -> bool:
    return task.claimed_by_id == actor.pk and task.claimed_until is not None and task.claimed_until > at


@transaction.atomic
def callback_claim(*, actor, callback: Callback) -> Callback:
    """Take a task for CLAIM_MINUTES: one conditional UPDATE, so of two agents clicking at once
    exactly one gets it; the other is told someone else is calling."""
    require_capability(actor, "callbacks.make")
    return claim_for_call(
        actor,
        Callback.objects.filter(pk=callback.pk),
        refused=_("Another agent is already calling this customer, or the callback is finished."),
        summary=_("Callback claimed"),
    )


def claim_for_call(actor, row: QuerySet, *, refused: str, summary: str):
    """Claim the one pending row of `row` (a callback task or a campaign site) for CLAIM_MINUTES
    by a conditional UPDATE, audited; `refused` when another agent holds it or it is done."""
    at = _now()
    taken = (
        row.filter(status=CallbackStatus.PENDING)
        .filter(Q(claimed_by__isnull=True) | Q(claimed_until__lte=at) | Q(claimed_by=actor))
        .update(claimed_by=actor, claimed_until=at + timedelta(minutes=CLAIM_MINUTES), version=F("version") + 1)
    )
    if not taken:
        raise ConflictError(refused)
    claimed = row.get()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=claimed,
        customer_id=claimed.customer_id,
        changes={"claimed_by": [None, actor.pk]},
        summary=summary,
    )
    return claimed


def release_from_call(actor, row: QuerySet, *, refused: str, summary: str):
    """Give back the claim `actor` holds on the one row of `row` (a callback task or a campaign
    site) by a conditional UPDATE, audited; `refused` when `actor` does not hold it."""
    released = row.filter(claimed_by=actor).update(claimed_by=None, claimed_until=None, version=F("version") + 1)
    if not released:
        raise ConflictError(refused)
    row = row.get()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=row,
        customer_id=row.customer_id,
        changes={"claimed_by": [actor.pk, None]},
        summary=summary,
    )
    return row


@transaction.atomic
def callback_release(*, actor, callback: Callback) -> Callback:
    return release_from_call(
        actor,
        Callback.objects.filter(pk=callback.pk),
        refused=_("You are not calling this customer."),
        summary=_("Callback released"),
    )


def _claimed_for_call(actor, callback: Callback) -> tuple[Callback, object]:
    require_capability(actor, "callbacks.make")
    at = _now()
    task = _locked(callback)
    if task.status != CallbackStatus.PENDING:
        raise ConflictError(_("This callback is already finished."))
    if not _holds_claim(task, actor, at):
        raise ConflictError(_("Claim the callback before calling: another agent may be calling this customer."))
    return task, at


@transaction.atomic
def callback_attempt_failed(*, actor, callback: Callback, outcome: str, note: str = "", call_at=None) -> Callback:
    """A call that did not reach the customer: retry after the rule's interval (or at the time the
    customer asked for, 再约一个方便的时间, which must be callable); after the rule's number of
    attempts, or a wrong number, the task is unreachable."""
    task, at = _claimed_for_call(actor, callback)
    errors = {}
    if outcome not in AttemptOutcome.values:
        errors["outcome"] = _("Choose what happened on the call.")
    note = (note or "").strip()
    check_text(note, "note", errors)
    rule = task.rule
    calendar = _calendar_of(rule)
    if outcome == AttemptOutcome.CALL_LATER:
        if call_at is None:
            errors["call_at"] = _("Enter the time the customer asked to be called.")
        elif call_at <= at:
            errors["call_at"] = _("The time to call again must be in the future.")
        elif not schedule.is_callable(calendar, call_at, rule.quiet_hours):
            errors["call_at"] = _("That time is in the customer's quiet hours or on a day off.")
    if errors:
        raise ValidationError(errors)
    CallbackAttempt.objects.create(callback=task, outcome=outcome, note=note, by=actor)
    before = task.status
    task.attempts += 1
    if outcome == AttemptOutcome.WRONG_NUMBER or (
        outcome != AttemptOutcome.CALL_LATER and task.attempts >= rule.max_attempts
    ):
        task.status = CallbackStatus.UNREACHABLE
        task.completed_at, task.called_by = at, actor
    elif outcome == AttemptOutcome.CALL_LATER:
        task.next_try_at = call_at
    else:
        task.next_try_at = schedule.next_callable(
            calendar, at + timedelta(minutes=rule.retry_after_minutes), rule.quiet_hours
        )
    task.claimed_by, task.claimed_until = None, None
    task.version += 1
    task.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=task,
        customer_id=task.customer_id,
        changes={"attempts": [task.attempts - 1, task.attempts], "status": [before, task.status]},
        summary=_("Call attempt: %(outcome)s") % {"outcome": AttemptOutcome(outcome).label},
    )
    return task


def _step_with_effect(ticket, effect: str):
    return next((move for move in moves_from(ticket.state_id) if move.effect == effect), None)


def _reopen_step(ticket):
    """From a final state, a step back to an open one (the workflow's 重新打开)."""
    state = state_by_id(ticket.state_id)
    if not state.is_final:
        return None
    return next((move for move in moves_from(ticket.state_id) if not state_by_id(move.target_id).is_final), None)


def _follow_up_unsatisfied(actor, task: Callback, text: str) -> None:
    """不满意: back to handling (the step marked for it, or reopening a closed request), else a new
    complaint linked to it, as the rule says; the staff member's supervisor is told."""
    ticket, rule = task.ticket, task.rule
    step = _step_with_effect(ticket, TransitionEffect.CALLBACK_UNSATISFIED)
    if step is None and rule.on_unsatisfied == OnUnsatisfied.REOPEN:
        step = _reopen_step(ticket)
    if step is not None:
        ticket_transition(actor=actor, ticket=ticket, code=step.code, note=text, by_callback=True)
    else:
        complaint, _created = ticket_create(
            actor=actor,
            data={
                "ticket_type": TicketType.COMPLAINT,
                "channel": Channel.PHONE,
                "title": (_("Unsatisfied at callback: %(title)s") % {"title": ticket.title})[:200],
                "description": text,
                "caller_name": ticket.caller_name,
                "caller_phone": ticket.caller_phone,
            },
            customer=ticket.customer,
        )
        task.follow_up = complaint
        ticket_comment(
            actor=actor,
            ticket=ticket,
            internal=True,
            body=_("Unsatisfied at callback; complaint %(number)s opened.") % {"number": complaint.number},
        )
    chain = supervisors_above(task.team_id)
    notify(
        recipients=chain[0] if chain else [],
        kind="callback_unsatisfied",
        text=_("Customer unsatisfied at callback of request %(number)s: %(text)s")
        % {"number": ticket.number, "text": text[:80]},
        dedupe_key=f"callback-unsatisfied:{task.pk}",
        ticket=task.follow_up or ticket,
    )


@transaction.atomic
def callback_record(
    *,
    actor,
    callback: Callback,
    result: str,
    answers: dict | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Callback:
    """The call reached the customer: their answers verbatim and the result. A satisfied result
    (满意, 基本满意, 一般) completes the request's callback step (the step marked CALLBACK_DONE,
    if the request waits there); 不满意 follows `_follow_up_unsatisfied`."""
    task, at = _claimed_for_call(actor, callback)
    if expected_version is not None and task.version != expected_version:
        raise ConflictError()
    errors = {}
    if result not in Satisfaction.values:
        errors["result"] = _("Choose the customer's answer: satisfied, basically satisfied, average or unsatisfied.")
    clean_answers = {}
    for key, value in (answers or {}).items():
        if not isinstance(value, str):
            errors["answers"] = _("Each answer is the customer's words as text.")
            break
        clean_answers[str(key)[:40]] = value.strip()
        check_text(clean_answers[str(key)[:40]], "answers", errors, multiline=True)
    comment = (comment or "").strip()
    check_text(comment, "comment", errors, multiline=True)
    if result == Satisfaction.UNSATISFIED and not (comment or any(clean_answers.values())):
        errors["comment"] = _("Write down what the customer is unsatisfied with.")
    if errors:
        raise ValidationError(errors)
    task.result, task.answers, task.comment = result, clean_answers, comment
    task.status, task.completed_at, task.called_by = CallbackStatus.DONE, at, actor
    task.claimed_by, task.claimed_until = None, None
    task.version += 1
    task.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=task,
        customer_id=task.customer_id,
        changes={"status": [CallbackStatus.PENDING, CallbackStatus.DONE], "result": ["", result]},
        summary=_("Callback result: %(result)s") % {"result": Satisfaction(result).label},
    )
    hooks.callback_recorded(task, actor)
    text = comment or " / ".join(value for value in clean_answers.values() if value)
    if result == Satisfaction.UNSATISFIED:
        _follow_up_unsatisfied(actor, task, text)
        task.save(update_fields=["follow_up"])
    else:
        step = _step_with_effect(task.ticket, TransitionEffect.CALLBACK_DONE)
        if step is not None:
            ticket_transition(
                actor=actor,
                ticket=task.ticket,
                code=step.code,
                by_callback=True,
                note=_("Callback: %(result)s") % {"result": Satisfaction(result).label},
            )
    return task


def callbacks_release_expired() -> int:
    """Claims past their time go back to the desk (an agent who walked away). Idempotent."""
    return Callback.objects.filter(status=CallbackStatus.PENDING, claimed_until__lte=_now()).update(
        claimed_by=None, claimed_until=None
    )


BATCH = 1000


def _pending_batch(tasks) -> list[Callback]:
    """The next batch of `tasks`, locked; rows another worker holds are skipped (it is handling them)."""
    # of=self: the tasks only, not the requests joined for their numbers (agents keep working on those).
    return list(tasks.select_for_update(skip_locked=True, of=("self",)).select_related("ticket").order_by("pk")[:BATCH])


def callbacks_expire_stale(*, now=None) -> int:
    """Tasks not called `rule.expire_after_days` days after their due time are closed as expired:
    off the desk, with the reason on the task, audited in the same transaction. A task an agent
    holds a live claim on is left to them. Idempotent; two workers lock different rows (SKIP
    LOCKED) and the update re-checks that the task is still pending."""
    now = now or _now()
    expired = 0
    for rule in CallbackRule.objects.all():  # a rule switched off still has its tasks on the desk
        cutoff = now - timedelta(days=rule.expire_after_days)
        reason = _("Not called within %(days)s days after its due time.") % {"days": rule.expire_after_days}
        stale = Callback.objects.filter(rule=rule, status=CallbackStatus.PENDING, due_at__lt=cutoff).exclude(
            claimed_until__gt=now
        )
        while True:
            with transaction.atomic():
                batch = _pending_batch(stale)
                if not batch:
                    break
                ids = [task.pk for task in batch]
                Callback.objects.filter(pk__in=ids, status=CallbackStatus.PENDING).update(
                    status=CallbackStatus.EXPIRED,
                    closed_reason=reason,
                    claimed_by=None,
                    claimed_until=None,
                    version=F("version") + 1,
                )
                audit_many(
                    actor=None,
                    action=AuditAction.UPDATED,
                    target_type="callbacks.callback",
                    targets=((task.pk, str(task), task.customer_id) for task in batch),
                    summary=_("Callback expired: %(reason)s") % {"reason": reason},
                )
            expired += len(batch)
    return expired


def callbacks_notify_overdue(*, now=None) -> int:
    """Tasks past their due time and not done: the agent calling (a live claim) is told, else the
    nearest supervisors of the team whose work is followed up (who runs the desk for it); once per
    task (`overdue_notified_at`, and the notification's key). Returns how many tasks were told of."""
    now = now or _now()
    overdue = Callback.objects.filter(status=CallbackStatus.PENDING, due_at__lt=now, overdue_notified_at__isnull=True)
    supervisors: dict[int | None, list] = {}
    told = 0
    while True:
        with transaction.atomic():
            batch = _pending_batch(overdue)
            if not batch:
                break
            for task in batch:
                if task.claimed_by_id and task.claimed_until and task.claimed_until > now:
                    recipients = [task.claimed_by_id]
                else:
                    if task.team_id not in supervisors:
                        chain = supervisors_above(task.team_id)
                        supervisors[task.team_id] = [user.pk for user in chain[0]] if chain else []
                    recipients = supervisors[task.team_id]
                text = _("Callback for request %(number)s was due %(due)s and is not done yet.") % {
                    "number": task.ticket.number,
                    "due": f"{timezone.localtime(task.due_at):%Y-%m-%d %H:%M}",
                }
                url = reverse("callbacks:call", args=[task.pk])
                notify_each(
                    messages=[(recipient, text, task.ticket_id, url) for recipient in recipients],
                    kind="callback_overdue",
                    dedupe_key=f"callback-overdue:{task.pk}",
                )
            Callback.objects.filter(pk__in=[task.pk for task in batch]).update(overdue_notified_at=now)
        told += len(batch)
    return told


def callback_rule_save(*, actor, rule: CallbackRule) -> CallbackRule:
    """An admin's new rule, checked by the model's rules and audited (a rule already saved is
    changed through `callback_rule_update`, which says what changed)."""
    if rule.pk is not None:
        changes = {field.name: getattr(rule, field.attname) for field in _rule_fields()}
        return callback_rule_update(actor=actor, rule=rule, changes=changes)
    require_capability(actor, "callbacks.configure")
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        audit_record(actor=actor, action=AuditAction.CREATED, target=rule)
    return rule


def _rule_fields():
    return [field for field in CallbackRule._meta.get_fields() if field.concrete and not field.primary_key]


@transaction.atomic
def callback_rule_update(*, actor, rule: CallbackRule, changes: dict) -> CallbackRule:
    """Change some of a rule's settings ({field name: value}; a related row or its id): the row is
    locked and re-read, so two admins changing different settings both keep theirs; checked by the
    model's rules (a bad value names its field) and audited with the values before and after."""
    require_capability(actor, "callbacks.configure")
    locked = CallbackRule.objects.select_for_update().get(pk=rule.pk)
    fields = {field.name: field for field in _rule_fields()}
    unknown = sorted(set(changes) - set(fields))
    if unknown:
        raise ValidationError({name: _("This setting does not exist.") for name in unknown})
    before = {name: plain_value(getattr(locked, fields[name].attname)) for name in changes}
    for name, value in changes.items():
        field = fields[name]
        if field.is_relation and not isinstance(value, models.Model):
            setattr(locked, field.attname, value)
        else:
            setattr(locked, name, value)
    locked.full_clean()
    after = {name: plain_value(getattr(locked, fields[name].attname)) for name in changes}
    changed = {name: [before[name], after[name]] for name in changes if before[name] != after[name]}
    if changed:
        locked.save(update_fields=list(changed))
        audit_record(actor=actor, action=AuditAction.UPDATED, target=locked, changes=changed)
    return locked


def callback_rule_deactivate(*, actor, rule: CallbackRule) -> CallbackRule:
    """Switch a rule off: it plans no more tasks (the tasks it made stay, to be called or to
    expire). A rule already off is left as it is."""
    return callback_rule_update(actor=actor, rule=rule, changes={"is_active": False})


def hand_over_callbacks(*, actor, leaving, receiver_for):
    """A leaving account manager's pending callbacks on their own claim go back to the desk, and
    the tasks following up their work are credited to whoever takes over the customer."""
    from kefu.accountmanagers.handover import HandedOver

    items = []
    tasks = (
        Callback.objects.select_for_update()
        .filter(status=CallbackStatus.PENDING)
        .filter(Q(staff=leaving) | Q(claimed_by=leaving))
        .select_related("ticket")
    )
    for task in tasks:
        receiver = receiver_for(task.customer_id)
        if receiver is None:
            continue
        before = task.staff_id
        task.staff = receiver if task.staff_id == leaving.pk else task.staff
        task.team_id = receiver.org_unit_id if task.staff_id == receiver.pk else task.team_id
        task.claimed_by, task.claimed_until = None, None
        task.version += 1
        task.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=task,
            customer_id=task.customer_id,
            changes={"staff": [before, task.staff_id]},
            summary=_("Callback handed over"),
        )
        items.append(
            HandedOver(
                receiver_id=receiver.pk,
                kind="callbacks",
                label=_("Pending callbacks"),
                ref_id=task.pk,
                text=f"{task.ticket.number} {task.ticket.title}",
                url=reverse("callbacks:call", args=[task.pk]),
            )
        )
    return items
