"""Writes of the churn warning: the settings, runs (scores and retention tasks, set-based) and
the outcome of a task. Each audited in its own transaction."""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.accountmanagers.handover import HandedOver
from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_many, audit_record
from kefu.core.errors import ConflictError
from kefu.core.text import check_text
from kefu.inbox.services import notify_each
from kefu.org.choices import Role
from kefu.org.models import User
from kefu.org.permissions import require_capability
from kefu.org.selectors import supervisors_above

from . import engine
from .choices import Factor, RunTrigger, TaskStatus
from .models import ChurnRun, ChurnScore, ChurnSettings, RetentionTask
from .selectors import current_settings, tasks_visible_to

# The settings a page or the API may change: (field, lowest, highest, whole number).
WEIGHT_FIELDS = {factor: f"weight_{factor.value}" for factor in Factor}
SETTING_LIMITS = {
    **dict.fromkeys(WEIGHT_FIELDS.values(), (0, 100, False)),
    "recent_months": (1, 12, True),
    "min_drop_percent": (0, 100, True),
    "complaint_days": (1, 3650, True),
    "complaints_full": (1, 100, True),
    "callback_days": (1, 3650, True),
    "callbacks_full": (1, 100, True),
    "no_contact_days": (1, 3650, True),
    "competitor_days": (1, 3650, True),
    "competitors_full": (1, 100, True),
    "threshold": (0, 500, False),
    "task_due_days": (1, 365, True),
}
SETTING_FIELDS = tuple(SETTING_LIMITS)


def settings_rules(settings: ChurnSettings) -> dict:
    """The settings in the form a run keeps (`ChurnRun.rules`): plain JSON."""
    rules = {name: getattr(settings, name) for name in SETTING_FIELDS if not name.startswith("weight_")}
    # Points as text with two decimals, whether read from the database or fresh from the defaults.
    rules["threshold"] = f"{Decimal(settings.threshold):.2f}"
    rules["weights"] = {factor.value: f"{Decimal(getattr(settings, f)):.2f}" for factor, f in WEIGHT_FIELDS.items()}
    return rules


def _clean_settings(data: dict) -> dict:
    """Every field of `data` checked against its limits; all refused fields named at once."""
    errors, cleaned = {}, {}
    for name, (low, high, whole) in SETTING_LIMITS.items():
        if name not in data:
            continue
        raw = str(data[name]).strip()
        try:
            value = Decimal(raw)
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[name] = _("Give a number.")
            continue
        if whole and value != value.to_integral_value():
            errors[name] = _("Give a whole number.")
        elif not low <= value <= high:
            errors[name] = _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        elif not whole and value.as_tuple().exponent < -2:
            errors[name] = _("At most two decimal places.")
        else:
            cleaned[name] = int(value) if whole else value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def churn_settings_update(*, actor, data: dict, expected_version: int | None) -> ChurnSettings:
    """Change weights, parameters and threshold; the next run applies them. Audited with before/after."""
    require_capability(actor, "churn.configure")
    current_settings()  # the row exists before it is locked
    settings = ChurnSettings.objects.select_for_update().get(pk=1)
    if expected_version is None:
        raise ValidationError({"version": _("Send the version you read, so that concurrent edits are detected.")})
    if settings.version != expected_version:
        raise ConflictError()
    cleaned = _clean_settings(data)
    changes = {}
    for name, value in cleaned.items():
        before = getattr(settings, name)
        if Decimal(before) != Decimal(value):
            changes[name] = [str(before), str(value)]
            setattr(settings, name, value)
    if changes:
        settings.version += 1
        settings.save()
        audit_record(actor=actor, action=AuditAction.UPDATED, target=settings, changes=changes)
        settings.refresh_from_db()
    return settings


