"""Churn warning pages: the churn list and its export, the retention tasks and their outcomes,
a customer's score explained, the settings. Parse → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core.errors import ServiceError
from kefu.core.filters import filter_errors, filters_shown
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator
from kefu.customers.selectors import business_file_visible, get_customer_for_user
from kefu.customers.tiers import active_tiers
from kefu.org.choices import Role
from kefu.org.permissions import has_capability, require_capability
from kefu.org.selectors import account_managers_visible_to

from . import selectors, services
from .choices import TaskStatus
from .explain import explain
from .exports import churn_list_xlsx
from .filters import ChurnListFilter, TaskFilter
from .forms import OutcomeForm, SettingsForm

PAGE_SIZE = 50


def _list_filter(request, run):
    data = request.GET.copy()
    if run is not None and "min_score" not in data:
        data["min_score"] = run.rules["threshold"]  # the list starts with the customers at risk
    scores = selectors.scores_visible_to(request.user, run)
    return ChurnListFilter(data, queryset=scores, request=request)


@login_required
@require_GET
def churn_list(request):
    """The churn list (流失预警名单): customers of the latest run in the reader's scope, highest
    risk first; filters grid, manager, tier, score."""
    require_capability(request.user, "churn.view")
    run = selectors.latest_run()
    filterset = _list_filter(request, run)
    page = CappedCountPaginator(filterset.qs, PAGE_SIZE, count_newest_first=False).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "page_obj": page,
        "filter_errors": filter_errors(filterset),
        "params": filters_shown(filterset),
        "tiers": active_tiers(),
        # Those who see several managers' customers pick one (a manager sees only their own).
        "managers": (
            account_managers_visible_to(request.user).only("id", "full_name").order_by("full_name", "id")
            if request.user.role != Role.ACCOUNT_MANAGER
            else []
        ),
        "can_export": has_capability(request.user, "churn.export"),
        "can_run": has_capability(request.user, "churn.run"),
        "query": request.GET.urlencode(),
    }
    return render(request, "churn/list.html", context)


@login_required
@require_GET
def churn_export(request):
    require_capability(request.user, "churn.export")
    run = selectors.latest_run()
    if run is None:
        raise Http404
    filterset = _list_filter(request, run)
    if not filterset.is_valid():
        messages.error(request, "; ".join(filter_errors(filterset)))
        return redirect("churn:list")
    content = churn_list_xlsx(actor=request.user, scores=filterset.qs, run=run)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="churn-{run.as_of:%Y%m%d}.xlsx"'
    return response


@login_required
@require_POST
def run_now(request):
    require_capability(request.user, "churn.run")
    run = services.churn_run(actor=request.user)
    messages.success(
        request,
        _("Churn risk scored for %(customers)s customers: %(risk)s at risk, %(tasks)s new retention tasks.")
        % {"customers": run.customers, "risk": run.at_risk, "tasks": run.tasks},
    )
    return redirect("churn:list")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """Weights, parameters and threshold: read by whoever sees the churn list, changed by admins."""
    require_capability(request.user, "churn.view")
    current = selectors.current_settings()
    can_configure = has_capability(request.user, "churn.configure")
    form = SettingsForm(request.POST or None, settings=current)
    status = 200
    if request.method == "POST":
        require_capability(request.user, "churn.configure")
        if form.is_valid():
            try:
                services.churn_settings_update(
                    actor=request.user, data=form.data_for_service(), expected_version=form.cleaned_data["version"]
                )
            except ValidationError as refused:
                apply_errors(form, refused)
            except ServiceError as refused:
                form.add_error(None, str(refused.message))
            else:
                messages.success(request, _("Churn warning settings saved; the next run applies them."))
                return redirect("churn:settings")
        status = 400
    return render(request, "churn/settings.html", {"form": form, "can_configure": can_configure}, status=status)


@login_required
@require_GET
def tasks(request):
    require_capability(request.user, "churn.view")
    data = request.GET.copy()
    data.setdefault("status", TaskStatus.OPEN)
    filterset = TaskFilter(data, queryset=selectors.tasks_visible_to(request.user), request=request)
    page = CappedCountPaginator(filterset.qs, PAGE_SIZE, count_newest_first=False).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filter_errors": filter_errors(filterset),
        "params": filters_shown(filterset),
        "statuses": TaskStatus.choices,
        "today": timezone.localdate(),
    }
    return render(request, "churn/tasks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, pk: int):
    task = selectors.get_task_for_user(request.user, pk)
    form = OutcomeForm(request.POST or None, initial={"version": task.version})
    status = 200
    if request.method == "POST":
        require_capability(request.user, "churn.work")
        if form.is_valid():
            try:
                services.retention_task_close(
                    actor=request.user,
                    task=task,
                    outcome=form.cleaned_data["outcome"],
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as refused:
                apply_errors(form, refused)
            except ServiceError as refused:
                form.add_error(None, str(refused.message))
            else:
                messages.success(request, _("The outcome was recorded."))
                return redirect("churn:task", pk=task.pk)
        status = 400
    score = selectors.task_score(request.user, task)
    context = {
        "task": task,
        "form": form,
        "lines": explain(score) if score else [],
        "score": score,
        "file_kept": not business_file_visible(request.user, task.customer),
        "can_work": has_capability(request.user, "churn.work") and task.status == TaskStatus.OPEN,
    }
    return render(request, "churn/task_detail.html", context, status=status)


@login_required
@require_GET
def customer_detail(request, customer_id: int):
    """A customer's latest score explained factor by factor, and their retention tasks."""
    require_capability(request.user, "churn.view")
    customer = get_customer_for_user(request.user, customer_id)
    score = selectors.customer_score(request.user, customer.pk)
    context = {
        "customer": customer,
        "score": score,
        "lines": explain(score) if score else [],
        "file_kept": not business_file_visible(request.user, customer),
        "tasks": selectors.tasks_visible_to(request.user).filter(customer=customer).order_by("-id")[:20],
    }
    return render(request, "churn/customer.html", context)
