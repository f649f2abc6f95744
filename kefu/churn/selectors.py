"""Reads of the churn warning: settings, scores and retention tasks within the reader's scope.

Scope follows the customer archive (`customers_visible_to`): an account manager sees their own
customers' scores and tasks (and the tasks given to them), a supervisor their subtree's, admins
and auditors all. Out-of-scope ids answer 404.
"""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from kefu.core.errors import PermissionDeniedError
from kefu.customers.selectors import business_file_customers, business_file_visible, customers_visible_to
from kefu.org.permissions import has_capability

from .choices import TaskStatus
from .models import ChurnRun, ChurnScore, ChurnSettings, RetentionTask


def current_settings() -> ChurnSettings:
    """The one settings row (made with the defaults the first time it is read)."""
    settings, _created = ChurnSettings.objects.get_or_create(pk=1)
    return settings


def latest_run() -> ChurnRun | None:
    return ChurnRun.objects.filter(finished_at__isnull=False).order_by("-id").first()


def runs_visible_to(user) -> QuerySet[ChurnRun]:
    if not has_capability(user, "churn.view"):
        return ChurnRun.objects.none()
    return ChurnRun.objects.select_related("started_by")


def scores_visible_to(user, run: ChurnRun | None = None) -> QuerySet[ChurnScore]:
    """The scores of `run` (default the latest) of customers the user may see and whose business
    file they may read: a score shows the customer's volumes, revenue and competitor records,
    which a group customer keeps to its key-account team (customers.selectors.business_file_visible)."""
    if not has_capability(user, "churn.view"):
        return ChurnScore.objects.none()
    run = run or latest_run()
    if run is None:
        return ChurnScore.objects.none()
    return ChurnScore.objects.filter(run=run, customer__in=business_file_customers(user).values("pk"))


def filter_scores(
    scores: QuerySet[ChurnScore], *, grid="", manager=None, tier="", min_score=None, max_score=None
) -> QuerySet[ChurnScore]:
    """The churn list: highest risk first."""
    if grid:
        scores = scores.filter(customer__grid=grid)
    if manager:
        scores = scores.filter(customer__account_manager_id=manager)
    if tier:
        scores = scores.filter(customer__tier=tier)
    if min_score is not None:
        scores = scores.filter(score__gte=min_score)
    if max_score is not None:
        scores = scores.filter(score__lte=max_score)
    return scores.select_related("customer__account_manager").order_by("-score", "customer_id")


def customer_score(user, customer_id: int) -> ChurnScore | None:
    """The customer's score in the latest run that scored them; None if the user may not see it
    (nor the customer's business file, which its readings are part of)."""
    if not has_capability(user, "churn.view"):
        return None
    customer = customers_visible_to(user).select_related("org_unit").filter(pk=customer_id).first()
    if customer is None or not business_file_visible(user, customer):
        return None
    return ChurnScore.objects.filter(customer_id=customer_id).select_related("run").order_by("-run_id").first()


def task_score(user, task: RetentionTask) -> ChurnScore | None:
    """The score that made the task (else the customer's latest), for a reader of the customer's
    business file; None otherwise."""
    if task.score_id is None or not business_file_visible(user, task.customer):
        return customer_score(user, task.customer_id)
    return task.score


def tasks_visible_to(user) -> QuerySet[RetentionTask]:
    """Tasks of the customers the user may see, and the tasks given to them."""
    if not has_capability(user, "churn.view"):
        return RetentionTask.objects.none()
    return RetentionTask.objects.filter(Q(customer__in=customers_visible_to(user).values("pk")) | Q(manager=user))


def get_task_for_user(user, task_id: int, *, capability: str = "churn.view") -> RetentionTask:
    if not has_capability(user, capability):
        raise PermissionDeniedError()
    return get_object_or_404(tasks_visible_to(user).select_related("customer", "manager", "closed_by"), pk=task_id)


def filter_tasks(tasks: QuerySet[RetentionTask], *, status="", manager=None, overdue=False, today=None):
    if status:
        tasks = tasks.filter(status=status)
    if manager:
        tasks = tasks.filter(manager_id=manager)
    if overdue and today is not None:
        tasks = tasks.filter(status=TaskStatus.OPEN, due_date__lt=today)
    return tasks.select_related("customer", "manager").order_by("due_date", "-risk_score", "id")


def open_tasks_for(user) -> QuerySet[RetentionTask]:
    """The workbench: an account manager's own open tasks; a supervisor's those of their subtree."""
    return tasks_visible_to(user).filter(status=TaskStatus.OPEN)
