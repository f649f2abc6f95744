"""Writes of the account-manager system: profiles, assignment plans (preview, apply, discard),
manual assignment, departures with their handover, and acknowledging a handover.

Customers change manager only through `customers.services.customers_set_managers` (one audit
entry per customer) and requests change owner only through `tickets.services.handover`; this
app writes its own tables and audits them in the same transaction.
"""

import logging
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, Q, Value
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record, plain_value
from kefu.core.background import run_after_commit
from kefu.core.errors import ConflictError, ServiceError
from kefu.core.text import check_text
from kefu.customers.choices import CustomerStatus
from kefu.customers.models import Customer
from kefu.customers.selectors import customers_visible_to
from kefu.customers.services import customers_set_managers
from kefu.inbox.services import notify, notify_each
from kefu.org.choices import ManagerLevel, Role
from kefu.org.models import User
from kefu.org.permissions import require_capability

from . import selectors
from .assignment import Plan, level_rank, plan_assignment, spread_per_grid
from .book_tasks import books_refresh_task
from .choices import WORKING_STATUSES, MoveReason, PlanKind, PlanStatus
from .handover import HandedOver, hand_over_open_work
from .models import AssignmentMove, AssignmentPlan, Handover, ManagerProfile
from .plan_tasks import plan_apply_task, plan_compute_task

logger = logging.getLogger(__name__)

PROFILE_FIELDS = ["level", "capacity", "grids", "regions", "industries", "accepting"]
MAX_CAPACITY = 1_000_000
MAX_REFS = 200  # rows of each kind listed on a handover record (the count says how many in all)


# ── Profiles ────────────────────────────────────────────────────────────────────────────────