def churn_run(*, actor, trigger: str = RunTrigger.MANUAL, as_of: date | None = None) -> ChurnRun:
    """Score every customer and give each one over the threshold a retention task.

    One transaction: the scores (one INSERT … SELECT, `engine`), the tasks (one INSERT … SELECT of
    the scores over the threshold whose customer has an active account manager; the unique open
    task per customer skips those who have one: ON CONFLICT DO NOTHING), one audit entry per new
    task and one for the run, a notice to each manager who got tasks (and to those who assign
    managers, of customers at risk without one). Runs queue on the
    settings row's lock.
    """
    if actor is not None:
        require_capability(actor, "churn.run")
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        current_settings()
        settings = ChurnSettings.objects.select_for_update().get(pk=1)
        rules = settings_rules(settings)
        run = ChurnRun.objects.create(rules=rules, as_of=as_of, trigger=trigger, started_by=actor)
        run.customers = engine.insert_scores(run.pk, rules, as_of)
        engine.analyse_scores()
        threshold = Decimal(rules["threshold"])
        run.at_risk = ChurnScore.objects.filter(run=run, score__gte=threshold).count()
        run.tasks = _insert_tasks(run, threshold, as_of + timedelta(days=rules["task_due_days"]))
        _audit_and_notify_tasks(run, actor)
        _tell_who_assigns_managers(run, threshold)
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            target=run,
            summary=_("Churn risk scored for %(customers)s customers: %(risk)s at risk, %(tasks)s new retention tasks")
            % {"customers": run.customers, "risk": run.at_risk, "tasks": run.tasks},
        )
    return run


def _insert_tasks(run: ChurnRun, threshold: Decimal, due: date) -> int:
    """One INSERT … SELECT: an open task for each score over the threshold whose customer has an
    active manager and no open task (the partial unique key skips those: ON CONFLICT DO NOTHING,
    no NOT EXISTS over the growing task table)."""
    now = timezone.now()
    rows = (
        ChurnScore.objects.filter(run=run, score__gte=threshold, customer__account_manager__is_active=True)
        .annotate(
            t_customer=F("customer_id"),
            t_manager=F("customer__account_manager_id"),
            t_run=F("run_id"),
            t_score=F("id"),
            t_risk=F("score"),
            t_status=Value(TaskStatus.OPEN),
            t_due=Value(due),
            t_reason=Value(""),
            t_created=Value(now),
            t_version=Value(1),
        )
        .values(
            "t_customer", "t_manager", "t_run", "t_score", "t_risk", "t_status", "t_due", "t_reason", "t_created",
            "t_version",
        )
        .order_by()
    )  # fmt: skip
    select_sql, params = rows.query.sql_with_params()
    table = RetentionTask._meta.db_table
    columns = "customer_id, manager_id, run_id, score_id, risk_score, status, due_date, reason, created_at, version"
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING", params)
        return cursor.rowcount


def _audit_and_notify_tasks(run: ChurnRun, actor) -> None:
    made = RetentionTask.objects.filter(run=run).values_list("pk", "customer_id", "customer__name", "manager_id")
    per_manager: dict[int, int] = {}
    targets = []
    for pk, customer_id, name, manager_id in made.iterator(chunk_size=5000):
        targets.append((pk, name, customer_id))
        per_manager[manager_id] = per_manager.get(manager_id, 0) + 1
    if not targets:
        return
    audit_many(
        actor=actor,
        action=AuditAction.CREATED,
        target_type=RetentionTask._meta.label_lower,
        targets=targets,
        summary=_("Retention task: churn risk over the threshold"),
    )
    url = reverse("churn:tasks")
    notify_each(
        messages=[
            (
                manager_id,
                _("%(count)s customers at risk of leaving need a retention task") % {"count": count},
                None,
                url,
            )
            for manager_id, count in per_manager.items()
        ],
        kind="churn_tasks",
        dedupe_key=f"churn-run-{run.pk}",
    )


