"""Pages of the account-manager system: profiles, the automatic assignment's plans (preview,
apply, discard), hand assignment, departures and handovers. Thin: parse → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core.errors import ServiceError
from kefu.core.forms import apply_errors
from kefu.org.models import User
from kefu.org.permissions import has_capability, require_capability

from . import selectors, services
from .choices import WORKING_STATUSES, MoveReason, PlanKind, PlanStatus
from .forms import AssignForm, DepartureForm, ProfileForm

PAGE_SIZE = 50


@login_required
@require_GET
def manager_list(request):
    require_capability(request.user, "managers.view")
    page = Paginator(selectors.manager_rows(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "may_manage": has_capability(request.user, "managers.manage"),
        "waiting": selectors.unacknowledged_handovers(request.user).count(),
    }
    return render(request, "accountmanagers/manager_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request, manager_id):
    manager = selectors.get_manager_for_user(request.user, manager_id, capability="managers.manage")
    profile = selectors.profile_of(manager)
    form = ProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
        try:
            services.manager_profile_save(
                actor=request.user, manager=manager, data=data, expected_version=form.cleaned_data.get("version")
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Profile of %(name)s saved.") % {"name": manager})
            return redirect("accountmanagers:managers")
    return render(request, "accountmanagers/profile_form.html", {"form": form, "manager": manager})


@login_required
@require_POST
def assignment_run(request):
    plan = services.assignment_preview(actor=request.user)
    return redirect("accountmanagers:plan", plan_id=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def departure(request, manager_id):
    require_capability(request.user, "managers.manage")
    leaving = selectors.get_manager_for_user(request.user, manager_id, include_inactive=True)
    form = DepartureForm(request.POST or None, actor=request.user, leaving=leaving)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.departure_preview(
                actor=request.user,
                leaving=leaving,
                successors=list(form.cleaned_data["successors"]),
                other_work_to=form.cleaned_data["other_work_to"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("accountmanagers:plan", plan_id=plan.pk)
    customers = selectors.customers_of(leaving).count()
    return render(
        request, "accountmanagers/departure_form.html", {"form": form, "leaving": leaving, "customers": customers}
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign(request):
    require_capability(request.user, "managers.manage")
    form = AssignForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.customers_assign(
                actor=request.user, customer_ids=form.cleaned_data["customers"], manager=form.cleaned_data["manager"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(count)d customer(s) assigned.") % {"count": moved})
            return redirect("accountmanagers:managers")
    return render(request, "accountmanagers/assign_form.html", {"form": form})


@login_required
@require_GET
def plan_list(request):
    require_capability(request.user, "managers.view")
    page = Paginator(selectors.plans_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accountmanagers/plan_list.html", {"page_obj": page})


def _reason_rows(counts: dict) -> list[tuple[str, int]]:
    labels = dict(MoveReason.choices)
    return [(labels.get(reason, reason), count) for reason, count in sorted(counts.items(), key=lambda kv: -kv[1])]


@login_required
@require_GET
def plan_detail(request, plan_id):
    plan = selectors.get_plan_for_user(request.user, plan_id)
    summary = plan.summary or {}
    loads = summary.get("loads", [])[:PAGE_SIZE]
    people = User.objects.in_bulk([row[0] for row in loads])
    page = Paginator(selectors.plan_moves(plan), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "plan": plan,
        "page_obj": page,
        "reasons": _reason_rows(summary.get("reasons", {})),
        "unplaced": _reason_rows(summary.get("unplaced", {})),
        "loads": [(people.get(mid), before, after) for mid, before, after in loads],
        "more_loads": max(0, len(summary.get("loads", [])) - PAGE_SIZE),
        "summary": summary,
        "may_manage": has_capability(request.user, "managers.manage"),
        "is_departure": plan.kind == PlanKind.DEPARTURE,
        "working": plan.status in WORKING_STATUSES,
    }
    return render(request, "accountmanagers/plan_detail.html", context)


@login_required
@require_GET
def plan_progress(request, plan_id):
    """Polled by htmx while the plan is worked out or applied; once done the page reloads itself."""
    plan = selectors.get_plan_for_user(request.user, plan_id)
    working = plan.status in WORKING_STATUSES
    response = render(request, "accountmanagers/partials/plan_progress.html", {"plan": plan, "working": working})
    if not working:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def plan_apply(request, plan_id):
    plan = selectors.get_plan_for_user(request.user, plan_id, capability="managers.manage")
    try:
        plan = services.plan_apply(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if plan.status == PlanStatus.APPLIED:
            messages.success(
                request,
                _("%(moved)d customer(s) moved; %(stale)d changed since the preview and were left as they are.")
                % {"moved": plan.applied_count, "stale": plan.stale_count},
            )
        elif plan.status == PlanStatus.APPLYING:
            messages.info(request, _("The plan is being applied; this page shows when it is done."))
    return redirect("accountmanagers:plan", plan_id=plan.pk)


@login_required
@require_POST
def plan_discard(request, plan_id):
    plan = selectors.get_plan_for_user(request.user, plan_id, capability="managers.manage")
    try:
        services.plan_discard(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The plan was discarded; nothing was changed."))
    return redirect("accountmanagers:plan", plan_id=plan.pk)


@login_required
@require_GET
def handover_list(request):
    require_capability(request.user, "managers.view")
    page = Paginator(selectors.handovers_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accountmanagers/handover_list.html", {"page_obj": page})


@login_required
@require_GET
def handover_detail(request, handover_id):
    handover = selectors.get_handover_for_user(request.user, handover_id)
    return render(
        request,
        "accountmanagers/handover_detail.html",
        {"handover": handover, "may_acknowledge": handover.to_user_id == request.user.pk},
    )


@login_required
@require_POST
def handover_acknowledge(request, handover_id):
    handover = selectors.get_handover_for_user(request.user, handover_id)
    try:
        services.handover_acknowledge(actor=request.user, handover=handover)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Handover acknowledged."))
    return redirect("accountmanagers:handover", handover_id=handover.pk)