def _clean_list(value, field: str, errors: dict) -> list[str]:
    """A list of codes from a list or from text with one per line or comma-separated."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace("，", ",").replace("\n", ",").split(",")
    if not isinstance(value, list | tuple):
        errors[field] = _("Give a list of names.")
        return []
    items = []
    for item in value:
        text = str(item).strip()
        if not text:
            continue
        if len(text) > 50:
            errors[field] = _("Each name has at most 50 characters.")
        check_text(text, field, errors)
        if text not in items:
            items.append(text)
    return items


def clean_profile_data(data: dict) -> dict:
    """Every field checked at once (ValidationError naming each bad field)."""
    errors: dict = {}
    clean = {}
    level = data.get("level", ManagerLevel.REGULAR) or ManagerLevel.REGULAR
    if level not in ManagerLevel.values:
        errors["level"] = _("Choose chief, secondary or regular.")
    clean["level"] = level
    capacity = data.get("capacity", 0)
    try:
        capacity = int(capacity if capacity not in (None, "") else 0)
        if not 0 <= capacity <= MAX_CAPACITY:
            raise ValueError
    except (TypeError, ValueError):
        errors["capacity"] = _("Capacity is a whole number from 0 (no limit) to %(max)d.") % {"max": MAX_CAPACITY}
        capacity = 0
    clean["capacity"] = capacity
    for field in ("grids", "regions", "industries"):
        clean[field] = _clean_list(data.get(field), field, errors)
    accepting = data.get("accepting", True)
    if not isinstance(accepting, bool):
        errors["accepting"] = _("Say yes or no.")
    clean["accepting"] = bool(accepting)
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def manager_profile_save(*, actor, manager: User, data: dict, expected_version: int | None = None) -> ManagerProfile:
    """Create or change an account manager's profile (level, capacity, grids, regions, skills,
    accepting). The manager must be an account manager in the actor's scope; a change needs the
    version that was read (ConflictError if someone saved since)."""
    require_capability(actor, "managers.manage")
    if not selectors.managers_visible_to(actor, include_inactive=True).filter(pk=manager.pk).exists():
        raise ValidationError({"manager": _("You cannot change this account manager's profile.")})
    clean = clean_profile_data(data)
    profile = ManagerProfile.objects.select_for_update().filter(user=manager).first()
    if profile is None:
        profile = ManagerProfile.objects.create(user=manager, **clean)
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            target=profile,
            changes={name: [None, clean[name]] for name in PROFILE_FIELDS},
        )
        return profile
    if expected_version is not None and profile.version != expected_version:
        raise ConflictError()
    changes = {
        name: [getattr(profile, name), clean[name]] for name in PROFILE_FIELDS if getattr(profile, name) != clean[name]
    }
    if changes:
        for name, (_before, after) in changes.items():
            setattr(profile, name, after)
        profile.version += 1
        profile.save()
        audit_record(actor=actor, action=AuditAction.UPDATED, target=profile, changes=changes)
    return profile


# ── Plans: preview ──────────────────────────────────────────────────────────────────────────


def _summary(result: Plan, pool) -> dict:
    reasons = result.counts()
    unplaced: dict[str, int] = defaultdict(int)
    for reason in result.unplaced.values():
        unplaced[reason] += 1
    grids = sorted({grid for manager in pool if manager.grids for grid in manager.grids})
    after = spread_per_grid(pool, grids)
    for manager in pool:
        manager.load = result.loads_before.get(manager.id, 0)
    before = spread_per_grid(pool, grids)
    for manager in pool:
        manager.load = result.loads_after.get(manager.id, 0)
    changed = [
        [mid, result.loads_before.get(mid, 0), load]
        for mid, load in result.loads_after.items()
        if load != result.loads_before.get(mid, 0)
    ]
    changed.sort(key=lambda row: (-abs(row[2] - row[1]), row[0]))
    return {
        "reasons": {str(k): v for k, v in reasons.items()},
        "unplaced": {str(k): v for k, v in unplaced.items()},
        "unplaced_sample": sorted(result.unplaced)[:50],
        "loads": changed,
        "managers": len(pool),
        "spread_before": max(before.values(), default=0),
        "spread_after": max(after.values(), default=0),
    }


def _write_plan(plan: AssignmentPlan, result: Plan, pool) -> bool:
    """Save what the job worked out on the plan, if it is still being worked out (a second run of
    the same job finds it done and writes nothing). Returns whether it wrote."""
    with transaction.atomic():
        if not AssignmentPlan.objects.select_for_update().filter(pk=plan.pk, status=PlanStatus.COMPUTING).exists():
            return False
        plan.customers_considered = result.considered
        plan.moves_count = len(result.moves)
        plan.unplaced = len(result.unplaced)
        plan.summary = _summary(result, pool)
        if plan.successor_ids:
            plan.summary["successors"] = plan.successor_ids
        plan.status = PlanStatus.DRAFT
        plan.save(update_fields=["customers_considered", "moves_count", "unplaced", "summary", "status"])
        AssignmentMove.objects.bulk_create(
            (
                AssignmentMove(plan=plan, customer_id=customer, from_manager_id=before, to_manager_id=after, reason=why)
                for customer, (before, after, why) in sorted(result.moves.items())
            ),
            batch_size=5000,
        )
        audit_record(
            actor=plan.created_by,
            action=AuditAction.UPDATED,
            target=plan,
            changes={
                "status": [PlanStatus.COMPUTING, PlanStatus.DRAFT],
                "moves_count": [0, plan.moves_count],
                "unplaced": [0, plan.unplaced],
            },
        )
    return True


def _start_plan(actor, kind: str, *, leaving=None, successor=None, successors=()) -> AssignmentPlan:
    """Create the plan row (being worked out) and hand the work to the background: working out
    a million customers takes longer than a web request may. In tests (sync) the job has run on return."""
    with transaction.atomic():
        plan = AssignmentPlan.objects.create(
            kind=kind,
            status=PlanStatus.COMPUTING,
            created_by=actor,
            leaving=leaving,
            successor=successor,
            successor_ids=[s.pk for s in successors],
            working_since=timezone.now(),
        )
        audit_record(actor=actor, action=AuditAction.CREATED, target=plan, changes={"status": [None, plan.status]})
        run_after_commit(plan_compute_task, plan_id=plan.pk)
    plan.refresh_from_db()
    return plan


def assignment_preview(*, actor) -> AssignmentPlan:
    """Start working out the automatic assignment of every customer in the actor's scope, to be
    saved as a plan to look at (`plan_compute`, in the background): no customer changes until it is applied."""
    require_capability(actor, "managers.manage")
    return _start_plan(actor, PlanKind.AUTOMATIC)


def _compute_automatic(actor) -> tuple[Plan, list]:
    pool = selectors.assignment_pool(actor)
    result = plan_assignment(
        pool,
        selectors.assignment_customers(actor),
        tier_rank=selectors.tier_ranks(),
        unavailable=selectors.unavailable_managers(),
    )
    return result, pool


def departure_preview(*, actor, leaving: User, successors=(), other_work_to: User | None = None) -> AssignmentPlan:
    """Share out a leaving manager's customers: among the successors named (balanced, each
    customer to one whose level its tier requires; grids left aside, since they were chosen by
    hand), or by the automatic rules among the other managers in the actor's scope. Nothing
    else moves. Open work goes with each customer to their new manager; work of no moved
    customer goes to `other_work_to` (default: the first successor, else the actor).
    The choices are checked here; the plan is worked out in the background (`plan_compute`)."""
    require_capability(actor, "managers.manage")
    if not selectors.managers_visible_to(actor, include_inactive=True).filter(pk=leaving.pk).exists():
        raise ValidationError({"leaving": _("You cannot hand over this account manager's customers.")})
    successors = list(successors)
    in_scope = set(selectors.managers_visible_to(actor).values_list("pk", flat=True))
    if any(s.pk == leaving.pk or s.pk not in in_scope for s in successors):
        raise ValidationError({"successors": _("Successors must be other active account managers in your scope.")})
    other_work_to = other_work_to or (successors[0] if successors else actor)
    if not other_work_to.is_active or (other_work_to.pk not in in_scope and other_work_to.pk != actor.pk):
        raise ValidationError({"other_work_to": _("Choose an active account manager in your scope, or yourself.")})
    return _start_plan(actor, PlanKind.DEPARTURE, leaving=leaving, successor=other_work_to, successors=successors)


def _compute_departure(actor, plan: AssignmentPlan) -> tuple[Plan, list]:
    leaving = plan.leaving
    if plan.successor_ids:
        in_scope = set(selectors.managers_visible_to(actor).values_list("pk", flat=True))
        if not set(plan.successor_ids) <= in_scope:
            raise ValidationError(_("A successor named is no longer an active account manager in your scope."))
        pool = selectors.assignment_pool(actor, exclude={leaving.pk}, only=plan.successor_ids, anywhere=True)
    else:
        pool = selectors.assignment_pool(actor, exclude={leaving.pk})
    loads = dict(
        Customer.objects.filter(account_manager_id__in=[m.id for m in pool])
        .exclude(status=CustomerStatus.CLOSED)
        .values_list("account_manager_id")
        .annotate(n=Count("pk"))
        .values_list("account_manager_id", "n")
    )
    for manager in pool:
        manager.load = loads.get(manager.id, 0)
    customers = list(selectors.assignment_customers(actor, manager_id=leaving.pk, include_closed=True))
    result = plan_assignment(
        pool,
        customers,
        tier_rank=selectors.tier_ranks(),
        forced={row[0]: MoveReason.LEAVING for row in customers},
        balance=False,
    )
    return result, pool


def _failure_reason(error: Exception) -> str:
    """The reason a job failed, in the site's language (a background job has no request's)."""
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(error, ValidationError):
            return " ".join(error.messages)
        if isinstance(error, ServiceError):
            return str(error.message)
        return _("An unexpected error stopped the job (%(error)s); nothing was changed.") % {
            "error": type(error).__name__
        }


def _fail(plan_id: int, working: str, error: Exception) -> None:
    """Mark a plan failed (only if it is still in the step that failed) and say why; audited."""
    reason = _failure_reason(error)
    with transaction.atomic():
        plan = AssignmentPlan.objects.select_related("created_by").get(pk=plan_id)
        if not AssignmentPlan.objects.filter(pk=plan_id, status=working).update(
            status=PlanStatus.FAILED, failure=reason
        ):
            return
        audit_record(
            actor=plan.created_by,
            action=AuditAction.UPDATED,
            target=plan,
            changes={"status": [working, PlanStatus.FAILED], "failure": [None, reason]},
        )


def plans_reap(*, now=None) -> int:
    """The periodic reaper: a plan still `computing` or `applying` longer than the job lease
    (KEFU_JOB_LEASE_SECONDS, past the tasks' hard time limit) was left by a worker that died or a
    task that was never queued. Each step runs in one transaction, so nothing of it was written:
    the plan fails with a reason its creator can read (and works out a new plan). Idempotent."""
    now = now or timezone.now()
    before = now - timedelta(seconds=settings.KEFU_JOB_LEASE_SECONDS)
    stuck = AssignmentPlan.objects.filter(status__in=list(WORKING_STATUSES)).filter(
        Q(working_since__lt=before) | Q(working_since__isnull=True, created_at__lt=before)
    )
    reaped = 0
    for plan_id, status in stuck.values_list("pk", "status"):
        with translation.override(settings.LANGUAGE_CODE):
            reason = _(
                "The background job stopped responding (the server may have restarted); nothing was changed. "
                "Work the plan out again."
            )
        _fail(plan_id, status, ValidationError(reason))
        reaped += 1
    return reaped


def plan_compute(*, plan_id: int) -> None:
    """The background job of a preview: work the plan out as its creator and save it (draft).
    Idempotent: a plan no longer being worked out is left alone. A failure marks it failed."""
    plan = AssignmentPlan.objects.select_related("created_by", "leaving", "successor").get(pk=plan_id)
    if plan.status != PlanStatus.COMPUTING:
        return
    try:
        with transaction.atomic():
            if plan.kind == PlanKind.DEPARTURE:
                result, pool = _compute_departure(plan.created_by, plan)
            else:
                result, pool = _compute_automatic(plan.created_by)
            _write_plan(plan, result, pool)
    except Exception as error:
        logger.exception("Assignment plan %s could not be worked out", plan_id)
        _fail(plan_id, PlanStatus.COMPUTING, error)


# ── Plans: apply or discard ─────────────────────────────────────────────────────────────────


def _claim(plan: AssignmentPlan, status: str, *, frm: str = PlanStatus.DRAFT) -> bool:
    claimed = AssignmentPlan.objects.filter(pk=plan.pk, status=frm).update(
        status=status,
        applied_at=timezone.now() if status == PlanStatus.APPLIED else None,
        working_since=timezone.now(),
    )
    plan.refresh_from_db()
    return bool(claimed)


def plan_apply(*, actor, plan: AssignmentPlan) -> AssignmentPlan:
    """Start applying the plan: it is claimed (draft → applying, once) and the moves are made in
    the background (`plan_apply_run`). In tests (sync) the job has run on return."""
    require_capability(actor, "managers.manage")
    if plan.kind == PlanKind.DEPARTURE and plan.unplaced:
        raise ValidationError(
            _("%(count)d customer(s) fit none of the successors: name a successor of the level their tier needs.")
            % {"count": plan.unplaced}
        )
    with transaction.atomic():
        if not _claim(plan, PlanStatus.APPLYING):
            if plan.status == PlanStatus.COMPUTING:
                raise ValidationError(_("This plan is still being worked out."))
            raise ValidationError(_("This plan was already applied or discarded."))
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=plan,
            changes={"status": [PlanStatus.DRAFT, PlanStatus.APPLYING]},
        )
        run_after_commit(plan_apply_task, plan_id=plan.pk, actor_id=actor.pk)
    plan.refresh_from_db()
    return plan


def plan_apply_run(*, plan_id: int, actor_id: int) -> None:
    """The background job of applying: move the plan's customers (those whose manager is still
    the one the plan saw, to managers still active), and for a departure hand the leaving
    manager's open work over, all in one transaction. The plan is claimed (applying → applied)
    with a conditional update inside it, so two runs apply once; a failure undoes everything
    and marks the plan failed with the reason."""
    try:
        _apply(plan_id, actor_id)
    except Exception as error:
        logger.exception("Assignment plan %s could not be applied", plan_id)
        _fail(plan_id, PlanStatus.APPLYING, error)


@transaction.atomic
def _apply(plan_id: int, actor_id: int) -> None:
    plan = AssignmentPlan.objects.select_related("leaving", "successor").get(pk=plan_id)
    if not _claim(plan, PlanStatus.APPLIED, frm=PlanStatus.APPLYING):
        return  # another run applied it (or it failed)
    actor = User.objects.get(pk=actor_id)
    moves = plan.moves.filter(to_manager__is_active=True, to_manager__role=Role.ACCOUNT_MANAGER).values_list(
        "customer_id", "from_manager_id", "to_manager_id", "to_manager__org_unit_id"
    )
    moved = customers_set_managers(
        actor=actor, moves=moves.iterator(chunk_size=20000), summary=_("Assignment plan #%(id)d") % {"id": plan.pk}
    )
    _recount_books(moved)
    plan.applied_count = len(moved)
    plan.stale_count = plan.moves_count - len(moved)
    plan.save(update_fields=["applied_count", "stale_count"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATED,
        target=plan,
        changes={"status": [PlanStatus.APPLYING, PlanStatus.APPLIED], "applied_count": [0, plan.applied_count]},
    )
    if plan.kind == PlanKind.DEPARTURE:
        _hand_over(actor, plan, moved)
    else:
        gained: dict[int, int] = defaultdict(int)
        for _customer, _before, after in moved:
            gained[after] += 1
        customers = reverse("customers:list")  # the manager's own customers: plans are not theirs to see
        notify_each(
            messages=[
                (
                    manager_id,
                    _("%(count)d customer(s) were assigned to you.") % {"count": count},
                    None,
                    f"{customers}?account_manager={manager_id}",
                )
                for manager_id, count in sorted(gained.items())
            ],
            kind="customers_assigned",
            dedupe_key=f"assignment_plan:{plan.pk}",
        )


def _recount_books(moved) -> None:
    """Customers changed hands: recount the supervisors' books once this commits, in the
    background, so that the overview shows the new loads instead of waiting for the periodic job."""
    if moved:
        run_after_commit(books_refresh_task)


@transaction.atomic
def plan_discard(*, actor, plan: AssignmentPlan) -> AssignmentPlan:
    require_capability(actor, "managers.manage")
    if not _claim(plan, PlanStatus.DISCARDED):
        raise ValidationError(_("This plan was already applied or discarded."))
    audit_record(
        actor=actor, action=AuditAction.UPDATED, target=plan, changes={"status": [PlanStatus.DRAFT, plan.status]}
    )
    return plan


def _hand_over(actor, plan: AssignmentPlan, moved: list[tuple[int, int | None, int]]) -> list[Handover]:
    """The leaving manager's customers went with the plan; now their open work, a handover
    record per receiving manager, a notice to each, and the leaving manager takes no one new."""
    leaving = plan.leaving
    new_manager = {customer: after for customer, _before, after in moved}
    other = plan.successor or actor
    people = User.objects.in_bulk({*new_manager.values(), other.pk})

    def receiver_for(customer_id: int | None) -> User:
        return people.get(new_manager.get(customer_id), other)

    names = dict(Customer.objects.filter(pk__in=list(new_manager)).values_list("pk", "name"))
    items = [
        HandedOver(
            receiver_id=after,
            kind="customers",
            label=_("Customers"),
            ref_id=customer,
            text=names.get(customer, ""),
            url=reverse("customers:detail", args=[customer]),
        )
        for customer, after in sorted(new_manager.items())
    ]
    items += hand_over_open_work(actor=actor, leaving=leaving, receiver_for=receiver_for)
    by_receiver: dict[int, dict[str, dict]] = defaultdict(dict)
    for item in items:
        group = by_receiver[item.receiver_id].setdefault(
            item.kind, {"kind": item.kind, "label": item.label, "count": 0, "refs": []}
        )
        group["count"] += 1
        if len(group["refs"]) < MAX_REFS:
            group["refs"].append([item.ref_id, item.text, item.url])
    handovers = []
    for receiver_id, groups in sorted(by_receiver.items()):
        handover = Handover.objects.create(
            plan=plan, from_user=leaving, to_user_id=receiver_id, created_by=actor, items=list(groups.values())
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            target=handover,
            changes={group["kind"]: [None, group["count"]] for group in groups.values()},
        )
        counts = "、".join(f"{group['label']} {group['count']}" for group in groups.values())
        notify(
            recipients=[people.get(receiver_id) or User.objects.get(pk=receiver_id)],
            kind="handover",
            text=_("%(name)s handed work over to you: %(counts)s") % {"name": leaving, "counts": counts},
            dedupe_key=f"handover:{handover.pk}",
            url=reverse("accountmanagers:handover", args=[handover.pk]),
        )
        handovers.append(handover)
    profile = ManagerProfile.objects.select_for_update().filter(user=leaving, accepting=True).first()
    if profile is not None:
        profile.accepting = False
        profile.version += 1
        profile.save(update_fields=["accepting", "version", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATED, target=profile, changes={"accepting": [True, False]})
    return handovers


@transaction.atomic
def handover_acknowledge(*, actor, handover: Handover) -> Handover:
    """The receiving manager confirms they took the work over (once)."""
    if handover.to_user_id != actor.pk:
        raise ValidationError(_("Only the manager who took the work over can acknowledge it."))
    at = timezone.now()
    if not Handover.objects.filter(pk=handover.pk, acknowledged_at__isnull=True).update(acknowledged_at=at):
        raise ValidationError(_("This handover was already acknowledged."))
    handover.acknowledged_at = at
    audit_record(
        actor=actor, action=AuditAction.UPDATED, target=handover, changes={"acknowledged_at": [None, plain_value(at)]}
    )
    return handover


# ── Manual assignment ───────────────────────────────────────────────────────────────────────


@transaction.atomic
def customers_assign(*, actor, customer_ids: list[int], manager: User) -> int:
    """Give customers (ids in the actor's scope) to one account manager by hand. The manager
    must be an active account manager in the actor's scope, of the level each customer's tier
    requires (grids are not checked: a hand assignment may cross them). Returns how many moved."""
    require_capability(actor, "managers.manage")
    if not selectors.managers_visible_to(actor).filter(pk=manager.pk).exists():
        raise ValidationError({"manager": _("Choose an active account manager in your scope.")})
    ids = sorted({int(pk) for pk in customer_ids})
    if not ids:
        raise ValidationError({"customers": _("Choose at least one customer.")})
    customers = customers_visible_to(actor).filter(pk__in=ids)
    found = dict(customers.values_list("pk", "tier"))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {"customers": _("Not customers you may see: %(ids)s") % {"ids": ", ".join(map(str, missing[:20]))}}
        )
    rank = level_rank(selectors.manager_level(manager))
    ranks = selectors.tier_ranks()
    too_senior = sorted(pk for pk, tier in found.items() if ranks.get(tier, 1) > rank)
    if too_senior:
        raise ValidationError(
            {
                "manager": _("%(count)d customer(s) have a tier that needs a more senior manager (ids %(ids)s).")
                % {"count": len(too_senior), "ids": ", ".join(map(str, too_senior[:20]))}
            }
        )
    moves = customers.annotate(
        to_id=Value(manager.pk, output_field=IntegerField()),
        unit_id=Value(manager.org_unit_id, output_field=IntegerField()),
    ).values_list("pk", "account_manager_id", "to_id", "unit_id")
    moved = customers_set_managers(actor=actor, moves=moves, summary=_("Assigned by hand"))
    _recount_books(moved)
    if moved:
        notify(
            recipients=[manager],
            kind="customers_assigned",
            text=_("%(count)d customer(s) were assigned to you.") % {"count": len(moved)},
            dedupe_key=f"assigned_by_hand:{manager.pk}:{timezone.now().isoformat()}",  # each assignment its notice
            url=reverse("customers:list") + f"?account_manager={manager.pk}",
        )
    return len(moved)