def _tell_who_assigns_managers(run: ChurnRun, threshold: Decimal) -> None:
    """A customer at risk without an active account manager gets no task: the nearest
    supervisors of its unit (the admins when it has none above it) are told how many such
    customers they have, one notice per person and run, so that someone gives them a manager."""
    no_manager = Q(customer__account_manager__isnull=True) | Q(customer__account_manager__is_active=False)
    per_unit = (
        ChurnScore.objects.filter(no_manager, run=run, score__gte=threshold)
        .values_list("customer__org_unit_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    per_person: dict[int, int] = {}
    admins = None
    for unit_id, count in per_unit:
        nearest = supervisors_above(unit_id)
        if nearest:
            told = [user.pk for user in nearest[0]]
        else:
            if admins is None:
                admins = list(User.objects.filter(role=Role.ADMIN, is_active=True).values_list("pk", flat=True))
            told = admins
        for pk in told:
            per_person[pk] = per_person.get(pk, 0) + count
    if not per_person:
        return
    url = reverse("churn:list")
    notify_each(
        messages=[
            (
                pk,
                _("%(count)s customers at risk of leaving have no active account manager and got no retention task")
                % {"count": count},
                None,
                url,
            )
            for pk, count in per_person.items()
        ],
        kind="churn_no_manager",
        dedupe_key=f"churn-run-{run.pk}-no-manager",
    )


def churn_scheduled_run() -> dict:
    """Periodic (nightly): one run a day; a second call the same day finds the day's run and stops."""
    today = timezone.localdate()
    if ChurnRun.objects.filter(as_of=today, finished_at__isnull=False).exists():
        return {"ran": False, "reason": "already ran today"}
    run = churn_run(actor=None, trigger=RunTrigger.SCHEDULE, as_of=today)
    return {"ran": True, "run": run.pk, "customers": run.customers, "tasks": run.tasks, "pruned": scores_prune()}


KEEP_RUNS = 2  # the latest run is the list; the one before shows what changed


@transaction.atomic
def scores_prune(*, keep: int = KEEP_RUNS) -> int:
    """Delete the scores of older runs (a run writes one row per customer, a million a night),
    except those a retention task points at: they explain why the task was made."""
    old_runs = list(ChurnRun.objects.order_by("-id").values_list("pk", flat=True)[keep:])
    if not old_runs:
        return 0
    scores, tasks = ChurnScore._meta.db_table, RetentionTask._meta.db_table
    sql = (
        f"DELETE FROM {scores} WHERE run_id IN ({', '.join(['%s'] * len(old_runs))})"
        f" AND NOT EXISTS (SELECT 1 FROM {tasks} t WHERE t.score_id = {scores}.id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, old_runs)
        return cursor.rowcount


def retention_task_close(
    *, actor, task: RetentionTask, outcome: str, reason: str, expected_version: int | None = None
) -> RetentionTask:
    """Record a task's outcome: retained, or lost with the reason (both audited). Only an open
    task in the actor's scope; a concurrent close or a stale version answers 409."""
    require_capability(actor, "churn.work")
    errors: dict = {}
    reason = str(reason or "").strip()
    if outcome not in (TaskStatus.RETAINED, TaskStatus.LOST):
        errors["outcome"] = _("Choose retained or lost.")
    if outcome == TaskStatus.LOST and not reason:
        errors["reason"] = _("Say why the customer was lost.")
    elif len(reason) > 2000:
        errors["reason"] = _("At most 2000 characters.")
    else:
        check_text(reason, "reason", errors, multiline=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = tasks_visible_to(actor).select_for_update().filter(pk=task.pk).first()
        if current is None:
            raise ValidationError({"task": _("This retention task is not yours to close.")})
        if current.status != TaskStatus.OPEN:
            raise ConflictError(_("This retention task was closed already."))
        if expected_version is not None and current.version != expected_version:
            raise ConflictError()
        current.status, current.reason = outcome, reason
        current.closed_at, current.closed_by = timezone.now(), actor
        current.version += 1
        current.save(update_fields=["status", "reason", "closed_at", "closed_by", "version"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=current,
            customer_id=current.customer_id,
            changes={"status": [TaskStatus.OPEN, outcome], "reason": ["", reason]},
        )
    return current


def hand_over_retention_tasks(*, actor, leaving, receiver_for) -> list[HandedOver]:
    """A leaving manager's open retention tasks go to whoever takes over each customer
    (accountmanagers.handover provider, inside the departure's transaction; each move audited)."""
    items = []
    tasks = RetentionTask.objects.select_for_update().filter(manager=leaving, status=TaskStatus.OPEN)
    for task in tasks.select_related("customer"):
        receiver = receiver_for(task.customer_id)
        if receiver is None:
            continue
        task.manager = receiver
        task.version += 1
        task.save(update_fields=["manager", "version"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATED,
            target=task,
            customer_id=task.customer_id,
            changes={"manager": [leaving.pk, receiver.pk]},
            summary=_("Retention task handed over"),
        )
        items.append(
            HandedOver(
                receiver_id=receiver.pk,
                kind="retention_tasks",
                label=_("Retention tasks"),
                ref_id=task.pk,
                text=f"{task.customer.name} {task.due_date}",
                url=reverse("churn:task", args=[task.pk]),
            )
        )
    return items
